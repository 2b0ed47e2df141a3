namespace Autograd;

// expand: y = x broadcast to sizes (new leading dims, size-1 dims stretched); dX = sum_to_size(dY, x.shape)  (ExpandBackward0)
// repeat: y = x tiled repeats[k] times along each dim (new leading dims first);
//         dX = dY viewed as [r0, s0, r1, s1, ...] summed over the r dims                (RepeatBackward0)
// expand returns a view with stride 0 along the dims it grows, as PyTorch's (Note [Slice views]): a later
// write of x is seen through it, and writing into it is refused ("more than one element of the written-to
// tensor refers to a single memory location"); inside a backward pass it is a tiled copy. Both backward
// rules are written with sum and view, so they are differentiable to any order.
public static partial class F
{
    /// <summary>
    /// torch.Tensor.expand(sizes): broadcasts x to <paramref name="sizes"/>; -1 keeps a dim's size, and
    /// extra leading sizes add dims. Only dims of size 1 can grow.
    /// </summary>
    public static Tensor Expand(Tensor x, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length < x.Rank)
            throw new ArgumentException($"expand({TypeName(x)}{{{ShapeUtil.Format(x.Shape)}}}, size={ShapeUtil.Format(sizes)}): the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({x.Rank})", nameof(sizes));
        int lead = sizes.Length - x.Rank;
        int[] shape = new int[sizes.Length], padded = new int[sizes.Length];
        for (int i = sizes.Length - 1; i >= 0; i--)
        {
            int size = i >= lead ? x.Dims[i - lead] : 1, target = sizes[i];
            if (target == -1)
            {
                if (i < lead) throw new ArgumentException($"expand: The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}", nameof(sizes));
                target = size;
            }
            if (size != target && size != 1)
                throw new ArgumentException($"expand: The expanded size of the tensor ({target}) must match the existing size ({size}) at non-singleton dimension {i}.  Target sizes: {ShapeUtil.Format(sizes)}.  Tensor sizes: {ShapeUtil.Format(x.Shape)}", nameof(sizes));
            if (target < 0) throw new ArgumentException($"expand: Trying to create tensor with negative dimension {target}: {ShapeUtil.Format(sizes)}", nameof(sizes));
            (shape[i], padded[i]) = (target, size);
        }
        if (lead == 0 && ShapeUtil.SameShape(shape, x.Shape)) return Alias(x, shape, "ExpandBackward0");
        Tensor r;
        if (Tensor.ViewsAllowed) r = Tensor.ExpandedOf(x, shape, lead);   // a view, as PyTorch's (Note [Slice views])
        else
        {
            r = Tensor.Uninitialized(x.DType, shape);   // inside a backward pass a copy: the tiling writes every element
            Kernels.Moves.Tile(x.Storage, padded, shape.Select((s, i) => padded[i] == 1 ? s : 1).ToArray(), r.Storage);
        }
        if (!Node.NeedsGrad([x])) return r;
        int[] xShape = x.Dims;
        return Node.Record(r, "ExpandBackward0", [x], g => [SumToSize(g, xShape)], differentiable: true);
    }

    /// <summary>torch.Tensor.repeat(repeats): tiles x repeats[k] times along each dim; extra leading repeats add dims.</summary>
    public static Tensor Repeat(Tensor x, params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < x.Rank)
            throw new ArgumentException($"repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (repeats {ShapeUtil.Format(repeats)}, tensor of {x.Rank} dims)", nameof(repeats));
        int lead = repeats.Length - x.Rank;
        int[] padded = [.. Enumerable.Repeat(1, lead), .. x.Dims];
        var shape = new int[repeats.Length];
        for (int i = 0; i < shape.Length; i++) shape[i] = padded[i] * repeats[i];
        foreach (var s in shape)
            if (s < 0) throw new ArgumentException($"repeat: Trying to create tensor with negative dimension {s}: {ShapeUtil.Format(shape)}", nameof(repeats));
        var r = Tensor.Uninitialized(x.DType, shape);   // the tiling writes every element
        Kernels.Moves.Tile(x.Storage, padded, repeats, r.Storage);
        if (!Node.NeedsGrad([x])) return r;
        int[] xShape = x.Dims, reps = (int[])repeats.Clone();
        return Node.Record(r, "RepeatBackward0", [x], g => [SumTiles(g, padded, reps, xShape)], differentiable: true);
    }

    /// <summary>Repeat's gradient: the sum of dY's tiles, as a tensor of x's shape.</summary>
    private static Tensor SumTiles(Tensor g, int[] padded, int[] repeats, int[] xShape)
    {
        var split = new int[2 * padded.Length];
        var tileDims = new List<int>();
        for (int k = 0; k < padded.Length; k++)
        {
            (split[2 * k], split[2 * k + 1]) = (repeats[k], padded[k]);
            if (repeats[k] != 1) tileDims.Add(2 * k);
        }
        if (tileDims.Count == 0) return AsShape(g, xShape);   // Sum with no dims would sum everything
        return AsShape(Sum(AsShape(g, split), tileDims.ToArray()), xShape);
    }

    private static string TypeName(Tensor x) => x.DType == DType.Float64 ? "torch.DoubleTensor" : "torch.FloatTensor";
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Expand ops in <see cref="F"/>.</summary>
public static class TensorExpandExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.expand(sizes).</summary>
        public Tensor Expand(params int[] sizes) => F.Expand(x, sizes);

        /// <summary>tensor.repeat(repeats).</summary>
        public Tensor Repeat(params int[] repeats) => F.Repeat(x, repeats);
    }
}
