namespace Autograd;

// cat:   y = [x0, x1, ...] along dim;          dXi = narrow(dY, dim, offset_i, size_i)  (CatBackward0)
// stack: y = cat of each xi unsqueezed at dim; dXi = dY.unbind(dim)[i]                 (StackBackward0)
// Both promote float32 with float64 to float64 (torch.result_type over the list); the engine casts each
// gradient back to its input's dtype, as PyTorch's does. The forward is one block copy per input and
// outer index (Note [Element moves]); the gradients are slices (SliceAlong, src/Ops/Joining/Slice.cs), so they are
// differentiable to any order.
public static partial class F
{
    /// <summary>
    /// torch.cat(tensors, dim): joins tensors along an existing dim; all other sizes must match. As in
    /// PyTorch, 1-D tensors of shape [0] are skipped (legacy behaviour), and the dtype is promoted.
    /// </summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        for (int i = 0; i < tensors.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(tensors[i], $"{nameof(tensors)}[{i}]");
            if (tensors[i].Rank == 0) throw new ArgumentException($"torch.cat(): zero-dimensional tensor (at position {i}) cannot be concatenated", nameof(tensors));
        }
        int valid = Array.FindIndex(tensors, t => !SkippedByCat(t));
        int d = valid < 0 ? dim : ShapeUtil.NormalizeDim(dim, tensors[valid].Rank, "torch.cat()");
        if (tensors.Length == 0) throw new ArgumentException("torch.cat(): expected a non-empty list of Tensors", nameof(tensors));
        var dtype = JoinType(tensors);
        if (valid < 0) return CatOfSkipped(tensors, dtype);

        var first = tensors[valid].Dims;
        var offsets = new int[tensors.Length];
        int total = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i];
            if (SkippedByCat(t)) continue;
            if (t.Rank != first.Length)
                throw new ArgumentException($"torch.cat(): Tensors must have same number of dimensions: got {first.Length} and {t.Rank}", nameof(tensors));
            for (int k = 0; k < first.Length; k++)
                if (k != d && t.Dims[k] != first[k])
                    throw new ArgumentException($"torch.cat(): Sizes of tensors must match except in dimension {d}. Expected size {first[k]} but got size {t.Dims[k]} for tensor number {i} in the list.", nameof(tensors));
            offsets[i] = total;
            total += t.Dims[d];
        }
        int[] outShape = [.. first];
        outShape[d] = total;
        var l = DimLayout.Of(outShape, d);
        var r = JoinBlocks(tensors, dtype, outShape, l.Outer, i => SkippedByCat(tensors[i]) ? 0 : tensors[i].Dims[d] * l.Inner, i => offsets[i] * l.Inner);
        if (!Node.NeedsGrad(tensors)) return r;
        var shapes = tensors.Select(t => t.Dims).ToArray();
        var needs = tensors.Select(t => t.RequiresGrad).ToArray();
        return Node.Record(r, "CatBackward0", tensors, g =>
        {
            var grads = new Tensor?[shapes.Length];
            for (int i = 0; i < shapes.Length; i++)
                if (needs[i])
                    grads[i] = IsLegacyEmpty(shapes[i]) ? Tensor.Empty(g.DType, [0]) : SliceAlong(g, d, offsets[i], shapes[i][d], shapes[i], "SliceBackward0");
            return grads;
        }, differentiable: true);
    }

    /// <summary>torch.stack(tensors, dim): joins equal-shaped tensors along a new dim (in [-rank-1, rank]).</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("stack expects a non-empty TensorList", nameof(tensors));
        foreach (var t in tensors) ArgumentNullException.ThrowIfNull(t, nameof(tensors));
        var shape = tensors[0].Dims;
        int d = ShapeUtil.NormalizeDim(dim, shape.Length + 1, "stack");
        for (int i = 1; i < tensors.Length; i++)
            if (!ShapeUtil.SameShape(tensors[i].Shape, shape))
                throw new ArgumentException($"stack expects each tensor to be equal size, but got {ShapeUtil.Format(shape)} at entry 0 and {ShapeUtil.Format(tensors[i].Shape)} at entry {i}", nameof(tensors));
        int[] outShape = [.. shape[..d], tensors.Length, .. shape[d..]];
        var l = DimLayout.Of(outShape, d);
        var r = JoinBlocks(tensors, JoinType(tensors), outShape, l.Outer, _ => l.Inner, i => i * l.Inner);
        if (!Node.NeedsGrad(tensors)) return r;
        var needs = tensors.Select(t => t.RequiresGrad).ToArray();
        return Node.Record(r, "StackBackward0", tensors, g =>
        {
            var grads = new Tensor?[needs.Length];
            for (int i = 0; i < needs.Length; i++)
                if (needs[i]) grads[i] = SliceAlong(g, d, i, 1, shape, "UnbindBackward0");
            return grads;
        }, differentiable: true);
    }

    /// <summary>
    /// A tensor of <paramref name="outShape"/> whose rows (one per outer index, Σ blocks long) are the
    /// inputs' blocks laid side by side: input i's block of <paramref name="block"/>(i) elements at <paramref name="offset"/>(i).
    /// </summary>
    private static Tensor JoinBlocks(Tensor[] xs, DType dtype, int[] outShape, int outer, Func<int, int> block, Func<int, int> offset)
    {
        var r = Tensor.Uninitialized(dtype, outShape);   // the blocks tile every row
        int row = outer == 0 ? 0 : r.Numel / outer;
        for (int i = 0; i < xs.Length; i++)
        {
            var src = xs[i].DType == dtype ? xs[i].Storage : xs[i].ConvertData(dtype).Storage;
            int b = block(i);
            Kernels.Moves.Strided(src, 0, b, r.Storage, offset(i), row, b, outer);
        }
        return r;
    }

    /// <summary>
    /// torch.result_type over a list: the common dtype (float32 with float64 gives float64).
    /// When integer dtypes arrive, PyTorch's category rules (int with float gives the float) go here.
    /// </summary>
    private static DType JoinType(Tensor[] xs)
    {
        var t = xs[0].DType;   // torch.promote_types over the list (Note [Type promotion])
        foreach (var x in xs) t = DTypes.Wider(t, x.DType);
        return t;
    }

    /// <summary>PyTorch's legacy cat rule: a 1-D tensor of shape [0] is skipped whatever the other shapes.</summary>
    private static bool SkippedByCat(Tensor t) => IsLegacyEmpty(t.Dims);

    private static bool IsLegacyEmpty(int[] shape) => shape.Length == 1 && shape[0] == 0;

    /// <summary>cat of tensors that are all skipped: an empty [0] tensor, as PyTorch returns.</summary>
    private static Tensor CatOfSkipped(Tensor[] tensors, DType dtype)
    {
        var r = Tensor.Empty(dtype, [0]);
        if (!Node.NeedsGrad(tensors)) return r;
        var needs = tensors.Select(t => t.RequiresGrad).ToArray();
        return Node.Record(r, "CatBackward0", tensors, g => needs.Select(n => n ? Tensor.Empty(g.DType, [0]) : null).ToArray(), differentiable: true);
    }
}
