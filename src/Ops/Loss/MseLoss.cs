using System.Numerics;

namespace Autograd;

// loss = (x - t)², x and t broadcast together, reduced by Mean (/ n), Sum or None.
// dX = sum_to(2 (x - t) · dY  (· 1/n for Mean), x.shape);  dT = sum_to(-2 (x - t) · dY, t.shape).
// Under createGraph each is mse_loss_backward(dY, x, t) / (dY, t, x), a recorded op (MseLossBackwardBackward0).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.mse_loss. Input and target of different shapes broadcast together, as in
    /// PyTorch (which also warns "Using a target size ... that is different to the input size": that
    /// is almost always a bug, but PyTorch accepts it and so must we, the libtorch oracle checks it);
    /// shapes that do not broadcast throw.
    /// </summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, "mse_loss");
        if (weight is not null)
        {
            // functional.py's weighted path, plain ops (Note [Weighted pointwise losses] in L1Loss.cs).
            CheckPointwiseLoss(input, target, reduction, "mse_loss");
            CheckPointwiseWeight(input, weight, "mse_loss");
            var d = Sub(input, target);
            return WeightedReduction(Mul(d, d), weight, reduction, meanOverWeights: true);
        }
        input.RequireFloating("mse_loss", nameof(input));
        target.RequireFloating("mse_loss", nameof(target));
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
            if (GradMode.IsEnabled)   // createGraph: PyTorch's mse_loss_backward(g, self, target) for each operand, recorded
                return [gi ? SumToSize(MseLossBackward(g, input, target, scale), input.Dims) : null,
                        gt ? SumToSize(MseLossBackward(g, target, input, scale), target.Dims) : null];
            var dx = reduction == Reduction.None ? Mul(Mul(diff, g), scale) : Mul(diff, g.GetDouble(0) * scale);
            return [gi ? BinaryKernel.SumTo(dx, input.Dims) : null, gt ? BinaryKernel.SumTo(Neg(dx), target.Dims) : null];
        }, saved: [input, target], differentiable: true);
    }

    /// <summary>mse_loss with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, string reduction, Tensor? weight = null) => MseLoss(input, target, ParseReduction(reduction, "mse_loss"), weight);

    /// <summary>
    /// mse_loss_backward as a recorded op (PyTorch's MseLossBackwardBackward0): r = scale·g·(self − other)
    /// at the broadcast shape, g either that shape (Reduction.None) or 0-dim. Its rule:
    /// dg = sum_to(scale·gg·(self − other), g.shape), dself = sum_to(scale·gg·g, self.shape), dother = −that.
    /// </summary>
    private static Tensor MseLossBackward(Tensor g, Tensor self, Tensor other, double scale)
    {
        Tensor r;
        using (Grad.NoGrad()) r = Mul(Mul(Sub(self, other), g), scale);
        if (!Node.NeedsGrad([g, self, other])) return r;
        int[] gShape = g.Dims, selfShape = self.Dims, otherShape = other.Dims;
        return Node.Record(r, "MseLossBackwardBackward0", [g, self, other], gg =>
        {
            var ggg = Mul(Mul(gg, g), scale);
            return [SumToSize(Mul(Mul(gg, Sub(self, other)), scale), gShape), SumToSize(ggg, selfShape), SumToSize(Neg(ggg), otherShape)];
        }, saved: [g, self, other], differentiable: true);
    }

    /// <summary>Non-differentiable sum of all elements as a 0-dim tensor.</summary>
    private static Tensor SumData(Tensor x)
    {
        using (Grad.NoGrad()) return Sum(x);
    }
}
