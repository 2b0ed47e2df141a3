using Autograd.Kernels;

namespace Autograd;

// Note [Padded im2col]
// With column stride 1 a forward column panel (Note [Implicit im2col]) is, for each column-matrix row
// kk = (c, i, j), a run of consecutive output positions: one input-row segment per output row. Solving
// for the padding on every run (Im2ColTable.Segment: a clamp, two fills, a copy) costs about as much
// as the copy itself: there are K·OH runs per image (32 K for 64 channels of 56×56), and the pack was
// a large share of the forward's time. So the image-group is first copied into zero-padded Hp×Wp planes (the
// border cleared once per chunk, each image rewrites the interior; no copy at all without padding),
// after which every run is a plain copy from xp[c, oy·sH + i·dH, ox + j·dW], and the pack takes about
// half as long (docs/speed.md, Measurements behind the code). The input gradient taken as a convolution (Note [Input gradient as a convolution]) packs the
// same way. Column-strided convolutions keep the phase split (Note [Strided im2col]).

/// <summary>The zero-padded plane stack of one image-group and the offset of every column-matrix row in it.</summary>
internal sealed class PaddedIm2Col
{
    public readonly ConvGeometry Geo;
    public readonly int Hp, Wp, Length;   // padded plane size; elements of the padded image-group
    public readonly long RowStep;         // elements between the runs of consecutive output rows
    public readonly long[] Offset;        // per kk = (c, i, j): c·Hp·Wp + i·dH·Wp + j·dW

    /// <summary>Whether the forward of <paramref name="g"/> packs through padded planes (column stride 1).</summary>
    public static bool Suits(in ConvGeometry g) => !g.Pointwise && g.StrideW == 1 && Footprint(g) <= Array.MaxLength;

    /// <summary>
    /// Elements of the padded planes of one image-group (at least one plane, so that zero channels
    /// still bound the padded size), before any is built: Note [Bounded convolution]. The HWC copy of
    /// Note [Weight gradient as GEMM] holds the same elements.
    /// </summary>
    internal static long Footprint(in ConvGeometry g) => ConvGeometry.Mul(Math.Max(1, g.Cg), ConvGeometry.Mul(g.PaddedH, g.PaddedW));

    public PaddedIm2Col(in ConvGeometry g)
    {
        Geo = g;
        Hp = (int)g.PaddedH;   // int: Note [Bounded convolution] bounds the padded planes
        Wp = (int)g.PaddedW;
        Length = g.Cg * Hp * Wp;
        RowStep = (long)g.StrideH * Wp;
        Offset = new long[g.K];
        for (int c = 0, kk = 0; c < g.Cg; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++, kk++)
                    Offset[kk] = (long)c * Hp * Wp + (long)i * g.DilationH * Wp + (long)j * g.DilationW;
    }

    /// <summary>False when there is no padding: the image-group itself is the plane stack.</summary>
    public bool NeedsCopy => Hp != Geo.H || Wp != Geo.W;

    /// <summary>The image-group as the source reads it: x itself, or its interior written into xp (border already zero).</summary>
    public unsafe T* Planes<T>(T* x, T* xp) where T : unmanaged
    {
        if (!NeedsCopy) return x;
        var g = Geo;
        for (int c = 0; c < g.Cg; c++)
            for (int y = 0; y < g.H; y++)
                Im2ColTable.Copy(x + ((long)c * g.H + y) * g.W, 1, xp + ((long)c * Hp + y + g.PadTop) * Wp + g.PadLeft, 1, g.W);
        return xp;
    }
}

/// <summary>B of the forward Y = W·col for column stride 1: free index q (output position), depth kk, from padded planes.</summary>
internal readonly unsafe struct PaddedIm2ColSource<T>(PaddedIm2Col plan, T* xp) : IGemmSource<T> where T : unmanaged
{
    public int Extent => plan.Geo.P;

    public void Pack(int f0, int width, int p0, int kc, T* dst, int ld)
    {
        var g = plan.Geo;
        int valid = Math.Min(width, g.P - f0), oy0 = f0 / g.OW, ox0 = f0 - oy0 * g.OW;
        for (int p = 0; p < kc; p++)
        {
            T* row = xp + plan.Offset[p0 + p] + oy0 * plan.RowStep, d = dst + (long)p * ld;
            for (int q = 0, ox = ox0; q < valid; ox = 0, row += plan.RowStep)
            {
                int run = Math.Min(valid - q, g.OW - ox);
                Im2ColTable.Copy(row + ox, 1, d + q, 1, run);
                q += run;
            }
            new Span<T>(d + valid, width - valid).Clear();
        }
    }

    public T* InPlace(int f0, int p0, out long stride) { stride = 0; return null; }
}
