using System.Buffers;
using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Note [Weight gradient as GEMM]
// dW_g[Og, K] += dY_g[Og, P] · col[K, P]ᵀ contracts along the output positions P, the contiguous
// dimension of both operands, so the dot-product kernel (Note [Dot-product GEMM]) pays a horizontal
// reduction per 4×4 block and a load per FMA, and runs well below the packed outer-product GEMM
// (Note [Blocked GEMM]; rates in docs/speed.md, Measurements behind the code). That GEMM needs, for every depth step p, a run of consecutive free indices of
// each operand: a transpose of both. For col that transpose is made cheap by reordering K:
//  * each image-group is copied once into a zero-padded HWC layout xh[(yy·Wp + xx)·Cg + c]
//    (Hp×Wp pixels of Cg channels; the padding is cleared once per chunk, images rewrite the interior);
//  * the GEMM computes dW' = dY·col'ᵀ with col' rows in (i, j, c) order, so the free index kk' =
//    (i·kW + j)·Cg + c of a B panel runs along the channels of one pixel: for each p = (oy, ox) the
//    panel row is a contiguous copy of xh at pixel (oy + i·dH, ox + j·dW), never a gather, and
//    padding and dilation are just offsets (no bounds tests);
//  * dY is A as it is: MatrixSource's transposing pack of 8 rows per panel (64 × P per image, Note
//    [Transposing pack]), packed once per call over the whole depth;
//  * when Cg is a multiple of the GEMM's NR, a B panel is NR channels of one tap and its row for p is
//    those channels of one pixel: read in place by offsets (Note [Offset GEMM]), nothing packed; other
//    channel counts pack the rows (HwcColumns) through Gemm, with the same values bit for bit.
// The depth runs over ImagesPerCall images per call (one when P ≥ MinDepth), so small images still
// give the GEMM a long depth (what Note [Small images] does for the dot products). dW' accumulates over
// the chunk's images in the chunk's [OutC, K] slot of a rented buffer; the slots are summed in chunk
// order and the sum permuted back to the weight's (c, i, j) order once; how many images go per call depends only on the shapes,
// so every element is the same sequence of operations whatever the thread count (Note [conv2d batch
// chunks]). It pays with unit stride, long pixel runs (Cg ≥ MinChannels) and enough output channels
// to reuse each packed panel (Og ≥ MinOutChannels), most on small images, where the dot products are
// batched (docs/speed.md, Measurements behind the code). Other shapes keep the dot products.

/// <summary>The padded HWC layout of the image-groups and the tap offsets into it (Note [Weight gradient as GEMM]).</summary>
internal sealed class HwcWeightGrad
{
    /// <summary>
    /// Input channels per group below which a pixel run is too short for the copies to pay (16 → 16
    /// channels ran slower than the dot products, 16 → 64 no faster).
    /// </summary>
    internal const int MinChannels = 32;

    /// <summary>Output channels per group below which a packed B panel is reused too few times (once per 8 of them).</summary>
    internal const int MinOutChannels = 16;

    /// <summary>Positions one GEMM call should have (as depth) when images are small.</summary>
    private const int MinDepth = 1024;

    /// <summary>Largest HWC buffer, in elements, that many small images per call may take.</summary>
    private const int MaxBuffer = 1 << 22;

    public readonly ConvGeometry Geo;
    public readonly int Hp, Wp, Length, ImagesPerCall;   // padded size, elements per image-group, images per GEMM
    public readonly long RowStep, ColStep;               // xh elements per output row / output column
    public readonly long[] TapOffset;                    // per tap (i, j): xh offset of (i·dH, j·dW)

    /// <summary>
    /// Whether this geometry's weight gradient should take the HWC GEMM: long pixel runs, enough output
    /// channels, and unit stride (with stride s the HWC copy costs s² times more per multiply-add, and 32
    /// channels at stride 2 ran slower than the phase-split dot products) unless the images are small:
    /// then the phase-split dot products cannot batch images (Note [Small images]) and run one short
    /// depth per image, while the GEMM still takes several images per call (conv_transpose2d's weight
    /// gradient, docs/speed.md).
    /// </summary>
    public static bool Suits(in ConvGeometry g) =>
        !g.Pointwise && (g.StrideH == 1 && g.StrideW == 1 || g.P <= DotGemm.DepthBlock / 2) && g.Cg >= MinChannels && g.Og >= MinOutChannels &&
        PaddedIm2Col.Footprint(g) <= Array.MaxLength;

