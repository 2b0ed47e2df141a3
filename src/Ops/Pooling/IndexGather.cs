namespace Autograd;

// Per-plane gather by flat indices, a recorded op: max pooling's double backward (a max pool of the
// incoming gradient by the forward's saved argmax) and max_unpool2d's backward.
//   y[plane, o] = x[plane, idx[o]]      (0 where idx[o] = −1: a window of padding only, Note [Window of padding only])
//   dX = scatter_add(dY, idx)           (IndexScatterAdd: a cell read by several o collects all their gradients)
// PyTorch (max_pool_double_backward) gathers with at::gather, whose node is GatherBackward0.
public static partial class F
{
    /// <summary>
    /// y[plane, o] = x[plane, indices[o]] over the planes of <paramref name="x"/> (its leading dims), shaped
    /// <paramref name="outShape"/> (the same leading dims); recorded as <paramref name="nodeName"/> with a
    /// differentiable backward (the scatter-add), so it can be differentiated to any order.
    /// </summary>
    internal static Tensor IndexGather(Tensor x, int[] indices, int[] outShape, string nodeName)
    {
        int srcPlane = x.Dims[^2] * x.Dims[^1];
        int planes = Planes(x.Dims);
        var y = x.DType == DType.Float32
            ? new Tensor(IndexKernels.Gather(planes, srcPlane, x.Array<float>(), indices), outShape)
            : new Tensor(IndexKernels.Gather(planes, srcPlane, x.Array<double>(), indices), outShape);
        if (!Node.NeedsGrad([x])) return y;
        int[] xShape = x.Dims;
        return Node.Record(y, nodeName, [x], g => [IndexScatterAdd(g, indices, xShape, "ScatterAddBackward0")],
            saved: [Node.Residuals], differentiable: true);
    }

    /// <summary>Independent (…, H, W) planes of a tensor of these dims: the product of all but the last two.</summary>
    private static int Planes(int[] dims)
    {
        int planes = 1;
        for (int d = 0; d < dims.Length - 2; d++) planes *= dims[d];
        return planes;
    }
}
