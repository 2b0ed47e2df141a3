using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Autograd.Kernels;

namespace Autograd;

// Note [Implicit im2col]
// conv2d's forward (Y = W·col) and weight gradient (dW = dY·colᵀ) read the column matrix only through
// the GEMM's panel packing, so the sources below pack panels straight from the image and the K×P
// column matrix is never written out: that saved a write and a read of 7 MB per image for the
// 64-channel 56×56 case, memory traffic that also kept the two cores from scaling. The element
// (kk, q) = col[kk, q] of Note [im2col layout] is produced by Segment, which copies a run of
// consecutive q of one column-matrix row from the image rows it crosses (zeros over the padding).

/// <summary>
/// B of the forward Y = W·col: free index q (output position), depth kk. Used for column strides > 1
/// (phase-split images); stride 1 reads padded planes instead (Note [Padded im2col]).
/// </summary>
internal readonly unsafe struct Im2ColSource<T>(Im2ColTable table, T* x) : IGemmSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Extent => table.Geo.P;

    // One segment per kk covers the whole requested run of positions (a GEMM tile: several panels).
    public void Pack(int f0, int width, int p0, int kc, T* dst, int ld)
    {
        int valid = Math.Min(width, table.Geo.P - f0);
        for (int p = 0; p < kc; p++)
        {
            T* d = dst + (long)p * ld;
            table.Segment(x, p0 + p, f0, valid, d, 1);
            new Span<T>(d + valid, width - valid).Clear();
        }
    }

    public T* InPlace(int f0, int p0, out long stride) { stride = 0; return null; }
}

/// <summary>Rows of the column matrix (for the weight gradient's dot products, Note [Dot-product GEMM]).</summary>
internal readonly unsafe struct Im2ColRows<T>(Im2ColTable table, T* x) : IRowSource<T> where T : unmanaged
{
    public int Rows => table.Geo.K;

    public T* Row(int f, int p0, int count, T* scratch)
    {
        table.Segment(x, f, p0, count, scratch, 1);
        return scratch;
    }
}

/// <summary>
/// Depth running over several images, P positions each: row f of image n at ptr + n·imageStride +
/// f·rowStride (conv2d's dY, Note [Small images]). Rows are read in place within one image and
/// gathered into the scratch across image boundaries.
/// </summary>
internal readonly unsafe struct ImageRows<T>(T* ptr, long imageStride, long rowStride, int rows, int perImage) : IRowSource<T> where T : unmanaged
{
    public int Rows => rows;

    public T* Row(int f, int p0, int count, T* scratch)
    {
        int n = p0 / perImage, q = p0 - n * perImage;
        if (q + count <= perImage) return ptr + n * imageStride + f * rowStride + q;
        for (T* d = scratch; count > 0; n++, q = 0)
        {
            int take = Math.Min(count, perImage - q);
            new ReadOnlySpan<T>(ptr + n * imageStride + f * rowStride + q, take).CopyTo(new Span<T>(d, take));
            d += take;
            count -= take;
        }
        return scratch;
    }
}

/// <summary>Column-matrix rows with the depth running over several images (unstrided convolutions).</summary>
internal readonly unsafe struct Im2ColImageRows<T>(Im2ColTable table, T* x, long imageStride) : IRowSource<T> where T : unmanaged
{
    public int Rows => table.Geo.K;

    public T* Row(int f, int p0, int count, T* scratch)
    {
        int per = table.Geo.P, n = p0 / per, q = p0 - n * per;
        for (T* d = scratch; count > 0; n++, q = 0)
        {
            int take = Math.Min(count, per - q);
            table.Segment(x + n * imageStride, f, q, take, d, 1);
            d += take;
            count -= take;
        }
        return scratch;
    }
}
