using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Note [Wide-row convolution]
// y[o, q] = b[o] + Σ_kk W[o, kk]·col[kk, q], kk = (c, i, j). With unit strides the column row kk is the
// padded plane c shifted by (i·dH, j·dW): col[kk, oy·OW + ox] = xp[c, oy + i·dH, ox + j·dW]. Index the
// outputs by the padded row width instead, q' = oy·Wp + ox, and every column row becomes one contiguous
// run of the plane stack: col'[kk, q'] = xp[Offset[kk] + q'], Offset[kk] = c·PlaneStride + i·dH·Wp + j·dW.
// So the GEMM reads B in place, row p of a panel at planes + Offset[p0 + p] + q'0 (Note [Offset GEMM]),
// and nothing is packed: the im2col pack (~16 % of a 64×32×14² → 64 forward, 4032 copies of
// 14 elements per image) is gone, and so is the half-width last panel (16·14 = 224 = 7·32 columns).
// The price is Wp − OW discarded columns per output row (2 of 16 at 14×14 with padding 1, 12.5 % more
// FMAs; 2 of 58 at 56×56), which is why the plan takes this path only while they are at most a quarter
// of the row; the rest go through PaddedIm2Col. The wide block y'[Og, Ld] is then copied into y by rows.
// Strides s = (sH, sW) first split each padded plane into its s_H·s_W phases, phase (a, b) holding the
// rows ≡ a (mod sH) and columns ≡ b (mod sW) (Note [Strided im2col] does the same): input row
// oy·sH + i·dH is row oy + ⌊i·dH/sH⌋ of phase (i·dH) mod sH, so tap (i, j) reads one phase plane shifted by
// (⌊i·dH/sH⌋, ⌊j·dW/sW⌋), and every column row is again one run, now of a phase plane ⌈Wp/sW⌉ wide (the row
// width Wp below; 1 of 29 columns discarded for 3×3, stride 2, padding 1 on 56×56).
// The weight is packed once per call (Note [Prepacked weights]) and its panels read in place as A.
// Each element is still one FMA per kk in ascending order per depth block (the blocks of Gemm.DepthBlock),
// added to the bias or the previous block's sum as Gemm does, so the values are bit for bit those of the
// padded or phase-split im2col GEMM (tested), on any thread count.
// The plane stack is the image-group copied into a zero border, planes PlaneStride apart (an odd number
// of cache lines: a power-of-two stride would put every channel's row of a panel in the same L1 sets),
// with zero slack after the last plane, so even the last panel's discarded columns read inside the buffer.
// Each channel's planes are cleared right before their copy rather than the whole scratch once per chunk: the
// wide block needs no clearing (the GEMM's first depth block writes it), and a batch of one image split its
// clear, copy and scatter (~2 × 6.5 MB at 1×32×224²) over no threads while only the GEMM ran in parallel.

/// <summary>The layout of one image-group's plane stack and wide output block (Note [Wide-row convolution]).</summary>
internal sealed unsafe class WideRowConv
{
    /// <summary>
    /// Output channels per group from which this path beats the direct kernel on geometries both take (one
    /// thread and two, 2026-12-03: 32×3×32² k5 → 16 0.48 against 0.67 ms, 64×1×28² k3 → 32 0.48–0.51 against
    /// 0.65–0.71; grouped 8 → 8 at stride 2 no better, so few channels stay direct).
    /// </summary>
    internal const int MinDirectOutChannels = 16;

    public readonly ConvGeometry Geo;
    public readonly int Wp;             // row width of a (phase) plane: the wide output's row stride
    public readonly int PlaneStride;    // elements between (phase) planes
    public readonly int PlanesLength;   // the plane stack with its slack
    public readonly int Ld;             // columns of the wide block: OH·Wp rounded up to the GEMM's NR
    public readonly int Rows;           // rows of the wide block: Og rounded up to the GEMM's MR
    public readonly long[] Offset;      // per kk = (c, i, j): the phase plane's start + ⌊i·dH/sH⌋·Wp + ⌊j·dW/sW⌋

    /// <summary>
    /// Not a plain 1×1 GEMM, at most a quarter of each wide row discarded, and buffers within an array's reach.
    /// </summary>
    public static bool Suits(in ConvGeometry g)
    {
        if (g.Pointwise) return false;
        long wp = RowWidth(g);
        if (4 * (wp - g.OW) > wp) return false;
        var (planes, ld, rows) = Sizes(g);
        return PlaneStrideFor(PhaseHeight(g), wp) <= Array.MaxLength && ConvGeometry.Add(planes, ConvGeometry.Mul(rows, ld)) <= Array.MaxLength;
    }

