namespace Autograd;

// Differentiable helpers of backward rules (Note [Double backward]).
// sum_to_size: dX = expand(dY) back to the input's shape; expand: dX = sum_to_size(dY, input shape).
// Each is the other's backward, so a rule written with them is differentiable to any order. Without
// grad mode (an ordinary backward) they are the raw kernels and record nothing.
public static partial class F
{
    /// <summary>Sums <paramref name="g"/> over the dims it was broadcast along down to <paramref name="shape"/> (tensor.sum_to_size).</summary>
    internal static Tensor SumToSize(Tensor g, int[] shape)
    {
        if (ShapeUtil.SameShape(g.Shape, shape)) return g;
        var r = BinaryKernel.SumTo(g, shape);
        if (!Node.NeedsGrad([g])) return r;
        int[] gShape = g.Dims;
        int[] padded = [.. Enumerable.Repeat(1, gShape.Length - shape.Length), .. shape];
        return Node.Record(r, "SumBackward1", [g], gg => [ExpandTo(AsShape(gg, padded), gShape)], differentiable: true);
    }

    /// <summary>Broadcasts <paramref name="g"/> (same rank as <paramref name="shape"/>, or 0-dim) to <paramref name="shape"/> (tensor.expand, materialised).</summary>
    internal static Tensor ExpandTo(Tensor g, int[] shape)
    {
        if (ShapeUtil.SameShape(g.Shape, shape)) return g;
        var r = ExpandData(g, shape);
        if (!Node.NeedsGrad([g])) return r;
        int[] gShape = g.Dims;
        return Node.Record(r, "ExpandBackward0", [g], gg => [AsShape(SumToSize(gg, gShape.Length == 0 ? [] : gShape), gShape)], differentiable: true);
    }

    /// <summary>g with another shape of the same size: a recorded view when g has history, else a bare alias (the backward hot path).</summary>
    internal static Tensor AsShape(Tensor g, int[] shape)
        => g.RequiresGrad && GradMode.IsEnabled ? View(g, shape) : new Tensor(g.Storage, shape);
}
