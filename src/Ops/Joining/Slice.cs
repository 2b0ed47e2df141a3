namespace Autograd;

// Note [Split pieces are views]
// narrow, split, chunk and unbind return views sharing the input's storage, as PyTorch's (slice views, Note
// [Slice views]): a write into a piece reaches the input. As in PyTorch, the pieces of one split (chunk,
// unbind) share one node, each with its output number (PiecesNode), whose backward joins their gradients
// back; and because they are the outputs of one node, a recorded in-place write into one is refused with
// PyTorch's words ("This view is the output of a function that returns multiple views..."; CreationMeta
// MULTI_OUTPUT_NODE), while an unrecorded one (no grad anywhere, or under Grad.NoGrad()) writes the input.
// Once the base (or another view of it) was written in place, such a piece keeps its values but its history
// is not rebuilt: reading its grad_fn, or recording an op on it, raises PyTorch's "Output k of
// UnbindBackward0 is a view and its base or another view of its base has been modified inplace", while
// requires_grad still reads and no-grad use works, as in PyTorch. Inside a backward pass the pieces are
// copies (gradients there may be recycled).
//
// slice:          y = x[.., start:start+length, ..] along dim;   dX = slice_backward(dY)
// slice_backward: y = zeros(shape) with g at [start, start+length) along dim;   dG = slice(dY)
// Each is the other's derivative, so every joining op's gradient built from them is differentiable to
// any order (Note [Double backward]); without grad mode they are the raw block copies.
public static partial class F
{
    /// <summary>
    /// x's elements [start, start + length) along <paramref name="dim"/> as a contiguous tensor of
    /// <paramref name="outShape"/> (the slice's shape, or it with the dim squeezed away, as unbind's pieces).
    /// </summary>
    internal static Tensor SliceAlong(Tensor x, int dim, int start, int length, int[] outShape, string node)
    {
        var r = SliceCopy(x, dim, start, length, outShape);
        if (!Node.NeedsGrad([x])) return r;
        int[] xShape = x.Dims;
        return Node.Record(r, node, [x], g => [SliceScatter(g, xShape, dim, start, length)], differentiable: true);
    }

    /// <summary>The raw copy of <see cref="SliceAlong"/>: one block of length × inner elements per outer index.</summary>
    internal static Tensor SliceCopy(Tensor x, int dim, int start, int length, int[] outShape)
    {
        var l = DimLayout.Of(x.Dims, dim);
        var r = Tensor.Uninitialized(x.DType, outShape);   // the block copy writes every element
        int block = length * l.Inner;
        Kernels.Moves.Strided(x.Storage, start * l.Inner, l.Size * l.Inner, r.Storage, 0, block, block, l.Outer);
        return r;
    }

    /// <summary>Zeros of <paramref name="shape"/> with g (any shape of the slice's size) at [start, start + length) along <paramref name="dim"/>.</summary>
    internal static Tensor SliceScatter(Tensor g, int[] shape, int dim, int start, int length)
    {
        var l = DimLayout.Of(shape, dim);
        var r = Tensor.Empty(g.DType, shape);
        int block = length * l.Inner;
        Kernels.Moves.Strided(g.Storage, 0, block, r.Storage, start * l.Inner, l.Size * l.Inner, block, l.Outer);
        if (!Node.NeedsGrad([g])) return r;
        int[] gShape = g.Dims;
        return Node.Record(r, "SliceBackwardBackward0", [g], gg => [SliceAlong(gg, dim, start, length, gShape, "SliceBackward0")], differentiable: true);
    }
}