    /// <summary>⌈Wp/sW⌉: the width of a phase plane (the padded width itself at unit stride).</summary>
    private static long RowWidth(in ConvGeometry g) => (g.PaddedW + g.StrideW - 1) / g.StrideW;

    private static long PhaseHeight(in ConvGeometry g) => (g.PaddedH + g.StrideH - 1) / g.StrideH;

    private static (long Planes, long Ld, int Rows) Sizes(in ConvGeometry g)
    {
        // float32's NR is a multiple of float64's and MR is the same for both, so one layout serves either.
        int nr = OffsetGemm.PanelWidth<float>(), mr = Gemm.PanelRows<float>();
        long wp = RowWidth(g), stride = PlaneStrideFor(PhaseHeight(g), wp);
        long ld = ConvGeometry.Mul(g.OH, wp);
        ld = ld > long.MaxValue - nr ? long.MaxValue : (ld + nr - 1) / nr * nr;
        long planes = ConvGeometry.Mul(ConvGeometry.Mul(Math.Max(1, g.Cg), g.StrideH), g.StrideW);
        long lastOffset = ConvGeometry.Add(ConvGeometry.Mul(planes - 1, stride),
            ConvGeometry.Add(ConvGeometry.Mul((long)(g.KH - 1) * g.DilationH / g.StrideH, wp), (long)(g.KW - 1) * g.DilationW / g.StrideW));
        return (ConvGeometry.Add(lastOffset, ld), ld, (g.Og + mr - 1) / mr * mr);
    }

    /// <summary>
    /// Elements between padded planes of hp × wp: rounded up to an odd number of 16-element lines (a power-of-two
    /// stride would put every channel's row of a panel in the same L1 sets). Saturates for absurd sizes.
    /// </summary>
    internal static long PlaneStrideFor(long hp, long wp)
    {
        const int line = 16;   // elements of a cache line (float32; double gets the same count, two lines)
        long s = ConvGeometry.Mul(hp, wp);
        if (s > long.MaxValue / 4) return long.MaxValue;
        s = (s + line - 1) / line * line;
        return (s / line & 1) == 0 ? s + line : s;
    }

    public WideRowConv(in ConvGeometry g)
    {
        Geo = g;
        var (planes, ld, rows) = Sizes(g);
        Wp = (int)RowWidth(g);
        PlaneStride = (int)PlaneStrideFor(PhaseHeight(g), Wp);
        PlanesLength = (int)planes;
        Ld = (int)ld;
        Rows = rows;
        Offset = new long[g.K];
        int sh = g.StrideH, sw = g.StrideW;
        for (int c = 0, kk = 0; c < g.Cg; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++, kk++)
                {
                    long r = (long)i * g.DilationH, q = (long)j * g.DilationW;
                    Offset[kk] = (((long)c * sh + r % sh) * sw + q % sw) * PlaneStride + r / sh * Wp + q / sw;
                }
    }

    /// <summary>Scratch elements per chunk: the plane stack, then the wide block.</summary>
    public int ScratchLength => PlanesLength + Rows * Ld;

    /// <summary>
    /// Copies the image-group's interior into the (phase) planes: padded row r = y + padTop goes to row r / sH of
    /// phase r mod sH, its columns dealt out the same way over the sW column phases. Each channel's planes are
    /// cleared just before their copy (they are then in cache), and the slack after the last plane once; channels
    /// are split over the threads when this is not already inside a parallel loop (a batch of one image).
    /// </summary>
    /// <remarks>The input's channels lie <paramref name="xChannelStride"/> elements apart (H·W, or a taller image's for a row slab).</remarks>
    public void Planes<T>(T* x, T* xp, long xChannelStride) where T : unmanaged
    {
        var g = Geo;
        long perChannel = (long)g.StrideH * g.StrideW * PlaneStride, used = g.Cg * perChannel;
        if (PlanesLength > used) new Span<T>(xp + used, (int)(PlanesLength - used)).Clear();
        Parallelism.ForCopy(g.Cg, used, c =>
        {
            new Span<T>(xp + c * perChannel, (int)perChannel).Clear();
            ChannelPlanes(x, xp, c, xChannelStride);
        });
    }

