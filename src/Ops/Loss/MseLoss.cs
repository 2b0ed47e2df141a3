using System.Numerics;

namespace Autograd;

// loss = (x - t)², reduced by Mean (/ n), Sum or None.
// dX = 2 (x - t) · dY  (· 1/n for Mean);  dT = -dX.
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.mse_loss. Input and target must have the same shape: PyTorch only warns and
    /// broadcasts, which is almost always a bug, so here it is an error.
    /// </summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (!ShapeUtil.SameShape(input.Shape, target.Shape))
            throw new ArgumentException($"mse_loss: Using a target size ({ShapeUtil.Format(target.Shape)}) that is different to the input size ({ShapeUtil.Format(input.Shape)}). This will likely lead to incorrect results due to broadcasting; reshape one of them.", nameof(target));
        (input, target) = Promote(input, target);
        var diff = BinaryKernel.Run<SubOp>(input, target, "mse_loss");
        var sq = BinaryKernel.Run<MulOp>(diff, diff, "mse_loss");
        int n = input.Numel;
        Tensor loss = reduction switch
        {
            Reduction.None => sq,
            Reduction.Sum => SumData(sq),
            _ => Tensor.Full([], SumData(sq).GetDouble(0) / n, input.DType),
        };
        if (!Node.NeedsGrad([input, target])) return loss;
        bool gi = input.RequiresGrad, gt = target.RequiresGrad;
        return Node.Record(loss, "MseLossBackward0", [input, target], g =>
        {
            double scale = reduction == Reduction.Mean ? 2.0 / n : 2.0;
            var dx = reduction == Reduction.None ? Mul(Mul(diff, g), scale) : Mul(diff, g.GetDouble(0) * scale);
            return [gi ? dx : null, gt ? Neg(dx) : null];
        });
    }

    /// <summary>Non-differentiable sum of all elements as a 0-dim tensor.</summary>
    private static Tensor SumData(Tensor x)
    {
        using (Grad.NoGrad()) return Sum(x);
    }
}
