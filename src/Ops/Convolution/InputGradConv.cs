using System.Buffers;
using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Note [Input gradient as a convolution]
// With stride 1, dX[c, y, x] = Σ_o Σ_ij W[o, c, i, j]·dY[o, y + padTop − i·dH, x + padLeft − j·dW]:
// the forward convolution of dY with the weight transposed per group and rotated 180°,
// W'[c, o, kH−1−i, kW−1−j] = W[o, c, i, j], padded by d·(k−1) − pad on each side. Run through
// ConvKernels.Forward (implicit im2col GEMM, depth Og·kH·kW) it needs no column block and no col2im,
// and the GEMM's depth is Og·kH·kW instead of Og, which beats Wᵀ·dY + col2im (Note [col2im blocks]) on
// wide layers (docs/speed.md, Measurements behind the code). It is used where that holds: stride 1,
// padding ≤ d·(k−1), at least 32 input channels per group (the GEMM's rows: each packed column panel
// is reused once per 8 of them) and 32 output channels (its depth, Og·kH·kW; 16 → 64 and 64 → 16
// channels gained nothing), and images with more than DotGemm.DepthBlock / 2 positions (on 14×14
// images the per-image GEMMs are too short and the old path wins). The few-tap direct kernel
// (Note [Direct convolution]) keeps its own input gradient.
// Forward computes every element of dX on one chunk in a fixed order, so the result does not depend
// on the thread count (Note [conv2d batch chunks]).
internal static class InputGradConv
{
    /// <summary>Whether the input gradient of <paramref name="g"/> should run as a forward convolution of dY.</summary>
    internal static bool Suits(in ConvGeometry g) =>
        !g.Pointwise && g.StrideH == 1 && g.StrideW == 1 && g.Cg >= 32 && g.Og >= 32 && (long)g.H * g.W > DotGemm.DepthBlock / 2 &&
        g.PadTop <= (long)g.DilationH * (g.KH - 1) && g.PadBottom <= (long)g.DilationH * (g.KH - 1) &&
        g.PadLeft <= (long)g.DilationW * (g.KW - 1) && g.PadRight <= (long)g.DilationW * (g.KW - 1);

    /// <summary>The geometry of dX = conv(dY, W'): dY's planes in, X's planes out, the complementary padding.</summary>
    internal static ConvGeometry Geometry(in ConvGeometry g) => new(
        g.Batched, g.N, g.OutC, g.OH, g.OW, g.C, g.Groups, g.KH, g.KW, 1, 1, g.DilationH, g.DilationW,
        (long)g.DilationH * (g.KH - 1) - g.PadTop, (long)g.DilationW * (g.KW - 1) - g.PadLeft, (long)g.DilationH * (g.KH - 1) - g.PadBottom, (long)g.DilationW * (g.KW - 1) - g.PadRight,
        g.H, g.W);

    /// <summary>dx = conv(dy, W') (overwritten): Note [Input gradient as a convolution].</summary>
    internal static void Run<T>(in ConvGeometry g, T[] w, T[] dy, T[] dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int taps = g.KH * g.KW, size = g.OutC * g.K;
        T[] flipped = ArrayPool<T>.Shared.Rent(size);   // C × Og × kH × kW (pooled: ≥ 85 kB would be a large-object-heap array)
        try
        {
            for (int grp = 0; grp < g.Groups; grp++)
                for (int o = 0; o < g.Og; o++)
                    for (int c = 0; c < g.Cg; c++)
                    {
                        int src = ((grp * g.Og + o) * g.Cg + c) * taps, dst = ((grp * g.Cg + c) * g.Og + o) * taps;
                        for (int t = 0; t < taps; t++) flipped[dst + taps - 1 - t] = w[src + t];
                    }
            ConvKernels.Forward(Geometry(g), dy, flipped, null, dx);
        }
        finally { ArrayPool<T>.Shared.Return(flipped); }
    }
}