    private void ChannelPlanes<T>(T* x, T* xp, int c, long xChannelStride) where T : unmanaged
    {
        var g = Geo;
        int sh = g.StrideH, sw = g.StrideW;
        // Per column phase b: the first column x0 with (x0 + padLeft) ≡ b (mod sW), its place in the phase row and
        // the run's length; the rows then only step through their row phases (no division per row: with unit
        // strides this is one plain copy per input row).
        Span<int> first = stackalloc int[sw], count = stackalloc int[sw];
        Span<long> at = stackalloc long[sw];
        for (int b = 0; b < sw; b++)
        {
            first[b] = (int)(((b - g.PadLeft) % sw + sw) % sw);
            count[b] = first[b] < g.W ? (g.W - 1 - first[b]) / sw + 1 : 0;
            at[b] = (long)b * PlaneStride + (first[b] + g.PadLeft) / sw;
        }
        long r = g.PadTop, a = r % sh, u = r / sh;
        for (int y = 0; y < g.H; y++)
        {
            T* src = x + c * xChannelStride + (long)y * g.W, row = xp + ((long)c * sh + a) * sw * PlaneStride + u * Wp;
            int done = 0;
            if (sw == 2 && g.W >= 2)   // the two column phases in one pass of shuffles (the strided copies were ~1/5 of a k4 s2 pass)
            {
                int even = first[0] == 0 ? 0 : 1;
                done = Stride2.Deinterleave(ref src[0], ref row[at[even]], ref row[at[1 - even]], g.W);
            }
            for (int b = 0; b < sw; b++)
                if (count[b] > done) Im2ColTable.Copy(src + first[b] + (long)done * sw, sw, row + at[b] + done, 1, count[b] - done);
            if (++a == sh) { a = 0; u++; }
        }
    }

    /// <summary>
    /// The wide block: y'[r, q'] (+)= Σ_kk A[r, kk]·xp[Offset[kk] + q'] (Note [Offset GEMM]); it starts from the bias
    /// (filled by the caller) when <paramref name="bias"/>.
    /// </summary>
    public void Tiles<T>(T* panels, T* xp, T* wide, bool bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (long* offsets = Offset)
            OffsetGemm.Run(Rows, Geo.K, panels, xp, offsets, null, Ld / OffsetGemm.PanelWidth<T>(), wide, Ld, bias);
    }

    /// <summary>
    /// One image-group, every phase: its planes into <paramref name="scratch"/> (<see cref="ScratchLength"/> elements), the
    /// bias (when given, from <paramref name="biasOffset"/>), the wide block's tiles against the packed
    /// <paramref name="panels"/>, and the scatter into y. Channel strides as in <see cref="Planes{T}"/> and <see cref="Scatter{T}"/>.
    /// </summary>
    public void Run<T>(T* x, long xChannelStride, T* panels, T[]? b, int biasOffset, T* y, long yChannelStride, T* scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* planes = scratch, block = scratch + PlanesLength;
        Planes(x, planes, xChannelStride);
        if (b is not null) FillBias(block, b, biasOffset);
        Tiles(panels, planes, block, b is not null);
        Scatter(block, y, yChannelStride);
    }

    /// <summary>Fills row o of the wide block with b[o] (the first depth block then adds to it, as Gemm's accumulate does).</summary>
    public void FillBias<T>(T* wide, T[] b, int offset) where T : unmanaged
        => Parallelism.ForCopy(Geo.Og, (long)Geo.Og * Ld, o => new Span<T>(wide + (long)o * Ld, Ld).Fill(b[offset + o]));

    /// <summary>y[o, oy, ox] = y'[o, oy·Wp + ox]: the wide block's kept columns, row by row.</summary>
    /// <remarks>The output's channels lie <paramref name="yChannelStride"/> elements apart (OH·OW, or the whole image's for a row slab).</remarks>
    public void Scatter<T>(T* wide, T* y, long yChannelStride) where T : unmanaged
    {
        var g = Geo;
        Parallelism.ForCopy(g.Og, (long)g.Og * g.OH * g.OW, o =>
        {
            for (int oy = 0; oy < g.OH; oy++)
                Im2ColTable.Copy(wide + (long)o * Ld + (long)oy * Wp, 1, y + o * yChannelStride + (long)oy * g.OW, 1, g.OW);
        });
    }
}