    /// <summary>The layout for <paramref name="g"/>, chunks of at most <paramref name="maxImages"/> images.</summary>
    public HwcWeightGrad(in ConvGeometry g, int maxImages)
    {
        Geo = g;
        Hp = (int)g.PaddedH;   // int: Note [Bounded convolution] bounds the padded planes
        Wp = (int)g.PaddedW;
        Length = Hp * Wp * g.Cg;
        ImagesPerCall = Math.Clamp(Math.Min((MinDepth + g.P - 1) / g.P, MaxBuffer / Math.Max(1, Length)), 1, Math.Max(1, maxImages));
        RowStep = (long)g.StrideH * Wp * g.Cg;
        ColStep = (long)g.StrideW * g.Cg;
        TapOffset = new long[g.KH * g.KW];
        for (int i = 0; i < g.KH; i++)
            for (int j = 0; j < g.KW; j++)
                TapOffset[i * g.KW + j] = ((long)i * g.DilationH * Wp + (long)j * g.DilationW) * g.Cg;
    }

    /// <summary>Elements of the HWC buffer a chunk needs (<see cref="ImagesPerCall"/> image-groups).</summary>
    public int BufferLength => ImagesPerCall * Length;

    /// <summary>
    /// dwPerm[Og, K'] (+)= Σ over <paramref name="count"/> images of dY_g · col'ᵀ: image-group i at
    /// x + i·xImage (Cg×H×W), its upstream gradient at dy + i·yImage (Og×P); xh is the chunk's HWC
    /// buffer, its padding already zero. <paramref name="packColumns"/> forces the packing GEMM (tests compare the two).
    /// </summary>
    public unsafe void Accumulate<T>(T* x, long xImage, T* dy, long yImage, int count, T* xh, T* dwPerm, bool accumulate, bool packColumns = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = Geo;
        for (int i = 0; i < count; i++) ToHwc(x + i * xImage, xh + (long)i * Length);
        var a = new ImageMatrixSource<T>(dy, yImage, g.P, g.Og);
        if (!packColumns && g.Cg % OffsetGemm.PanelWidth<T>() == 0) ColumnsInPlace(a, count, xh, dwPerm, accumulate);
        else Gemm.Run<T, ImageMatrixSource<T>, HwcColumns<T>>(g.Og, g.K, count * g.P, a, new HwcColumns<T>(this, xh), dwPerm, g.K, accumulate);
    }

    /// <summary>
    /// The same product with B read in place (Note [Offset GEMM]): when Cg is a multiple of NR each column
    /// panel is NR channels of one tap, and its row for depth p = (n, oy, ox) is those channels of one pixel,
    /// at xh + TapOffset[tap] + c0 + n·Length + oy·RowStep + ox·ColStep. dY is packed into panels once.
    /// </summary>
    private unsafe void ColumnsInPlace<T>(ImageMatrixSource<T> dy, int count, T* xh, T* dwPerm, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = Geo;
        int depth = count * g.P, mr = Gemm.PanelRows<T>(), nr = OffsetGemm.PanelWidth<T>(), panels = g.K / nr;
        T[] a = ArrayPool<T>.Shared.Rent(PackedPanels<T>.Length(g.Og, depth, mr));
        long[] rows = ArrayPool<long>.Shared.Rent(depth), cols = ArrayPool<long>.Shared.Rent(panels);
        try
        {
            for (int n = 0, p = 0; n < count; n++)
                for (int oy = 0; oy < g.OH; oy++)
                    for (int ox = 0; ox < g.OW; ox++, p++)
                        rows[p] = n * (long)Length + oy * RowStep + ox * ColStep;
            for (int i = 0; i < panels; i++) cols[i] = TapOffset[i * nr / g.Cg] + i * nr % g.Cg;
            fixed (T* pa = a)
            fixed (long* pr = rows, pc = cols)
            {
                PackedPanels<T>.PackInto(dy, depth, mr, pa);
                OffsetGemm.Run(g.Og, depth, pa, xh, pr, pc, panels, dwPerm, g.K, accumulate);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(a);
            ArrayPool<long>.Shared.Return(rows);
            ArrayPool<long>.Shared.Return(cols);
        }
    }

    /// <summary>The interior of the padded HWC copy: xh[((y + padTop)·Wp + x + padLeft)·Cg + c] = x[c, y, x].</summary>
    private unsafe void ToHwc<T>(T* x, T* xh) where T : unmanaged
    {
        var g = Geo;
        int cg = g.Cg, w = g.W, c4 = cg & ~3;
        long plane = (long)g.H * w;
        // Rows split over the threads when this is not already inside a parallel loop (a batch of one image).
        Parallelism.ForCopy(g.H, plane * cg, y =>
        {
            T* row = xh + ((long)(y + g.PadTop) * Wp + g.PadLeft) * cg;
            // Four channels at a time: four read streams, four adjacent writes per pixel.
            for (int c = 0; c < c4; c += 4)
            {
                T* s0 = x + c * plane + (long)y * w, s1 = s0 + plane, s2 = s1 + plane, s3 = s2 + plane;
                T* d = row + c;
                for (int ix = 0; ix < w; ix++, d += cg)
                {
                    d[0] = s0[ix]; d[1] = s1[ix]; d[2] = s2[ix]; d[3] = s3[ix];
                }
            }
            for (int c = c4; c < cg; c++)
            {
                T* s = x + c * plane + (long)y * w, d = row + c;
                for (int ix = 0; ix < w; ix++, d += cg) *d = s[ix];
            }
        });
    }

    /// <summary>dw_g[o, c, i, j] += dwPerm[o, (i·kW + j)·Cg + c] for one group.</summary>
    public unsafe void AddPermuted<T>(T* dwPerm, T* dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = Geo;
        int taps = g.KH * g.KW;
        for (int o = 0; o < g.Og; o++)
        {
            T* src = dwPerm + (long)o * g.K, dst = dw + (long)o * g.K;
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < g.Cg; c++) dst[c * taps + t] += src[t * g.Cg + c];
        }
    }
}

