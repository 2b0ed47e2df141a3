using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Autograd.Kernels;

namespace Autograd;

/// <summary>
/// Row offsets of every column-matrix row: where kk = (c, i, j) reads in one image-group. With a
/// column stride s > 1 the image-group is first split into s phases per row (Note [Strided im2col]),
/// so every run the segments copy is contiguous. The sources of Note [Implicit im2col] (Im2ColSource.cs) read through it.
/// </summary>
internal sealed class Im2ColTable
{
    public readonly ConvGeometry Geo;
    public readonly int[] ChannelOffset, RowOffset, Tap;        // per kk: c·ChannelPitch, i·dH − padTop, j
    public readonly int[] ColumnOffset, Lo, Hi;                  // per j: j·dW − padLeft, valid ox range [lo, hi)
    public readonly int PhaseWidth, RowPitch, ChannelPitch;      // ⌈W/s⌉, s·PhaseWidth, H·RowPitch

    /// <summary>True when the image-group must be given phase-split (<see cref="SplitPhases"/>).</summary>
    public bool Phased => Geo.StrideW > 1;

    /// <summary>Elements of the phase-split copy of one image-group.</summary>
    public int PhasedLength => Geo.Cg * ChannelPitch;

    /// <summary>
    /// What the phase split costs for <paramref name="g"/> (elements written per image-group; none
    /// without column stride), before any table is built: Note [Bounded convolution].
    /// </summary>
    internal static long Footprint(in ConvGeometry g) => g.StrideW == 1 ? 0 :
        ConvGeometry.Mul(ConvGeometry.Mul(Math.Max(1, g.Cg), g.H), ConvGeometry.Mul(g.StrideW, (g.W + g.StrideW - 1L) / g.StrideW));

    public Im2ColTable(in ConvGeometry g)
    {
        Geo = g;
        PhaseWidth = (g.W + g.StrideW - 1) / g.StrideW;
        RowPitch = g.StrideW > 1 ? g.StrideW * PhaseWidth : g.W;
        ChannelPitch = g.H * RowPitch;
        ChannelOffset = new int[g.K]; RowOffset = new int[g.K]; Tap = new int[g.K];
        for (int c = 0, kk = 0; c < g.Cg; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++, kk++)
                {
                    ChannelOffset[kk] = c * ChannelPitch;
                    RowOffset[kk] = i * g.DilationH - (int)g.PadTop;   // int: Note [Bounded convolution] bounds every fast-path extent
                    Tap[kk] = j;
                }
        ColumnOffset = new int[g.KW]; Lo = new int[g.KW]; Hi = new int[g.KW];
        for (int j = 0; j < g.KW; j++)
        {
            ColumnOffset[j] = j * g.DilationW - (int)g.PadLeft;
            (Lo[j], Hi[j]) = Im2Col.ValidRange(ColumnOffset[j], g.StrideW, g.W, g.OW);
        }
    }

    // Note [Strided im2col]
    // With column stride s a column-matrix row reads every s-th input column: a gather. Splitting each
    // input row once into s phases (phase r holds columns r, r+s, r+2s, ...) turns every such run into
    // a contiguous copy from one phase: column ix is at phase ix mod s, position ix div s.

    /// <summary>Writes the phase-split copy of the image-group x (Cg×H×W) to dst (<see cref="PhasedLength"/>).</summary>
    public unsafe void SplitPhases<T>(T* x, T* dst) where T : unmanaged
    {
        var g = Geo;
        int s = g.StrideW, wp = PhaseWidth;
        for (int row = 0; row < g.Cg * g.H; row++)
        {
            T* src = x + (long)row * g.W, d = dst + (long)row * RowPitch;
            if (s == 2)
            {
                // SSE even/odd split of whole pairs; an odd last column goes to phase 0.
                int m = g.W >= 2 ? Kernels.Stride2.Deinterleave(ref src[0], ref d[0], ref d[wp], g.W) : 0;
                for (; 2 * m + 1 < g.W; m++) { d[m] = src[2 * m]; d[wp + m] = src[2 * m + 1]; }
                if (2 * m < g.W) d[m] = src[2 * m];
                for (int t = g.W / 2; t < wp; t++) d[wp + t] = default;
                continue;
            }
            for (int ph = 0; ph < s; ph++, d += wp)
            {
                int t = 0;
                for (int ix = ph; ix < g.W; ix += s) d[t++] = src[ix];
                for (; t < wp; t++) d[t] = default;
            }
        }
    }

    /// <summary>
    /// col[kk, q0 .. q0+count) of the image-group at x (phase-split when <see cref="Phased"/>), written
    /// to dst with element stride ds.
    /// </summary>
    public unsafe void Segment<T>(T* x, int kk, int q0, int count, T* dst, int ds) where T : unmanaged
    {
        var g = Geo;
        int oy = q0 / g.OW, ox = q0 - oy * g.OW;
        T* xc = x + ChannelOffset[kk];
        int rowBase = RowOffset[kk], j = Tap[kk], x0 = ColumnOffset[j], lo = Lo[j], hi = Hi[j];
        while (count > 0)
        {
            int run = Math.Min(count, g.OW - ox), end = ox + run;
            int iy = oy * g.StrideH + rowBase;
            if ((uint)iy >= (uint)g.H) Fill(dst, run, ds);
            else
            {
                int a = Math.Clamp(lo, ox, end), b = Math.Clamp(hi, a, end);
                Fill(dst, a - ox, ds);
                if (b > a)
                {
                    int ix = a * g.StrideW + x0;   // ≥ 0 inside the valid range
                    T* src = g.StrideW > 1 ? xc + (long)iy * RowPitch + (ix % g.StrideW) * PhaseWidth + ix / g.StrideW : xc + (long)iy * g.W + ix;
                    Copy(src, 1, dst + (long)(a - ox) * ds, ds, b - a);
                }
                Fill(dst + (long)(b - ox) * ds, end - b, ds);
            }
            dst += (long)run * ds;
            count -= run;
            ox = 0;
            oy++;
        }
    }

    // Runs are short (an output row: 14 to 56 elements) and there are hundreds of thousands per call,
    // so they are copied inline with whole vectors rather than through Span.CopyTo / Clear.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Fill<T>(T* dst, int n, int ds) where T : unmanaged
    {
        for (int i = 0; i < n; i++) dst[(long)i * ds] = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Copy<T>(T* src, int ss, T* dst, int ds, int n) where T : unmanaged
    {
        if (ss == 1 && ds == 1)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; i + Vector512<T>.Count <= n; i += Vector512<T>.Count) Vector512.Store(Vector512.Load(src + i), dst + i);
            if (Vector256.IsHardwareAccelerated)
                for (; i + Vector256<T>.Count <= n; i += Vector256<T>.Count) Vector256.Store(Vector256.Load(src + i), dst + i);
            for (; i + Vector128<T>.Count <= n; i += Vector128<T>.Count) Vector128.Store(Vector128.Load(src + i), dst + i);
            for (; i < n; i++) dst[i] = src[i];
            return;
        }
        for (int i = 0; i < n; i++) dst[(long)i * ds] = src[(long)i * ss];
    }
}
