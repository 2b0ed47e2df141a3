namespace Autograd;

// Shared by the losses: PyTorch's reduction strings, the check that only kl_div takes batchmean, the
// reduction itself as recorded ops (mean/sum nodes as PyTorch's composite losses record them), and the
// pointwise-loss node used by the fused losses (smooth_l1, huber, binary_cross_entropy[_with_logits]).
//
// Note [Loss reduction strings]: every functional loss takes the Reduction enum (the primary overload, its
// reduction argument where PyTorch's is) and a second overload whose first optional argument is PyTorch's
// string ("mean", "sum", "none", "batchmean" for kl_div), so `F.L1Loss(x, t, reduction: "sum")` and
// `new L1Loss(reduction: "sum")` compile as well as `reduction: Reduction.Sum`. A bad string or batchmean
// elsewhere throws PyTorch's ValueError text: "<x> is not a valid value for reduction".
public static partial class F
{
    /// <summary>PyTorch's reduction string as the enum ("batchmean" only where <paramref name="allowBatchMean"/>).</summary>
    public static Reduction ParseReduction(string reduction, string op = "loss", bool allowBatchMean = false)
    {
        ArgumentNullException.ThrowIfNull(reduction);
        var r = reduction switch
        {
            "mean" => Reduction.Mean,
            "sum" => Reduction.Sum,
            "none" => Reduction.None,
            "batchmean" => Reduction.BatchMean,
            _ => throw new ArgumentException($"{op}: {reduction} is not a valid value for reduction", nameof(reduction)),
        };
        if (r == Reduction.BatchMean && !allowBatchMean) CheckReduction(r, op);
        return r;
    }

    /// <summary>Rejects an enum value outside Mean/Sum/None (BatchMean is kl_div's alone), before any work.</summary>
    internal static void CheckReduction(Reduction reduction, string op)
    {
        if (reduction is Reduction.Mean or Reduction.Sum or Reduction.None) return;
        throw new ArgumentException(reduction == Reduction.BatchMean
            ? $"{op}: batchmean is not a valid value for reduction (only kl_div takes it)"
            : $"{op}: {(int)reduction} is not a valid value for reduction", nameof(reduction));
    }

    /// <summary>apply_loss_reduction: the elementwise loss itself, its sum or its mean, as recorded ops.</summary>
    internal static Tensor ApplyReduction(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Sum => Sum(loss),
        _ => Mean(loss),
    };

    /// <summary>
    /// A fused pointwise loss: <paramref name="elementwise"/> is the unreduced loss (computed without
    /// recording), reduced here and recorded as <paramref name="node"/> over <paramref name="inputs"/>.
    /// <paramref name="grads"/> receives the upstream gradient already scaled for the reduction (1/numel
    /// for Mean; 0-dim unless None) and returns each input's gradient at the loss's shape (null where the
    /// input does not require grad), written with F ops: plain kernels in a backward pass, recorded ops
    /// under createGraph, so the rule is differentiable again (Note [Double backward]).
    /// </summary>
    internal static Tensor PointwiseLoss(string node, Tensor elementwise, Reduction reduction, Tensor[] inputs, Func<Tensor, Tensor?[]> grads)
    {
        Tensor loss;
        using (Grad.NoGrad()) loss = ApplyReduction(elementwise, reduction);
        return PointwiseLoss(node, loss, elementwise.Numel, reduction, inputs, grads);
    }

    /// <summary><see cref="PointwiseLoss(string, Tensor, Reduction, Tensor[], Func{Tensor, Tensor?[]})"/> over an already reduced loss of <paramref name="n"/> elements.</summary>
    internal static Tensor PointwiseLoss(string node, Tensor loss, int n, Reduction reduction, Tensor[] inputs, Func<Tensor, Tensor?[]> grads)
    {
        if (!Node.NeedsGrad(inputs)) return loss;
        var shapes = inputs.Select(i => i.Dims).ToArray();
        return Node.Record(loss, node, inputs, g =>
        {
            var scaled = reduction == Reduction.Mean ? Div(g, (double)n) : g;
            var r = grads(scaled);
            for (int i = 0; i < r.Length; i++)
                if (r[i] is { } gi) r[i] = SumToSize(gi, shapes[i]);
            return r;
        }, saved: inputs, differentiable: true);
    }

    /// <summary>Checks that an optional per-element weight broadcasts to <paramref name="shape"/> without growing it.</summary>
    internal static void CheckLossWeight(Tensor? weight, int[] shape, string op, string name)
    {
        if (weight is null) return;
        weight.RequireFloating(op, name);
        var b = ShapeUtil.Broadcast(weight.Shape, shape, op);
        if (!ShapeUtil.SameShape(b, shape))
            throw new ArgumentException($"{op}: {name} of shape {ShapeUtil.Format(weight.Shape)} does not broadcast to the loss shape {ShapeUtil.Format(shape)}", name);
    }
}
