using System.Numerics;

namespace Autograd.Kernels;

/// <summary>Index arithmetic for NumPy-style broadcasting over contiguous row-major tensors.</summary>
internal static class Broadcast
{
    /// <summary>Strides of <paramref name="shape"/> laid over <paramref name="outShape"/>: 0 where broadcast.</summary>
    internal static int[] Strides(int[] shape, int[] outShape)
    {
        var own = ShapeUtil.Strides(shape);
        var r = new int[outShape.Length];
        int lead = outShape.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++)
            r[lead + d] = shape[d] == 1 && outShape[lead + d] != 1 ? 0 : own[d];
        return r;
    }

    /// <summary>
    /// Calls <paramref name="row"/> once per innermost row of <paramref name="outShape"/> with the row's
    /// offset in the output and in each operand (an odometer, no recursion).
    /// </summary>
    internal static void ForEachRow(int[] outShape, int[] sa, int[] sb, Action<int, int, int> row)
    {
        int rank = outShape.Length;
        if (rank == 0) { row(0, 0, 0); return; }
        int inner = outShape[rank - 1];
        int rows = inner == 0 ? 0 : ShapeUtil.Numel(outShape) / inner;
        var idx = new int[rank];
        int oa = 0, ob = 0;
        for (int r = 0; r < rows; r++)
        {
            row(r * inner, oa, ob);
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++; oa += sa[d]; ob += sb[d];
                if (idx[d] < outShape[d]) break;
                oa -= sa[d] * idx[d]; ob -= sb[d] * idx[d]; idx[d] = 0;
            }
        }
    }

    /// <summary>Sums <paramref name="src"/> (shape <paramref name="srcShape"/>) down to a broadcast-compatible <paramref name="dstShape"/>.</summary>
    internal static void SumTo<T>(ReadOnlySpan<T> src, int[] srcShape, Span<T> dst, int[] dstShape) where T : unmanaged, INumberBase<T>
    {
        dst.Clear();
        var ds = Strides(dstShape, srcShape);
        int rank = srcShape.Length;
        if (rank == 0) { dst[0] = src[0]; return; }
        int inner = srcShape[rank - 1], innerStride = ds[rank - 1];
        var idx = new int[rank];
        int off = 0;
        for (int s = 0; s < src.Length; s += inner)
        {
            if (innerStride == 0) { T acc = T.Zero; for (int i = 0; i < inner; i++) acc += src[s + i]; dst[off] += acc; }
            else for (int i = 0; i < inner; i++) dst[off + i] += src[s + i];
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++; off += ds[d];
                if (idx[d] < srcShape[d]) break;
                off -= ds[d] * idx[d]; idx[d] = 0;
            }
        }
    }
}
