using System.Numerics;

namespace Autograd;

// binary_cross_entropy_with_logits(x, t, w, pw) (PyTorch 2.x's formula, stable for any |x|):
//   ℓ = w · ((1 − t) · x − (1 + (pw − 1) · t) · log_sigmoid(x))
//   (log_sigmoid(x) = −(log1p(exp(−|x|)) + max(−x, 0)): no overflow, no NaN at |x| = 1e4.)
// dX = g · w · ((pw·t + 1 − t) · sigmoid(x) − pw·t)        (without pw: sigmoid(x) − t)
// dT = g · w · (log_sigmoid(−x) − pw · log_sigmoid(x))       (without pw: −x)
// Mean scales both by 1/numel. One node, BinaryCrossEntropyWithLogitsBackward0, as PyTorch's; the rule is
// written with F ops (PyTorch's binary_cross_entropy_with_logits_backward is composite too), so it is
// differentiable again under createGraph. weight and pos_weight are constants (Note [Loss weights are constants]).
// float32/float64 with weights that are absent, one value, per element or per last-dim entry run the fused
// kernel (BceWithLogitsKernel.cs): the forward, and dX in a plain backward when the target needs no gradient.
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.binary_cross_entropy_with_logits: <paramref name="input"/> holds logits and
    /// <paramref name="target"/> has its shape; <paramref name="weight"/> and <paramref name="posWeight"/>
    /// (the weight of positive examples, e.g. one per class) broadcast to it.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        const string op = "binary_cross_entropy_with_logits";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        input.RequireFloating(op, nameof(input));
        target.RequireFloating(op, nameof(target));
        if (!ShapeUtil.SameShape(input.Shape, target.Shape))
            throw new ArgumentException($"{op}: Target size ({TorchSize(target.Dims)}) must be the same as input size ({TorchSize(input.Dims)})", nameof(target));
        CheckLossWeight(weight, input.Dims, op, nameof(weight));
        CheckLossWeight(posWeight, input.Dims, op, "pos_weight");
        Tensor? w = weight?.Detach(), pw = posWeight?.Detach();
        bool gi = input.RequiresGrad, gt = target.RequiresGrad;
        var fused = BceWithLogitsFused.TryCreate(input, target, w, pw);
        Tensor? loss = fused?.Forward(reduction);
        if (loss is null)
        {
            Tensor elementwise;
            using (Grad.NoGrad())
            {
                var logSig = LogSigmoid(input);
                if (pw is not null) logSig = Mul(logSig, Add(Mul(Sub(pw, 1.0), target), 1.0));
                elementwise = Sub(Mul(Add(Neg(target), 1.0), input), logSig);
                if (w is not null) elementwise = Mul(elementwise, w);
                loss = ApplyReduction(elementwise, reduction);
            }
        }
        return PointwiseLoss("BinaryCrossEntropyWithLogitsBackward0", loss, input.Numel, reduction, [input, target], g =>
        {
            // A plain backward of dX alone: the kernel's one pass (g is 0-dim unless None, already scaled for Mean).
            if (fused is not null && !gt && !GradMode.IsEnabled) return [fused.InputGrad(g), null];
            var gw = w is null ? g : Mul(g, w);
            Tensor? dx = null, dt = null;
            if (gi)
            {
                if (pw is null) dx = Sub(Sigmoid(input), target);
                else
                {
                    var pt = Mul(pw, target);
                    dx = Sub(Mul(Sub(Add(pt, 1.0), target), Sigmoid(input)), pt);
                }
                dx = Mul(dx, gw);
            }
            if (gt) dt = Mul(pw is null ? Neg(input) : Sub(LogSigmoid(Neg(input)), Mul(LogSigmoid(input), pw)), gw);
            return [dx, dt];
        });
    }

    /// <summary>binary_cross_entropy_with_logits with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, string reduction, Tensor? weight = null, Tensor? posWeight = null)
        => BinaryCrossEntropyWithLogits(input, target, weight, ParseReduction(reduction, "binary_cross_entropy_with_logits"), posWeight);
}

/// <summary>One call's operands for <see cref="BceWithLogitsKernel"/>, when it applies.</summary>
internal sealed class BceWithLogitsFused
{
    private readonly Tensor _x, _t;
    private readonly Tensor? _w, _pw;
    private readonly int _segment;

    private BceWithLogitsFused(Tensor x, Tensor t, Tensor? w, Tensor? pw, int segment) => (_x, _t, _w, _pw, _segment) = (x, t, w, pw, segment);

    internal static BceWithLogitsFused? TryCreate(Tensor x, Tensor t, Tensor? w, Tensor? pw)
    {
        if (x.DType is not (DType.Float32 or DType.Float64) || t.DType != x.DType || x.Numel == 0) return null;
        if (!BceWithLogitsKernel.Supported(w, x.Dims, x.DType, out bool lw) || !BceWithLogitsKernel.Supported(pw, x.Dims, x.DType, out bool lp)) return null;
        return new(x, t, w, pw, BceWithLogitsKernel.SegmentLength(x.Dims, lw || lp, x.Numel));
    }

    internal Tensor Forward(Reduction reduction) => _x.DType == DType.Float32 ? Forward<float>(reduction) : Forward<double>(reduction);

    private Tensor Forward<T>(Reduction reduction) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sums = new double[(_x.Numel + _segment - 1) / _segment];
        var loss = reduction == Reduction.None ? Tensor.Uninitialized(_x.DType, _x.Dims) : null;
        BceWithLogitsKernel.Forward(_x.Array<T>(), _t.Array<T>(), BceWithLogitsKernel.Make<T>(_w, _segment), BceWithLogitsKernel.Make<T>(_pw, _segment), _segment, loss?.Array<T>(), sums);
        if (loss is not null) return loss;
        double total = 0;
        foreach (var v in sums) total += v;
        return Tensor.Full([], reduction == Reduction.Sum ? total : total / _x.Numel, _x.DType);
    }

    /// <summary>dX for the upstream gradient <paramref name="g"/>: 0-dim, or shaped like the input (None).</summary>
    internal Tensor InputGrad(Tensor g) => _x.DType == DType.Float32 ? InputGrad<float>(g) : InputGrad<double>(g);

    private Tensor InputGrad<T>(Tensor g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dx = Tensor.Uninitialized(_x.DType, _x.Dims);
        bool perElement = g.Numel == _x.Numel && g.Rank > 0;
        var gd = g.DType == _x.DType ? g : g.ConvertData(_x.DType);
        BceWithLogitsKernel.Backward(_x.Array<T>(), _t.Array<T>(), BceWithLogitsKernel.Make<T>(_w, _segment), BceWithLogitsKernel.Make<T>(_pw, _segment), _segment,
            perElement ? gd.Array<T>() : null, perElement ? T.Zero : gd.Array<T>()[0], dx.Array<T>());
        return dx;
    }
}
