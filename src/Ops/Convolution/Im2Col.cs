using System.Numerics;

namespace Autograd.Kernels;

// Note [im2col layout]
// For one image and one group (Cg input channels of H×W) the column matrix has K = Cg·kH·kW rows and
// P = oH·oW columns, row-major:
//     col[(c·kH + i)·kW + j, oy·oW + ox] = x[c, oy·sH + i·dH − padTop, ox·sW + j·dW − padLeft]
// (zero where that falls in the padding). The row order is the weight's own (Cg, kH, kW) order, so a
// group's weight slice is already the [Og, K] matrix of Y = W·col and no weight is ever repacked.
// col2im is the exact adjoint: it adds every column entry back onto the input cell it was read from,
// so overlapping windows (stride < kernel) accumulate, and padding entries are dropped.
// Both walk one (c, i, j) row at a time and solve for the range of ox whose input column is inside the
// image, so the inner loop has no bounds tests: a contiguous copy/add when sW == 1, strided otherwise.
internal static class Im2Col
{
    /// <summary>Fills col [K, P] from x [Cg, H, W] (one image, one group).</summary>
    internal static void Forward<T>(ReadOnlySpan<T> x, Span<T> col, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW, p = g.P;
        for (int c = 0; c < g.Cg; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    var row = col.Slice(((c * g.KH + i) * g.KW + j) * p, p);
                    var (lo, hi) = ValidRange(j * g.DilationW - g.PadLeft, g.StrideW, w, ow);
                    int x0 = j * g.DilationW - (int)g.PadLeft;   // int: Note [Bounded convolution] bounds every fast-path extent
                    for (int oy = 0; oy < oh; oy++)
                    {
                        var dst = row.Slice(oy * ow, ow);
                        int iy = oy * g.StrideH + i * g.DilationH - (int)g.PadTop;
                        if ((uint)iy >= (uint)h || lo >= hi) { dst.Clear(); continue; }
                        var src = x.Slice((c * h + iy) * w, w);
                        dst[..lo].Clear();
                        dst[hi..].Clear();
                        if (g.StrideW == 1) src.Slice(lo + x0, hi - lo).CopyTo(dst[lo..hi]);
                        else for (int ox = lo; ox < hi; ox++) dst[ox] = src[ox * g.StrideW + x0];
                    }
                }
    }

    /// <summary>
    /// Adds the column-matrix block for output rows [oy0, oy1) (K rows of (oy1 − oy0)·OW) back into dx
    /// [Cg, H, W]: the adjoint of <see cref="Forward"/> over those output rows.
    /// </summary>
    internal static void Backward<T>(ReadOnlySpan<T> col, Span<T> dx, in ConvGeometry g, int oy0, int oy1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.H, w = g.W, ow = g.OW, p = (oy1 - oy0) * ow;
        for (int c = 0; c < g.Cg; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    var row = col.Slice(((c * g.KH + i) * g.KW + j) * p, p);
                    var (lo, hi) = ValidRange(j * g.DilationW - g.PadLeft, g.StrideW, w, ow);
                    if (lo >= hi) continue;
                    int x0 = j * g.DilationW - (int)g.PadLeft;
                    for (int oy = oy0; oy < oy1; oy++)
                    {
                        int iy = oy * g.StrideH + i * g.DilationH - (int)g.PadTop;
                        if ((uint)iy >= (uint)h) continue;
                        var src = row.Slice((oy - oy0) * ow, ow);
                        var dst = dx.Slice((c * h + iy) * w, w);
                        if (g.StrideW == 1)
                        {
                            SpanMath.AddInPlace(dst.Slice(lo + x0, hi - lo), src[lo..hi]);
                        }
                        else for (int ox = lo; ox < hi; ox++) dst[ox * g.StrideW + x0] += src[ox];
                    }
                }
    }

    /// <summary>
    /// The t in [lo, hi) ⊆ [0, count) with t·s + x0 in [0, w): the outputs ox whose input column ox·s + x0
    /// is inside the image (im2col), or the kernel taps i whose row oy·sH − padTop + i·dH is (Note
    /// [Bounded convolution]). In long: x0 may be as far out as the padding (Note [conv2d size arithmetic]).
    /// </summary>
    internal static (int Lo, int Hi) ValidRange(long x0, int s, int w, int count)
    {
        // t·s + x0 ≥ 0  ⇔ t ≥ ceil(−x0 / s);  t·s + x0 ≤ w − 1 ⇔ t ≤ floor((w − 1 − x0) / s).
        long lo = x0 >= 0 ? 0 : (-x0 + s - 1) / s;
        long hiIncl = w - 1 - x0 < 0 ? -1 : (w - 1 - x0) / s;
        return ((int)Math.Min(lo, count), (int)Math.Clamp(hiIncl + 1, 0, count));
    }
}
