namespace Autograd;

// Per-plane scatter-add by flat indices, a recorded op: max pooling's backward under createGraph (the
// node PyTorch calls MaxPool2DWithIndicesBackwardBackward0 / AdaptiveMaxPool2DBackwardBackward0) and
// the gather's backward.
//   dX[plane, idx[o]] += g[plane, o]    (idx[o] = −1 sends nothing: a window of padding only)
//   d/dg = gather(gg, idx)              (IndexGather: each o reads the cell it was added into)
//   d/dx = 0                            (the argmax is piecewise constant in x: PyTorch's self: zeros_like(self))
// The forward input x is an input of the node only so the result requires grad whenever x does, as
// PyTorch's does; its gradient is always zero, so none is returned.
public static partial class F
{
    /// <summary>
    /// Scatter-adds each plane of <paramref name="g"/> into a zero plane of <paramref name="outShape"/> at
    /// <paramref name="indices"/> (IndexKernels.ScatterAdd), recorded as <paramref name="nodeName"/> with a
    /// differentiable backward. <paramref name="input"/>, when given, is an input of the node with zero derivative.
    /// </summary>
    internal static Tensor IndexScatterAdd(Tensor g, int[] indices, int[] outShape, string nodeName, Tensor? input = null)
    {
        int dstPlane = outShape[^2] * outShape[^1];
        int planes = Planes(outShape);
        var dx = g.DType == DType.Float32
            ? new Tensor(IndexKernels.ScatterAdd(planes, dstPlane, g.Array<float>(), indices), outShape)
            : new Tensor(IndexKernels.ScatterAdd(planes, dstPlane, g.Array<double>(), indices), outShape);
        if (!Node.NeedsGrad(input is null ? [g] : [g, input])) return dx;
        int[] gShape = g.Dims;
        return input is null
            ? Node.Record(dx, nodeName, [g], gg => [IndexGather(gg, indices, gShape, "GatherBackward0")], saved: [Node.Residuals], differentiable: true)
            : Node.Record(dx, nodeName, [g, input], gg => [IndexGather(gg, indices, gShape, "GatherBackward0"), null], saved: [Node.Residuals], differentiable: true);
    }
}
