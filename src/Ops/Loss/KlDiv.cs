namespace Autograd;

// kl_div(x, t) with x = log-probabilities (PyTorch's at::kl_div is composite; recorded as its ops):
//   log_target = false: ℓ = xlogy(t, t) − t·x     (t = 0 contributes 0, as xlogy(0, 0) = 0)
//   log_target = true:  ℓ = exp(t) · (t − x)
// reduction: none, sum, mean (over every element, PyTorch's default that it warns about) or batchmean
// (the sum divided by input.size(0); the sum for a 0-dim input), as functional.py does it.
// xlogy(a, b) = a·log b, 0 where a = 0 (NaN b stays NaN): XlogyBackward0, dA = g·xlogy(a ≠ 0, b), dB = g·a/b.
// As in PyTorch, the gradient with respect to a non-log target at t = 0 is NaN (0/0 in dB).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.kl_div: <paramref name="input"/> holds log-probabilities; <paramref name="target"/>
    /// probabilities (or log-probabilities with <paramref name="logTarget"/>); they broadcast together.
    /// <see cref="Reduction.BatchMean"/> is the mathematically correct KL divergence per sample.
    /// </summary>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        const string op = "kl_div";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (reduction != Reduction.BatchMean) CheckReduction(reduction, op);
        if (!input.DType.IsFloatingPoint() || !target.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: Integral inputs not supported.", input.DType.IsFloatingPoint() ? nameof(target) : nameof(input));
        ShapeUtil.Broadcast(input.Shape, target.Shape, op);
        var elementwise = logTarget ? Mul(Exp(target), Sub(target, input)) : Sub(Xlogy(target, target), Mul(target, input));
        if (reduction != Reduction.BatchMean) return ApplyReduction(elementwise, reduction);
        var sum = Sum(elementwise);
        return input.Rank == 0 ? sum : Div(sum, (double)input.Dims[0]);
    }

    /// <summary>kl_div with PyTorch's reduction string, "batchmean" included (Note [Loss reduction strings]).</summary>
    public static Tensor KlDiv(Tensor input, Tensor target, string reduction, bool logTarget = false)
        => KlDiv(input, target, ParseReduction(reduction, "kl_div", allowBatchMean: true), logTarget);

    /// <summary>Same as <see cref="KlDiv(Tensor, Tensor, Reduction, bool)"/> (the module's name, nn.KLDivLoss).</summary>
    public static Tensor KLDivLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
        => KlDiv(input, target, reduction, logTarget);

    /// <summary>Same as <see cref="KlDiv(Tensor, Tensor, string, bool)"/>.</summary>
    public static Tensor KLDivLoss(Tensor input, Tensor target, string reduction, bool logTarget = false)
        => KlDiv(input, target, reduction, logTarget);

    /// <summary>torch.xlogy(a, b): a·log(b), 0 where a = 0 (unless b is NaN); a and b broadcast together.</summary>
    public static Tensor Xlogy(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a.RequireFloating("xlogy", nameof(a));
        b.RequireFloating("xlogy", nameof(b));
        Tensor r;
        using (Grad.NoGrad())
        {
            var full = Mul(a, Log(b));
            // 0 where a = 0 and b is not NaN (PyTorch: if isnan(y) NaN; if x == 0 then 0).
            r = Where(LogicalAnd(Eq(a, 0.0), Eq(b, b)), Tensor.Zeros([], full.DType), full);
        }
        if (!Node.NeedsGrad([a, b])) return r;
        int[] sa = a.Dims, sb = b.Dims;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(r, "XlogyBackward0", [a, b], g =>
        [
            ga ? SumToSize(Mul(g, Xlogy(To(Ne(a, 0.0), a.DType), b)), sa) : null,
            gb ? SumToSize(Div(Mul(g, a), b), sb) : null,
        ], saved: [a, b], differentiable: true);
    }
}
