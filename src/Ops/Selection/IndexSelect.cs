namespace Autograd;

// index_select: r[o, k, i] = x[o, index[k], i] along dim (x seen as [outer, size, inner]).
// IndexSelectBackward0: dX = zeros(x.shape).index_add(dim, index, dR): repeated indices add up. Both are the
// differentiable route (Route.cs), so the gradient is differentiable again (its derivative is index_select).
// The index is a vector (or 0-dim) of int64 or int32, every entry in [0, x.size(dim)), as PyTorch's CPU kernel.
public static partial class F
{
    /// <summary>torch.index_select(x, dim, index): the slices of x along <paramref name="dim"/> named by a 1-D index.</summary>
    public static Tensor IndexSelect(Tensor x, int dim, Tensor index)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "index_select");
        var values = IndexMaps.Values(index, "index_select", "int32 or int64");
        if (index.Rank > 1)
            throw new ArgumentException("index_select(): Index is supposed to be a vector", nameof(index));
        if (x.Rank == 0 && values.Length != 1)
            throw new ArgumentException("index_select(): Index to scalar can have only 1 value, got " + values.Length + " value(s)", nameof(index));
        var l = DimLayout.Of(x.Dims, d);
        foreach (long v in values)
            if (v < 0 || v >= l.Size)
                throw new ArgumentException($"index_select(): index out of range in self (index {v} is out of bounds for dimension {d} with size {l.Size})", nameof(index));
        int[] shape = x.Rank == 0 ? [] : x.Dims.Select((s, i) => i == d ? values.Length : s).ToArray();
        var map = new int[ShapeUtil.Numel(shape)];
        int k = values.Length, p = 0;
        for (int o = 0; o < l.Outer; o++)
            for (int j = 0; j < k; j++)
            {
                int start = (o * l.Size + (int)values[j]) * l.Inner;
                for (int i = 0; i < l.Inner; i++) map[p++] = start + i;
            }
        return Route(x, map, null, shape, "IndexSelectBackward0", "IndexAddBackward0");
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the IndexSelect ops in <see cref="F"/>.</summary>
public static class TensorIndexSelectExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.index_select(dim, index).</summary>
        public Tensor IndexSelect(int dim, Tensor index) => F.IndexSelect(x, dim, index);
    }
}
