using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Note [Implicit im2col]
// conv2d's forward (Y = W·col) and weight gradient (dW = dY·colᵀ) read the column matrix only through
// the GEMM's panel packing, so the sources below pack panels straight from the image and the K×P
// column matrix is never written out: that saved a write and a read of 7 MB per image for the
// 64-channel 56×56 case, memory traffic that also kept the two cores from scaling. The element
// (kk, q) = col[kk, q] of Note [im2col layout] is produced by Segment, which copies a run of
// consecutive q of one column-matrix row from the image rows it crosses (zeros over the padding).

/// <summary>Row offsets of every column-matrix row: where kk = (c, i, j) reads in one image-group.</summary>
internal sealed class Im2ColTable
{
    public readonly ConvGeometry Geo;
    public readonly int[] ChannelOffset, RowOffset, Tap;        // per kk: c·H·W, i·dH − padTop, j
    public readonly int[] ColumnOffset, Lo, Hi;                  // per j: j·dW − padLeft, valid ox range [lo, hi)

    public Im2ColTable(in ConvGeometry g)
    {
        Geo = g;
        ChannelOffset = new int[g.K]; RowOffset = new int[g.K]; Tap = new int[g.K];
        for (int c = 0, kk = 0; c < g.Cg; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++, kk++)
                {
                    ChannelOffset[kk] = c * g.H * g.W;
                    RowOffset[kk] = i * g.DH - g.PadTop;
                    Tap[kk] = j;
                }
        ColumnOffset = new int[g.KW]; Lo = new int[g.KW]; Hi = new int[g.KW];
        for (int j = 0; j < g.KW; j++)
        {
            ColumnOffset[j] = j * g.DW - g.PadLeft;
            (Lo[j], Hi[j]) = Im2Col.ValidRange(ColumnOffset[j], g.SW, g.W, g.OW);
        }
    }

    /// <summary>col[kk, q0 .. q0+count) of the image-group at x, written to dst with element stride ds.</summary>
    public unsafe void Segment<T>(T* x, int kk, int q0, int count, T* dst, int ds) where T : unmanaged
    {
        var g = Geo;
        int oy = q0 / g.OW, ox = q0 - oy * g.OW;
        T* xc = x + ChannelOffset[kk];
        int rowBase = RowOffset[kk], j = Tap[kk], x0 = ColumnOffset[j], lo = Lo[j], hi = Hi[j];
        while (count > 0)
        {
            int run = Math.Min(count, g.OW - ox), end = ox + run;
            int iy = oy * g.SH + rowBase;
            if ((uint)iy >= (uint)g.H) Fill(dst, run, ds);
            else
            {
                int a = Math.Clamp(lo, ox, end), b = Math.Clamp(hi, a, end);
                Fill(dst, a - ox, ds);
                Copy(xc + (long)iy * g.W + (long)a * g.SW + x0, g.SW, dst + (long)(a - ox) * ds, ds, b - a);
                Fill(dst + (long)(b - ox) * ds, end - b, ds);
            }
            dst += (long)run * ds;
            count -= run;
            ox = 0;
            oy++;
        }
    }

    private static unsafe void Fill<T>(T* dst, int n, int ds) where T : unmanaged
    {
        if (ds == 1) { new Span<T>(dst, n).Clear(); return; }
        for (int i = 0; i < n; i++) dst[(long)i * ds] = default;
    }

    private static unsafe void Copy<T>(T* src, int ss, T* dst, int ds, int n) where T : unmanaged
    {
        if (ss == 1 && ds == 1) { new ReadOnlySpan<T>(src, n).CopyTo(new Span<T>(dst, n)); return; }
        for (int i = 0; i < n; i++) dst[(long)i * ds] = src[(long)i * ss];
    }
}

/// <summary>B of the forward Y = W·col: free index q (output position), depth kk.</summary>
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

/// <summary>B of the weight gradient dW = dY·colᵀ: free index kk, depth q (output position).</summary>
internal readonly unsafe struct Im2ColTransposedSource<T>(Im2ColTable table, T* x) : IGemmSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Extent => table.Geo.K;

    // Four column-matrix rows are cut into a small contiguous scratch, then interleaved into the
    // packed rows: contiguous segment copies plus the same four-stream transpose as a matrix pack.
    public void Pack(int f0, int width, int p0, int kc, T* dst, int ld)
    {
        int valid = Math.Min(width, table.Geo.K - f0);
        T* rows = stackalloc T[4 * kc];
        int f = 0;
        for (; f < valid; f += 4)
        {
            int n = Math.Min(4, valid - f);
            for (int r = 0; r < n; r++) table.Segment(x, f0 + f + r, p0, kc, rows + r * kc, 1);
            for (int r = n; r < 4; r++) new Span<T>(rows + r * kc, kc).Clear();
            T* d = dst + f;
            int take = Math.Min(4, width - f);
            if (take == 4)
                for (int p = 0; p < kc; p++, d += ld)
                {
                    d[0] = rows[p]; d[1] = rows[kc + p]; d[2] = rows[2 * kc + p]; d[3] = rows[3 * kc + p];
                }
            else
                for (int p = 0; p < kc; p++, d += ld)
                    for (int r = 0; r < take; r++) d[r] = rows[r * kc + p];
        }
        for (; f < width; f++)
            for (int p = 0; p < kc; p++) dst[(long)p * ld + f] = default;
    }

    public T* InPlace(int f0, int p0, out long stride) { stride = 0; return null; }
}
