namespace Autograd;

// narrow / split / split_with_sizes / chunk / unbind: each piece y_k = x[.., start_k:start_k+len_k, ..]
// along dim. narrow: dX = zeros(x.shape) with dY at [start, start+len) (slice_backward). split, chunk:
// dX = cat(dY_0, dY_1, ...) along dim (zeros for pieces without a gradient); unbind: dX = stack(dY_k).
// Every piece is a view of x (Note [Slice views]); the pieces of one split share one node (Note [Split
// pieces are views]); the node names are PyTorch 2.10's: SliceBackward0 (narrow), SplitBackward0 (split,
// chunk), SplitWithSizesBackward0, UnbindBackward0.
public static partial class F
{
    /// <summary>torch.narrow(x, dim, start, length): elements [start, start + length) along dim, a view of x; a negative start counts from the end.</summary>
    public static Tensor Narrow(Tensor x, int dim, int start, int length)
    {
        if (x.Rank == 0) throw new ArgumentException("narrow() cannot be applied to a 0-dim tensor.", nameof(x));
        if (length < 0) throw new ArgumentException($"narrow(): length must be non-negative (got {length}).", nameof(length));
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "narrow()");
        int size = x.Dims[d];
        if (start < -size || start > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow(): start out of range (expected to be in range of [{-size}, {size}], but got {start})");
        if (start < 0) start += size;
        if (start > size - length)
            throw new ArgumentException($"narrow(): start ({start}) + length ({length}) exceeds dimension size ({size}).", nameof(length));
        // A view, as PyTorch's narrow (Note [Slice views]): x[:, ..., start:start + length] along d.
        var ix = new TensorIndex[d + 1];
        Array.Fill(ix, TensorIndex.Colon);
        ix[d] = TensorIndex.Slice(start, start + length);
        return x.Index(ix);
    }

    /// <summary>
    /// torch.split(x, split_size, dim): pieces of <paramref name="splitSize"/> along dim, the last one
    /// smaller when the size does not divide (a single piece when splitSize exceeds the size).
    /// </summary>
    public static Tensor[] Split(Tensor x, int splitSize, int dim = 0)
    {
        if (x.Rank == 0) throw new ArgumentException("split expects at least a 1-dimensional tensor", nameof(x));
        if (splitSize < 0) throw new ArgumentException($"split expects split_size be non-negative, but got split_size={splitSize}", nameof(splitSize));
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "split");
        int size = x.Dims[d];
        if (splitSize == 0 && size != 0)
            throw new ArgumentException($"split_size can only be 0 if dimension size is 0, but got dimension size of {size}", nameof(splitSize));
        int count = splitSize == 0 ? 1 : Math.Max((int)(((long)size + splitSize - 1) / splitSize), 1);
        var pieces = new Tensor[count];
        for (int k = 0; k < count; k++)
        {
            int start = k * splitSize;
            pieces[k] = PieceData(x, d, start, k < count - 1 ? splitSize : size - start);
        }
        return PiecesNode.Record("SplitBackward0", x, pieces, g => Cat(g, d));
    }

    /// <summary>torch.split(x, split_sizes, dim) (split_with_sizes): pieces of the given sizes, which must sum to the size of dim.</summary>
    public static Tensor[] Split(Tensor x, int[] sections, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sections);
        if (x.Rank == 0) throw new ArgumentException("split expects at least a 1-dimensional tensor", nameof(x));
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "split_with_sizes");
        int size = x.Dims[d];
        long sum = 0;
        foreach (var s in sections)
        {
            if (s < 0) throw new ArgumentException($"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={ShapeUtil.Format(sections)}", nameof(sections));
            sum += s;
        }
        if (sum != size)
            throw new ArgumentException($"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension {d}), but got split_sizes={ShapeUtil.Format(sections)}", nameof(sections));
        var pieces = new Tensor[sections.Length];
        for (int k = 0, start = 0; k < sections.Length; start += sections[k++])
            pieces[k] = PieceData(x, d, start, sections[k]);
        return PiecesNode.Record("SplitWithSizesBackward0", x, pieces, g => Cat(g, d));
    }

    /// <summary>
    /// torch.chunk(x, chunks, dim): pieces of ceil(size / chunks) along dim (so possibly fewer than
    /// <paramref name="chunks"/>, the last one smaller); an empty dim gives <paramref name="chunks"/> empty pieces.
    /// </summary>
    public static Tensor[] Chunk(Tensor x, int chunks, int dim = 0)
    {
        if (x.Rank == 0) throw new ArgumentException("chunk expects at least a 1-dimensional tensor", nameof(x));
        if (chunks <= 0) throw new ArgumentException($"chunk expects `chunks` to be greater than 0, got: {chunks}", nameof(chunks));
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "chunk");
        int size = x.Dims[d];
        int splitSize = (int)(((long)size + chunks - 1) / chunks);
        // PyTorch takes split_with_sizes here: split would give one piece, losing the number of chunks.
        if (splitSize == 0 && size == 0) return Split(x, new int[chunks], d);
        return Split(x, splitSize, d);
    }

    /// <summary>torch.unbind(x, dim): the slices along dim, each without that dim.</summary>
    public static Tensor[] Unbind(Tensor x, int dim = 0)
    {
        if (x.Rank == 0) throw new ArgumentException($"unbind: Dimension specified as {dim} but tensor has no dimensions", nameof(x));
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "unbind");
        int[] shape = [.. x.Dims[..d], .. x.Dims[(d + 1)..]];
        var pieces = new Tensor[x.Dims[d]];
        for (int k = 0; k < pieces.Length; k++)
            pieces[k] = Tensor.ViewsAllowed ? Tensor.PieceOf(x, d, k, 1, dropDim: true) : SliceCopy(x, d, k, 1, shape);
        return PiecesNode.Record("UnbindBackward0", x, pieces, g => Stack(g, d));
    }

    /// <summary>
    /// x's elements [start, start + length) along dim d (already checked), unrecorded: a view of x (Note [Slice
    /// views]), or a copy inside a backward pass, where gradients may be recycled.
    /// </summary>
    private static Tensor PieceData(Tensor x, int d, int start, int length) => Tensor.ViewsAllowed
        ? Tensor.PieceOf(x, d, start, length, dropDim: false)
        : SliceCopy(x, d, start, length, PieceShape(x, d, length));

    private static int[] PieceShape(Tensor x, int d, int length)
    {
        int[] shape = x.Dims.ToArray();
        shape[d] = length;
        return shape;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Split ops in <see cref="F"/>.</summary>
public static class TensorSplitExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.narrow(dim, start, length).</summary>
        public Tensor Narrow(int dim, int start, int length) => F.Narrow(x, dim, start, length);

        /// <summary>tensor.split(split_size, dim).</summary>
        public Tensor[] Split(int splitSize, int dim = 0) => F.Split(x, splitSize, dim);

        /// <summary>tensor.split(split_sizes, dim) (split_with_sizes).</summary>
        public Tensor[] Split(int[] sections, int dim = 0) => F.Split(x, sections, dim);

        /// <summary>tensor.chunk(chunks, dim).</summary>
        public Tensor[] Chunk(int chunks, int dim = 0) => F.Chunk(x, chunks, dim);

        /// <summary>tensor.unbind(dim).</summary>
        public Tensor[] Unbind(int dim = 0) => F.Unbind(x, dim);
    }
}
