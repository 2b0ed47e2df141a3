using System.Numerics;

namespace Autograd;

// loss = (x - t)², x and t broadcast together, reduced by Mean (/ n), Sum or None.
// dX = sum_to(2 (x - t) · dY  (· 1/n for Mean), x.shape);  dT = sum_to(-2 (x - t) · dY, t.shape).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.mse_loss. Input and target of different shapes broadcast together, as in
    /// PyTorch (which also warns "Using a target size ... that is different to the input size": that
    /// is almost always a bug, but PyTorch accepts it and so must we, the libtorch oracle checks it);
    /// shapes that do not broadcast throw.
    /// </summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        (input, target) = Promote(input, target);
        var diff = BinaryKernel.Run<SubOp>(input, target, "mse_loss");
        var sq = BinaryKernel.Run<MulOp>(diff, diff, "mse_loss");
        int n = diff.Numel;
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
            return [gi ? BinaryKernel.SumTo(dx, input.Dims) : null, gt ? BinaryKernel.SumTo(Neg(dx), target.Dims) : null];
        }, saved: [input, target]);
    }

    /// <summary>Non-differentiable sum of all elements as a 0-dim tensor.</summary>
    private static Tensor SumData(Tensor x)
    {
        using (Grad.NoGrad()) return Sum(x);
    }
}