/// <summary>
/// B of dW' = dY·col'ᵀ: free index kk' = (i·kW + j)·Cg + c, depth p = (n·OH + oy)·OW + ox over the
/// call's images, read from their padded HWC copies (Note [Weight gradient as GEMM]).
/// </summary>
internal readonly unsafe struct HwcColumns<T>(HwcWeightGrad plan, T* xh) : IGemmSource<T> where T : unmanaged
{
    public int Extent => plan.Geo.K;

    // Per tap, the requested channels are one run of each pixel: copied p by p, following (n, oy, ox).
    public void Pack(int f0, int width, int p0, int kc, T* dst, int ld)
    {
        var g = plan.Geo;
        int cg = g.Cg, end = Math.Min(f0 + width, g.K);
        int n0 = p0 / g.P, oy0 = (p0 - n0 * g.P) / g.OW, ox0 = p0 - n0 * g.P - oy0 * g.OW;
        for (int f = f0; f < end;)
        {
            int t = f / cg, c = f - t * cg, len = Math.Min(cg - c, end - f), oy = oy0, ox = ox0;
            T* image = xh + (long)n0 * plan.Length + plan.TapOffset[t] + c, row = image + oy * plan.RowStep, d = dst + (f - f0);
            for (int p = 0; p < kc; p++, d += ld)
            {
                Im2ColTable.Copy(row + ox * plan.ColStep, 1, d, 1, len);
                if (++ox < g.OW) continue;
                ox = 0;
                row += plan.RowStep;
                if (++oy < g.OH) continue;
                oy = 0;
                image += plan.Length;
                row = image;
            }
            f += len;
        }
        if (end - f0 < width)
            for (int p = 0; p < kc; p++) new Span<T>(dst + (long)p * ld + (end - f0), width - (end - f0)).Clear();
    }

    public T* InPlace(int f0, int p0, out long stride) { stride = 0; return null; }
}

/// <summary>
/// A of dW' = dY·col'ᵀ: free index o, depth p over several images of P positions, element (o, p) at
/// ptr[n·imageStride + o·P + q] for p = n·P + q; packed image by image with MatrixSource's transpose.
/// </summary>
internal readonly unsafe struct ImageMatrixSource<T>(T* ptr, long imageStride, int perImage, int rows) : IGemmSource<T> where T : unmanaged
{
    public int Extent => rows;

    public void Pack(int f0, int width, int p0, int kc, T* dst, int ld)
    {
        for (int p = p0, end = p0 + kc; p < end;)
        {
            int n = p / perImage, q = p - n * perImage, run = Math.Min(end - p, perImage - q);
            new MatrixSource<T>(ptr + n * imageStride, perImage, 1, rows).Pack(f0, width, q, run, dst + (long)(p - p0) * ld, ld);
            p += run;
        }
    }

    public T* InPlace(int f0, int p0, out long stride) { stride = 0; return null; }
}
