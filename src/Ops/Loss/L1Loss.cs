namespace Autograd;

// l1_loss(x, t) = reduce(|x − t|), x and t broadcast together. PyTorch's l1_loss is composite
// (apply_loss_reduction((x − t).abs())), so it is recorded as those ops, as PyTorch records it:
// MeanBackward0 / SumBackward0 over AbsBackward0 over SubBackward0. dX = sign(x − t) · g (0 where x = t), dT = −dX.
// Note [Weighted pointwise losses]: PyTorch 2.6+'s l1_loss / mse_loss / huber_loss take weight= (exactly the
// input's size, else "Weights and input must have the same size."), computed in functional.py as plain ops, so
// the weight is differentiable there and here: ℓ·w, reduced by none / sum / mean, where l1's and mse's mean is
// Σ ℓ·w / Σ w but huber's is mean(ℓ·w) — PyTorch's own inconsistency, reproduced.
public static partial class F
{
    /// <summary>torch.nn.functional.l1_loss: mean/sum/none of |input − target| (shapes broadcast, as in PyTorch).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null)
    {
        CheckPointwiseLoss(input, target, reduction, "l1_loss");
        CheckPointwiseWeight(input, weight, "l1_loss");
        var elementwise = Abs(Sub(input, target));
        return weight is null ? ApplyReduction(elementwise, reduction) : WeightedReduction(elementwise, weight, reduction, meanOverWeights: true);
    }

    /// <summary>l1_loss with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, string reduction, Tensor? weight = null) => L1Loss(input, target, ParseReduction(reduction, "l1_loss"), weight);

    /// <summary>PyTorch's weight check of l1/mse/huber (Note [Weighted pointwise losses]).</summary>
    internal static void CheckPointwiseWeight(Tensor input, Tensor? weight, string op)
    {
        if (weight is null) return;
        weight.RequireFloating(op, nameof(weight));
        if (!ShapeUtil.SameShape(weight.Shape, input.Shape))
            throw new ArgumentException($"{op}: Weights and input must have the same size. (weight {ShapeUtil.Format(weight.Shape)}, input {ShapeUtil.Format(input.Shape)})", nameof(weight));
    }

    /// <summary>ℓ·w reduced as functional.py does it (Note [Weighted pointwise losses]).</summary>
    internal static Tensor WeightedReduction(Tensor elementwise, Tensor weight, Reduction reduction, bool meanOverWeights)
    {
        var weighted = Mul(elementwise, weight);
        return reduction switch
        {
            Reduction.None => weighted,
            Reduction.Sum => Sum(weighted),
            _ => meanOverWeights ? Div(Sum(weighted), Sum(weight)) : Mean(weighted),
        };
    }
}
