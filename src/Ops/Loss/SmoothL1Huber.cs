namespace Autograd;

// d = x − t (broadcast together, as functional.py broadcasts them first).
// smooth_l1_loss(β): ℓ = |d| < β ? 0.5·d²/β : |d| − 0.5·β;  dX = g · clamp(d/β, −1, 1), dT = −dX
//   (SmoothL1LossBackward0). β = 0 is l1_loss (PyTorch dispatches it so; recorded as l1_loss's ops);
//   β < 0 throws.
// huber_loss(δ):       ℓ = |d| < δ ? 0.5·d²   : δ·(|d| − 0.5·δ);  dX = g · clamp(d, −δ, δ), dT = −dX
//   (HuberLossBackward0); δ ≤ 0 throws. Huber = δ · smooth_l1(β = δ).
// Mean scales by 1/numel. The rules are F ops (clamp), so createGraph records them and the second
// derivative is g·[|d| ≤ β]/β (PyTorch's is [|d| < β]: they differ only exactly at |d| = β).
public static partial class F
{
    /// <summary>torch.nn.functional.smooth_l1_loss (beta ≥ 0; beta = 0 is l1_loss).</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        const string op = "smooth_l1_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, $"{op}: smooth_l1_loss does not support negative values for beta.");
        if (beta == 0) return L1Loss(input, target, reduction);
        Tensor d, elementwise;
        using (Grad.NoGrad())
        {
            d = Sub(input, target);
            var ad = Abs(d);
            elementwise = Where(Lt(ad, beta), Div(Mul(Mul(d, d), 0.5), beta), Sub(ad, 0.5 * beta));
        }
        return DifferenceLoss("SmoothL1LossBackward0", elementwise, reduction, input, target, diff => Clamp(Div(diff, beta), -1, 1));
    }

    /// <summary>smooth_l1_loss with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, string reduction, double beta = 1.0)
        => SmoothL1Loss(input, target, ParseReduction(reduction, "smooth_l1_loss"), beta);

    /// <summary>torch.nn.functional.huber_loss (delta &gt; 0).</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0, Tensor? weight = null)
    {
        const string op = "huber_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, $"{op}: huber_loss does not support non-positive values for delta.");
        CheckPointwiseWeight(input, weight, op);
        if (weight is not null)   // Note [Weighted pointwise losses] (L1Loss.cs): mean(ℓ·w) for huber
            return WeightedReduction(HuberLoss(input, target, Reduction.None, delta), weight, reduction, meanOverWeights: false);
        Tensor elementwise;
        using (Grad.NoGrad())
        {
            var d = Sub(input, target);
            var ad = Abs(d);
            elementwise = Where(Lt(ad, delta), Mul(Mul(d, d), 0.5), Mul(Sub(ad, 0.5 * delta), delta));
        }
        return DifferenceLoss("HuberLossBackward0", elementwise, reduction, input, target, diff => Clamp(diff, -delta, delta));
    }

    /// <summary>huber_loss with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, string reduction, double delta = 1.0, Tensor? weight = null)
        => HuberLoss(input, target, ParseReduction(reduction, "huber_loss"), delta, weight);

    private static void CheckPointwiseLoss(Tensor input, Tensor target, Reduction reduction, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        input.RequireFloating(op, nameof(input));
        target.RequireFloating(op, nameof(target));
        ShapeUtil.Broadcast(input.Shape, target.Shape, op);
    }

    /// <summary>A loss of d = input − target whose derivative in d is <paramref name="slope"/>(d): dX = g·slope, dT = −g·slope.</summary>
    private static Tensor DifferenceLoss(string node, Tensor elementwise, Reduction reduction, Tensor input, Tensor target, Func<Tensor, Tensor> slope)
    {
        bool gi = input.RequiresGrad, gt = target.RequiresGrad;
        return PointwiseLoss(node, elementwise, reduction, [input, target], g =>
        {
            var dx = Mul(slope(Sub(input, target)), g);
            return [gi ? dx : null, gt ? Neg(dx) : null];
        });
    }
}
