namespace Autograd;

// flip: y[i] = x[i mirrored along dims];                  dX = flip(dY, dims)            (FlipBackward0)
// roll: y[i] = x[(i - shift) mod size] along each dim;     dX = roll(dY, -shifts, dims)   (RollBackward0)
// Each is its own backward with the same (or negated) arguments, so they are differentiable to any
// order. roll along a dim is two block copies per outer index, as PyTorch's roll_cpu (cat of two
// narrows); several dims roll one after the other. Kernels are element moves (Note [Element moves]).
public static partial class F
{
    /// <summary>torch.flip(x, dims): reverses the order of elements along each of <paramref name="dims"/>.</summary>
    public static Tensor Flip(Tensor x, params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var flip = new bool[x.Rank];
        foreach (var dim in dims)
        {
            int d = ShapeUtil.NormalizeDim(dim, x.Rank, "flip");
            if (x.Rank == 0) continue;
            if (flip[d]) throw new ArgumentException($"flip: dim {d} appears multiple times in the list of dims", nameof(dims));
            flip[d] = true;
        }
        var r = Tensor.Uninitialized(x.DType, x.Dims);   // every element is moved
        Kernels.Moves.Flip(x.Storage, x.Dims, flip, r.Storage);
        if (!Node.NeedsGrad([x])) return r;
        int[] ds = (int[])dims.Clone();
        return Node.Record(r, "FlipBackward0", [x], g => [Flip(g, ds)], differentiable: true);
    }

    /// <summary>torch.roll(x, shift) with no dims: rolls the flattened tensor, then restores the shape.</summary>
    public static Tensor Roll(Tensor x, int shift)
    {
        var r = RollData(x, -1, shift);
        if (!Node.NeedsGrad([x])) return r;
        int back = -RollStart(x.Numel, shift);   // the normalised shift, safe to negate
        return Node.Record(r, "RollBackward0", [x], g => [Roll(g, back)], differentiable: true);
    }

    /// <summary>torch.roll(x, shift, dim).</summary>
    public static Tensor Roll(Tensor x, int shift, int dim) => Roll(x, [shift], [dim]);

    /// <summary>
    /// torch.roll(x, shifts, dims): shifts elements along each dim (wrapping around); shifts and dims pair
    /// up, a dim may repeat. An empty <paramref name="dims"/> with one shift rolls the flattened tensor.
    /// </summary>
    public static Tensor Roll(Tensor x, int[] shifts, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        ArgumentNullException.ThrowIfNull(dims);
        if (shifts.Length == 0) throw new ArgumentException("roll: `shifts` required", nameof(shifts));
        if (dims.Length == 0 && shifts.Length == 1) return Roll(x, shifts[0]);
        if (shifts.Length != dims.Length)
            throw new ArgumentException($"roll: shifts and dimensions must align. shifts: {shifts.Length}, dims:{dims.Length}", nameof(dims));
        // PyTorch returns a clone of an empty tensor before looking at the dims.
        var ds = x.Numel == 0 ? dims : dims.Select(d => ShapeUtil.NormalizeDim(d, x.Rank, "roll")).ToArray();
        if (x.Numel > 0 && x.Rank == 0) throw new ArgumentException($"roll: Dimension specified as {dims[0]} but tensor has no dimensions", nameof(dims));
        var r = x.Numel == 0 ? x.CloneData() : x;
        for (int i = 0; i < ds.Length && x.Numel > 0; i++) r = RollData(r, ds[i], shifts[i]);
        if (!Node.NeedsGrad([x])) return r;
        int[] back = ds.Select((d, i) => x.Numel == 0 ? 0 : -RollStart(x.Dims[d], shifts[i])).ToArray();
        return Node.Record(r, "RollBackward0", [x], g => [Roll(g, back, ds)], differentiable: true);
    }

    /// <summary>
    /// x rolled by <paramref name="shift"/> along <paramref name="dim"/> (-1: the flattened tensor):
    /// out[.., 0 : size-start, ..] = x[.., start : size, ..] and out[.., size-start :, ..] = x[.., 0 : start, ..].
    /// </summary>
    private static Tensor RollData(Tensor x, int dim, int shift)
    {
        var l = dim < 0 ? new DimLayout(1, x.Numel, 1) : DimLayout.Of(x.Dims, dim);
        var r = Tensor.Uninitialized(x.DType, x.Dims);   // the two copies write every element
        if (x.Numel == 0) return r;
        int start = l.Size - RollStart(l.Size, shift), row = l.Size * l.Inner;
        Kernels.Moves.Strided(x.Storage, start * l.Inner, row, r.Storage, 0, row, (l.Size - start) * l.Inner, l.Outer);
        Kernels.Moves.Strided(x.Storage, 0, row, r.Storage, (l.Size - start) * l.Inner, row, start * l.Inner, l.Outer);
        return r;
    }

    /// <summary>The shift normalised into [0, size) (0 for an empty dim).</summary>
    private static int RollStart(int size, int shift) => size == 0 ? 0 : (int)(((long)shift % size + size) % size);
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Flip ops in <see cref="F"/>.</summary>
public static class TensorFlipExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.flip(dims).</summary>
        public Tensor Flip(params int[] dims) => F.Flip(x, dims);

        /// <summary>tensor.roll(shift) over the flattened tensor.</summary>
        public Tensor Roll(int shift) => F.Roll(x, shift);

        /// <summary>tensor.roll(shift, dim).</summary>
        public Tensor Roll(int shift, int dim) => F.Roll(x, shift, dim);

        /// <summary>tensor.roll(shifts, dims).</summary>
        public Tensor Roll(int[] shifts, int[] dims) => F.Roll(x, shifts, dims);
    }
}
