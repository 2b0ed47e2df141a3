using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Note [Bounded convolution]
// The fast paths lay each image-group out in tables whose size follows the geometry rather than the
// tensors: sH·sW phase planes and dY planes with d·(k−1)/s margins (Note [Direct convolution]), a
// phase split as wide as the stride (Note [Strided im2col]), (H + padding)×(W + padding) planes
// (Notes [Padded im2col], [Weight gradient as GEMM]). For ordinary layers these are about the size of
// the input; for an extreme stride, padding or dilation they are not: a 1×1 input at stride 65536
// built 2^32 phases (15 s forward, 15 s backward, for one multiply), padding 2^30 asks for 2^60-element
// planes, and their int index arithmetic wraps. PyTorch answers such calls instantly.
// So Suits, called by ConvPlan (Note [Conv plan]) before any table is built, asks each fast path for its footprint
// (computed in saturating long arithmetic by the class that owns the tables: the larger of the
// elements it would allocate and the iterations of its set-up loops) and sends the geometry here when
// any footprint exceeds Multiple × (input + output + weight) of one image-group (plus a small constant
// Slack), or an array; or when
// the padded extent plus a stride, or the column matrix's K·P, would not fit the fast paths' int
// arithmetic. Ordinary layers stay on the fast paths (ConvExtremeArgumentTests checks the bench
// shapes and the fast-path test grid).
// Here, for each output row oy the kernel rows i with 0 ≤ oy·sH − padTop + i·dH < H are solved for in
// long arithmetic (Im2Col.ValidRange), likewise the columns, and only those taps are visited. Work is
// O(output + contributing multiply-adds) and the only scratch is the ranges, O(oH + oW), whatever the
// stride, padding or dilation; an output none of whose taps meets the input is its bias (or zero), as
// in PyTorch. Forward, input gradient and weight gradient are the same walk with a different operation
// per tap. It runs sequentially, every element summed in a fixed order, so results do not depend on
// the thread count. (These geometries do little arithmetic; a parallel or vectorised version would not
// pay for its code.)

/// <summary>conv2d for geometries the fast paths cannot hold: Note [Bounded convolution].</summary>
internal static class BoundedConv
{
    /// <summary>How many times input + output + weight of one image-group a fast path's footprint may be.</summary>
    internal const int Multiple = 4;

    /// <summary>
    /// Elements every footprint may take regardless: the fast paths' fixed overheads (a vector of slack
    /// per plane stack, a few rows of margin) would otherwise send tiny ordinary convolutions here.
    /// </summary>
    internal const int Slack = 1 << 10;

    /// <summary>Whether <paramref name="g"/> runs here rather than on the fast paths (Note [Bounded convolution]).</summary>
    internal static bool Suits(in ConvGeometry g)
    {
        if (g.Pointwise) return false;   // 1×1, stride 1, no padding: no tables, the input is the column matrix
        if (g.PaddedH + g.StrideH > int.MaxValue || g.PaddedW + g.StrideW > int.MaxValue) return true;
        if ((long)g.K * g.P > int.MaxValue) return true;
        long tensors = (long)g.Cg * g.H * g.W + (long)g.Og * g.P + (long)g.Og * g.K;
        long budget = Math.Min(Multiple * tensors + Slack, Array.MaxLength);
        return DirectConvPlan.Footprint(g) > budget || Im2ColTable.Footprint(g) > budget || PaddedIm2Col.Footprint(g) > budget;
    }

    /// <summary>y = b + W ⋆ x; every element of y is written.</summary>
    internal static void Forward<T>(in ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new ForwardOp<T>(x, w, b, y);
        Walk(g, ref op);
    }

    /// <summary>dx (overwritten) for upstream gradient dy.</summary>
    internal static void InputGrad<T>(in ConvGeometry g, T[] w, T[] dy, T[] dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Array.Clear(dx);
        var op = new InputGradOp<T>(w, dy, dx);
        Walk(g, ref op);
    }

    /// <summary>dw (added to) for upstream gradient dy.</summary>
    internal static void WeightGrad<T>(in ConvGeometry g, T[] x, T[] dy, T[] dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new WeightGradOp<T>(x, dy, dw);
        Walk(g, ref op);
    }

    /// <summary>What happens at each output element (flat index into y/dy, its channel) and at each of its taps.</summary>
    private interface ITapOp
    {
        void Begin(int output, int channel);
        void Tap(int weight, int input);
        void End(int output, int channel);
    }

    /// <summary>The kernel taps [Lo, Hi) that fall inside the input for one output row (or column), and where tap 0 would read.</summary>
    private readonly record struct TapRange(int Lo, int Hi, long First);

    private static TapRange[] Ranges(int outputs, int stride, long pad, int dilation, int kernel, int size)
    {
        var r = new TapRange[outputs];
        for (int o = 0; o < outputs; o++)
        {
            long first = (long)o * stride - pad;
            var (lo, hi) = Im2Col.ValidRange(first, dilation, size, kernel);
            r[o] = new TapRange(lo, hi, first);
        }
        return r;
    }

    // Every index below is an element of x, w or y (N ≥ 1: ConvKernels returns early on an empty
    // batch), so it fits an int; the positions first + i·d are inside the input for taps in range.
    private static void Walk<TOp>(in ConvGeometry g, ref TOp op) where TOp : struct, ITapOp
    {
        var rows = Ranges(g.OH, g.StrideH, g.PadTop, g.DilationH, g.KH, g.H);
        var cols = Ranges(g.OW, g.StrideW, g.PadLeft, g.DilationW, g.KW, g.W);
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.OutC; o++)
            {
                int plane0 = n * g.C + o / g.Og * g.Cg, output = (n * g.OutC + o) * g.P;
                for (int oy = 0; oy < g.OH; oy++)
                {
                    var r = rows[oy];
                    for (int ox = 0; ox < g.OW; ox++, output++)
                    {
                        var s = cols[ox];
                        op.Begin(output, o);
                        if (r.Lo < r.Hi && s.Lo < s.Hi)
                            for (int c = 0; c < g.Cg; c++)
                                for (int i = r.Lo; i < r.Hi; i++)
                                {
                                    int xRow = ((plane0 + c) * g.H + (int)(r.First + (long)i * g.DilationH)) * g.W;
                                    int wRow = ((o * g.Cg + c) * g.KH + i) * g.KW;
                                    for (int j = s.Lo; j < s.Hi; j++)
                                        op.Tap(wRow + j, xRow + (int)(s.First + (long)j * g.DilationW));
                                }
                        op.End(output, o);
                    }
                }
            }
    }

    private struct ForwardOp<T>(T[] x, T[] w, T[]? b, T[] y) : ITapOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        private T _sum;
        public void Begin(int output, int channel) => _sum = T.Zero;
        public void Tap(int weight, int input) => _sum += w[weight] * x[input];
        public readonly void End(int output, int channel) => y[output] = b is null ? _sum : b[channel] + _sum;
    }

    private struct InputGradOp<T>(T[] w, T[] dy, T[] dx) : ITapOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        private T _g;
        public void Begin(int output, int channel) => _g = dy[output];
        public readonly void Tap(int weight, int input) => dx[input] += w[weight] * _g;
        public readonly void End(int output, int channel) { }
    }

    private struct WeightGradOp<T>(T[] x, T[] dy, T[] dw) : ITapOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        private T _g;
        public void Begin(int output, int channel) => _g = dy[output];
        public readonly void Tap(int weight, int input) => dw[weight] += _g * x[input];
        public readonly void End(int output, int channel) { }
    }
}
