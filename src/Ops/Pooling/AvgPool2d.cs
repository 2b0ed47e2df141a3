using System.Numerics;

namespace Autograd;

// avg_pool2d: y[w] = Σ_{i ∈ w} x[i] / divisor(w)   (padding contributes zeros)
// dX[i] = Σ_{w ∋ i} dY[w] / divisor(w)             (WindowWalk.SumBackward: the transposed walk)
// The backward is linear in dY (dX = Aᵀ dY for the pooling matrix A), so under createGraph it is a recorded
// op (AvgPoolBackward, node AvgPool2DBackwardBackward0) whose derivative is A again: this op.
// divisor(w): divisor_override if given; else with count_include_pad the window's size counting
// padding but not the part of a ceil-mode window beyond the padded input; else its real cells only.
// Executable spec: tests/GradCheck/Support/NaivePool.cs, NaivePool.Avg (tests/GradCheck/Ops/Pooling).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.avg_pool2d: the mean of each kernelSize window of each (N, C) plane of a
    /// 4-d (N, C, H, W) or 3-d (C, H, W) input. stride defaults to kernelSize; padding (at most half the
    /// kernel) is zeros; ceilMode rounds the output size up (PyTorch's rule); countIncludePad counts the
    /// padding in the divisor; divisorOverride (non-zero) replaces the divisor.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        var geo = PoolGeometry.Fixed("avg_pool2d", input, kernelSize, stride, padding ?? 0, 1, ceilMode, countIncludePad, divisorOverride);
        if (divisorOverride == 0)
            throw new ArgumentOutOfRangeException(nameof(divisorOverride), "avg_pool2d: divisor must be not zero, got divisor_override=0");
        return AvgPoolRun(geo, input, "AvgPool2DBackward0");
    }

    /// <summary>Runs an average fold over validated windows and records the transposed-walk backward.</summary>
    internal static Tensor AvgPoolRun(PoolGeometry geo, Tensor input, string nodeName, string? emptyGradCheck = null)
    {
        var output = input.DType == DType.Float32
            ? new Tensor(AvgForward<float>(geo, input.Array<float>()), geo.OutputShape)
            : new Tensor(AvgForward<double>(geo, input.Array<double>()), geo.OutputShape);
        if (!Node.NeedsGrad([input])) return output;
        // An ordinary backward runs grad mode off, so AvgPoolBackward is its raw kernel and records nothing.
        return Node.Record(output, nodeName, [input], g => [AvgPoolBackward(geo, CheckAdaptiveGrad(emptyGradCheck, g), input, nodeName, emptyGradCheck)],
            saved: [input], differentiable: true);
    }

    private static T[] AvgForward<T>(PoolGeometry geo, T[] x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = TensorStorage.Allocate<T>(geo.Planes * geo.OH * geo.OW, zeroed: false);
        if (PairPool.Applies(geo)) PairPool.AvgForward(geo, x, y);   // Note [Pair pooling]
        else WindowWalk.Forward<T, AvgFold<T>>(geo, x, y, null);
        return y;
    }
}
