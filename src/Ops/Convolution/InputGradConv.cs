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
// channels gained nothing), and images with more than DotGemm.DepthBlock / 8 = 128 positions. (The bound was
// 512 on the AMD EPYC this was first measured on, where 14×14 images' per-image GEMMs were too short to win;
// on the Intel Xeon of 2026-12-02 the 64×32×14×14 → 64 layer of the Fashion-MNIST network is faster as a
// convolution: forward+backward at one thread 18.4–22.6 ms against 20.0–25.9 ms with col2im, three
// alternating pairs, each pair won by the convolution; the training step 22.5–27.1 against 25.7–29.2 ms.)
// The few-tap direct kernel (Note [Direct convolution]) keeps its own input gradient.
// Forward computes every element of dX on one chunk in a fixed order, so the result does not depend
// on the thread count (Note [conv2d batch chunks]).
internal static class InputGradConv
{
    /// <summary>Whether the input gradient of <paramref name="g"/> should run as a forward convolution of dY.</summary>
    internal static bool Suits(in ConvGeometry g) =>
        !g.Pointwise && g.StrideH == 1 && g.StrideW == 1 && g.Cg >= 32 && g.Og >= 32 && (long)g.H * g.W > DotGemm.DepthBlock / 8 &&
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
