namespace Autograd;

// binary_cross_entropy_with_logits(x, t, w, pw) (PyTorch 2.x's formula, stable for any |x|):
//   ℓ = w · ((1 − t) · x − (1 + (pw − 1) · t) · log_sigmoid(x))
//   (log_sigmoid(x) = −(log1p(exp(−|x|)) + max(−x, 0)): no overflow, no NaN at |x| = 1e4.)
// dX = g · w · ((pw·t + 1 − t) · sigmoid(x) − pw·t)        (without pw: sigmoid(x) − t)
// dT = g · w · (log_sigmoid(−x) − pw · log_sigmoid(x))       (without pw: −x)
// Mean scales both by 1/numel. One node, BinaryCrossEntropyWithLogitsBackward0, as PyTorch's; the rule is
// written with F ops (PyTorch's binary_cross_entropy_with_logits_backward is composite too), so it is
// differentiable again under createGraph. weight and pos_weight are constants (Note [Loss weights are constants]).
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
        Tensor elementwise;
        using (Grad.NoGrad())
        {
            var logSig = LogSigmoid(input);
            if (pw is not null) logSig = Mul(logSig, Add(Mul(Sub(pw, 1.0), target), 1.0));
            elementwise = Sub(Mul(Add(Neg(target), 1.0), input), logSig);
            if (w is not null) elementwise = Mul(elementwise, w);
        }
        bool gi = input.RequiresGrad, gt = target.RequiresGrad;
        return PointwiseLoss("BinaryCrossEntropyWithLogitsBackward0", elementwise, reduction, [input, target], g =>
        {
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
