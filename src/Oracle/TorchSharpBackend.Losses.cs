using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

// The losses through TorchSharp. functional.py's own Python-level steps are replayed here, since TorchSharp
// calls libtorch directly: binary_cross_entropy's and binary_cross_entropy_with_logits' size checks (ValueError
// in Python), the weight expand of binary_cross_entropy, the broadcast of l1/smooth_l1/huber inputs, smooth_l1's
// beta = 0 → l1_loss, nll_loss's ignore_index (TorchSharp lacks it) and kl_div's batchmean (the sum divided by input.size(0)).
public sealed partial class TorchSharpBackend
{
    public OracleTensor BinaryCrossEntropy(OracleTensor input, OracleTensor target, OracleTensor? weight, Reduction reduction)
        => Op(() =>
        {
            var (x, t) = (U(input), U(target));
            if (!x.shape.SequenceEqual(t.shape)) throw new TorchException("Using a target size that is different to the input size is deprecated. Please ensure they have the same size.");
            if (weight is null) return TorchApi.nn.functional.binary_cross_entropy(x, t, null, ReductionOf(reduction));
            using var w = U(weight).expand(t.shape);   // _infer_size then expand: the target's shape whenever it is valid
            return TorchApi.nn.functional.binary_cross_entropy(x, t, w, ReductionOf(reduction));
        });

    public OracleTensor BinaryCrossEntropyWithLogits(OracleTensor input, OracleTensor target, OracleTensor? weight, Reduction reduction, OracleTensor? posWeight)
        => Op(() =>
        {
            var (x, t) = (U(input), U(target));
            if (!x.shape.SequenceEqual(t.shape)) throw new TorchException("Target size must be the same as input size");
            return TorchApi.nn.functional.binary_cross_entropy_with_logits(x, t, Opt(weight), ReductionOf(reduction), Opt(posWeight));
        });

    public OracleTensor L1Loss(OracleTensor input, OracleTensor target, Reduction reduction, OracleTensor? weight)
        => Op(() => Broadcast(input, target, (x, t) => weight is null ? TorchApi.nn.functional.l1_loss(x, t, ReductionOf(reduction))
            : Weighted(x.sub(t).abs(), U(weight), x, U(input), reduction, meanOverWeights: true)));

    public OracleTensor MseLoss(OracleTensor input, OracleTensor target, Reduction reduction, OracleTensor? weight)
        => Op(() => Broadcast(input, target, (x, t) => weight is null ? TorchApi.nn.functional.mse_loss(x, t, ReductionOf(reduction))
            : Weighted(x.sub(t).pow(2), U(weight), x, U(input), reduction, meanOverWeights: true)));

    /// <summary>functional.py's weighted l1/mse/huber (PyTorch 2.6+): ℓ·w, then none / sum / (Σℓw / Σw or mean(ℓw)).</summary>
    private static TorchTensor Weighted(TorchTensor loss, TorchTensor w, TorchTensor expanded, TorchTensor input, Reduction reduction, bool meanOverWeights)
    {
        if (!w.shape.SequenceEqual(input.shape)) throw new TorchException("Weights and input must have the same size.");
        var weighted = loss.mul(w);
        if (reduction == Reduction.None) return weighted;
        using (weighted)
        {
            if (reduction == Reduction.Sum) return weighted.sum();
            if (!meanOverWeights) return weighted.mean();
            using var num = weighted.sum();
            using var den = w.sum();
            return num.div(den);
        }
    }

    public OracleTensor SmoothL1Loss(OracleTensor input, OracleTensor target, Reduction reduction, double beta)
        => Op(() => Broadcast(input, target, (x, t) => beta == 0
            ? TorchApi.nn.functional.l1_loss(x, t, ReductionOf(reduction))
            : TorchApi.nn.functional.smooth_l1_loss(x, t, ReductionOf(reduction), beta)));

    public OracleTensor HuberLoss(OracleTensor input, OracleTensor target, Reduction reduction, double delta, OracleTensor? weight)
        => Op(() => Broadcast(input, target, (x, t) =>
        {
            if (weight is null) return TorchApi.nn.functional.huber_loss(x, t, delta, ReductionOf(reduction));
            using var unweighted = TorchApi.nn.functional.huber_loss(x, t, delta, TorchApi.nn.Reduction.None);
            return Weighted(unweighted, U(weight), x, U(input), reduction, meanOverWeights: false);
        }));

    public OracleTensor KlDiv(OracleTensor input, OracleTensor target, Reduction reduction, bool logTarget)
        => Op(() =>
        {
            var x = U(input);
            if (reduction != Reduction.BatchMean) return TorchApi.nn.functional.kl_div(x, U(target), reduction: ReductionOf(reduction), log_target: logTarget);
            var sum = TorchApi.nn.functional.kl_div(x, U(target), reduction: TorchApi.nn.Reduction.Sum, log_target: logTarget);
            if (x.dim() == 0) return sum;
            using (sum) return sum / x.shape[0];
        });

    public OracleTensor NllLoss(OracleTensor input, OracleTensor target, OracleTensor? weight, int ignoreIndex, Reduction reduction)
        => Op(() =>
        {
            // TorchSharp's nll_loss has no ignore_index (libtorch's default -100 is used): other ignore
            // indices become -100 in the target first, which is the same computation.
            // The C++ frontend's nll_loss also refuses a (C) input (Python's takes it since 1.10): it is
            // run as a batch of one, and an unreduced loss squeezed back to 0-dim.
            var (x, t) = (U(input), U(target));
            bool unbatched = x.dim() == 1 && t.dim() == 0;
            using var xb = unbatched ? x.unsqueeze(0) : x.alias();
            using var tb = unbatched ? t.unsqueeze(0) : t.alias();
            using var ignored = tb.eq(ignoreIndex);
            using var mapped = ignoreIndex == -100 ? tb.alias() : tb.masked_fill(ignored, -100);
            var loss = TorchApi.nn.functional.nll_loss(xb, mapped, Opt(weight), ReductionOf(reduction));
            if (!(unbatched && reduction == Reduction.None)) return loss;
            using (loss) return loss.squeeze(0);
        });

    public OracleTensor CrossEntropy(OracleTensor input, OracleTensor target, OracleTensor? weight, int ignoreIndex, Reduction reduction, double labelSmoothing)
        => Op(() => TorchApi.nn.functional.cross_entropy(U(input), U(target), Opt(weight), ignoreIndex, ReductionOf(reduction), labelSmoothing));

    /// <summary>functional.py's torch.broadcast_tensors(input, target) before the loss.</summary>
    private TorchTensor Broadcast(OracleTensor input, OracleTensor target, Func<TorchTensor, TorchTensor, TorchTensor> loss)
    {
        var both = TorchApi.broadcast_tensors(U(input), U(target));
        try { return loss(both[0], both[1]); }
        finally { foreach (var b in both) b.Dispose(); }
    }
}
