namespace Autograd;

// binary_cross_entropy(x, t, w): ℓ = w · ((t − 1) · max(log1p(−x), −100) − t · max(log x, −100)), x ∈ [0, 1]
//   (PyTorch's CPU kernel: the logs are clamped at −100, so x = 0 or 1 exactly gives a finite loss).
// dX = g · w · (x − t) / max((1 − x) · x, 1e−12)          (binary_cross_entropy_backward, EPSILON 1e−12)
// dT = g · w · (log1p(−x) − log x)  = −g · w · logit(x)   (binary_cross_entropy_target_backward; ±inf at 0/1)
// Mean scales both by 1/numel. One node, BinaryCrossEntropyBackward0; its rule is written with F ops, so
// under createGraph it is recorded and differentiable again. The weight is a constant: PyTorch does not
// differentiate it (derivative not implemented), and neither do we (Note [Loss weights are constants]).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.binary_cross_entropy: <paramref name="input"/> holds probabilities in [0, 1] and
    /// <paramref name="target"/> has its shape; <paramref name="weight"/> (optional) broadcasts to it.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string op = "binary_cross_entropy";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        input.RequireFloating(op, nameof(input));
        target.RequireFloating(op, nameof(target));
        if (!ShapeUtil.SameShape(input.Shape, target.Shape))
            throw new ArgumentException($"{op}: Using a target size ({TorchSize(target.Dims)}) that is different to the input size ({TorchSize(input.Dims)}) is deprecated. Please ensure they have the same size.", nameof(target));
        CheckLossWeight(weight, input.Dims, op, nameof(weight));
        CheckUnitInterval(input, op);
        var w = weight?.Detach();
        Tensor elementwise;
        using (Grad.NoGrad())
        {
            var logX = Clamp(Log(input), min: -100);
            var log1mX = Clamp(Log1p(Neg(input)), min: -100);
            elementwise = Sub(Mul(Sub(target, 1.0), log1mX), Mul(target, logX));
            if (w is not null) elementwise = Mul(elementwise, w);
        }
        bool gi = input.RequiresGrad, gt = target.RequiresGrad;
        return PointwiseLoss("BinaryCrossEntropyBackward0", elementwise, reduction, [input, target], g =>
        {
            var gw = w is null ? g : Mul(g, w);
            return [gi ? Div(Mul(gw, Sub(input, target)), Clamp(Mul(Add(Neg(input), 1.0), input), min: 1e-12)) : null,
                    gt ? Mul(gw, Sub(Log1p(Neg(input)), Log(input))) : null];
        });
    }

    /// <summary>binary_cross_entropy with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, string reduction, Tensor? weight = null)
        => BinaryCrossEntropy(input, target, weight, ParseReduction(reduction, "binary_cross_entropy"));

    /// <summary>PyTorch's check of binary_cross_entropy's input (NaN fails it too, as in PyTorch).</summary>
    private static void CheckUnitInterval(Tensor input, string op)
    {
        int bad = input.DType == DType.Float32 ? FirstOutside(input.Array<float>()) : FirstOutside(input.Array<double>());
        if (bad >= 0)
            throw new ArgumentException($"{op}: all elements of input should be between 0 and 1 (input[{bad}] = {input.GetDouble(bad)})", nameof(input));

        static int FirstOutside<T>(T[] x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
                if (!(x[i] >= T.Zero && x[i] <= T.One)) return i;
            return -1;
        }
    }

    /// <summary>A shape as Python prints torch.Size: torch.Size([2, 3]).</summary>
    internal static string TorchSize(int[] shape) => $"torch.Size([{string.Join(", ", shape)}])";
}
