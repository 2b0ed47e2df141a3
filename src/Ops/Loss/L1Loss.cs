namespace Autograd;

// l1_loss(x, t) = reduce(|x − t|), x and t broadcast together. PyTorch's l1_loss is composite
// (apply_loss_reduction((x − t).abs())), so it is recorded as those ops, as PyTorch records it:
// MeanBackward0 / SumBackward0 over AbsBackward0 over SubBackward0. dX = sign(x − t) · g (0 where x = t), dT = −dX.
public static partial class F
{
    /// <summary>torch.nn.functional.l1_loss: mean/sum/none of |input − target| (shapes broadcast, as in PyTorch).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckPointwiseLoss(input, target, reduction, "l1_loss");
        return ApplyReduction(Abs(Sub(input, target)), reduction);
    }

    /// <summary>l1_loss with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, string reduction) => L1Loss(input, target, ParseReduction(reduction, "l1_loss"));
}
