using System.Numerics;

namespace Autograd;

// Note [Direct gather]
// gather without a gradient to record is one pass: each index is read from the index tensor's own storage, checked,
// and its element copied, row by row of the index's last dim. The general path (IndexMaps.AlongDim then Moves.Move)
// copies the index to long[], builds a map of flat offsets and moves through it: three passes and two arrays, which
// for the typical small gather (a few labels per row, [64, 10] of [64, 1000]) cost more than the gather itself. The
// results are the same element for element, and an out-of-range index raises the same error (the first one in flat
// order, before anything is returned). With a gradient to record the map is needed for the backward anyway, and the
// general path runs.
internal static class GatherDirect
{
    /// <summary>gather(x, dim, index) for float32/float64 x and int64/int32 index, or null for other storage types.</summary>
    internal static Tensor? TryRun(Tensor x, int dim, Tensor index) => (x.Storage, index.Storage) switch
    {
        (float[] xs, long[] ix) => Run(DType.Float32, xs, x.Dims, ix, index.Dims, dim),
        (float[] xs, int[] ix) => Run(DType.Float32, xs, x.Dims, ix, index.Dims, dim),
        (double[] xs, long[] ix) => Run(DType.Float64, xs, x.Dims, ix, index.Dims, dim),
        (double[] xs, int[] ix) => Run(DType.Float64, xs, x.Dims, ix, index.Dims, dim),
        _ => null,
    };

    private static Tensor Run<T, TI>(DType dtype, T[] x, int[] xDims, TI[] index, int[] indexDims, int dim)
        where T : unmanaged where TI : unmanaged, IBinaryInteger<TI>
    {
        var r = Tensor.Uninitialized(dtype, indexDims);   // every element written (or an error thrown)
        var y = r.Array<T>();
        if (y.Length == 0) return r;
        int[] ishape = IndexMaps.NonEmpty(indexDims), xshape = IndexMaps.NonEmpty(xDims);
        int rank = ishape.Length, last = rank - 1, n = ishape[last];
        var xstride = ShapeUtil.Strides(xshape);
        int size = xshape[dim], sd = xstride[dim];
        Span<int> idx = stackalloc int[rank];
        int off = 0;   // x's offset of the current index row, the dim coordinate left out
        for (int p = 0; p < y.Length; p += n)
        {
            for (int j = 0; j < n; j++)
            {
                long v = long.CreateTruncating(index[p + j]);
                if ((ulong)v >= (ulong)size)
                    throw new ArgumentException($"gather(): index {v} is out of bounds for dimension {dim} with size {size}", "index");
                y[p + j] = x[off + (last == dim ? 0 : j) + (int)v * sd];   // the last dim's x stride is 1
            }
            for (int d = last - 1; d >= 0; d--)
            {
                idx[d]++;
                if (d != dim) off += xstride[d];
                if (idx[d] < ishape[d]) break;
                if (d != dim) off -= xstride[d] * idx[d];
                idx[d] = 0;
            }
        }
        return r;
    }
}
