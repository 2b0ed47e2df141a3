namespace Autograd;

// The gradient of max/min over a dim as a recorded op pair (Note [Double backward]):
// scatter: r = zeros(shape) with g[lane] at index[lane] along each lane (PyTorch's ScatterBackward0; the
//          scatter of value_selecting_reduction_backward); dG = gather(dR, index).
// gather:  r[lane] = x at index[lane] along the lane (GatherBackward0);                     dX = scatter(dR, index).
// Each is the other's derivative, so the gradient is differentiable to any order. Without grad mode (an
// ordinary backward) they are the raw kernels and record nothing.
public static partial class F
{
    /// <summary>Zeros of <paramref name="shape"/> with g[lane] placed at index[lane] along the lane.</summary>
    internal static Tensor ScatterAlongDim(Tensor g, int[] index, int[] shape, DimLayout l)
    {
        var dx = Tensor.Empty(g.DType, shape);
        for (int lane = 0; lane < index.Length; lane++)
            dx.SetDouble(l.Start(lane) + index[lane] * l.Inner, g.GetDouble(lane));
        if (!Node.NeedsGrad([g])) return dx;
        int[] gShape = g.Dims;
        return Node.Record(dx, "ScatterBackward0", [g], d => [GatherAlongDim(d, index, gShape, l)], differentiable: true);
    }

    /// <summary>The element at index[lane] of each lane of <paramref name="x"/>, in a tensor of <paramref name="shape"/> (one per lane).</summary>
    internal static Tensor GatherAlongDim(Tensor x, int[] index, int[] shape, DimLayout l)
    {
        var r = Tensor.Uninitialized(x.DType, shape);   // one element per lane, every one written
        for (int lane = 0; lane < index.Length; lane++)
            r.SetDouble(lane, x.GetDouble(l.Start(lane) + index[lane] * l.Inner));
        if (!Node.NeedsGrad([x])) return r;
        int[] xShape = x.Dims;
        return Node.Record(r, "GatherBackward0", [x], d => [ScatterAlongDim(d, index, xShape, l)], differentiable: true);
    }
}
