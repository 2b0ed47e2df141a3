using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Autograd.Kernels;

namespace Autograd;

// Note [Input gradient by output phases]
// dX[c, y, x] = Σ_o Σ_ij W[o, c, i, j]·dY[o, oy, ox] over the taps with y + padTop = oy·sH + i·dH and
// x + padLeft = ox·sW + j·dW. For a strided convolution (and so for conv_transpose2d's forward, which is this
// input gradient) split dX into its sH·sW output phases, rows Y = y + padTop ≡ a (mod sH) and columns ≡ b
// (mod sW): only the taps with i·dH ≡ a and j·dW ≡ b reach phase (a, b), each at a fixed shift
// oy = u + (a − i·dH)/sH of the phase row u = ⌊Y/sH⌋. So every phase is a unit-stride correlation of dY with
// its own sub-kernel (k/s taps a side for k4 s2: 2×2), which is a wide-row GEMM (Note [Wide-row convolution])
// over one zero-bordered copy of dY's planes, its rows Og·taps deep read in place by offsets (Note [Offset
// GEMM]), followed by a strided copy of the wide block into dX's phase (two stride-2 column phases are
// interleaved eight pairs at a time). No column block and no col2im
// (Note [col2im blocks]), whose scatter-adds were most of conv_transpose2d's forward. The border is the
// largest shift any phase needs on each side; one wide row width serves every phase. A phase that no tap
// reaches is zero. As conv_transpose2d's forward the blocks start from its bias (as conv2d's forward does), and
// a phase no tap reaches is the bias: no second pass over the output. The plan takes this path for strided convolutions with at least MinChannels channels each way and at most a
// quarter of each wide row discarded; each element of dX is summed on one thread in a fixed order.

/// <summary>The per-phase sub-kernels, offsets and the shared plane layout of one geometry (Note [Input gradient by output phases]).</summary>
internal sealed unsafe class PhaseInputGrad
{
    /// <summary>Channels per group, each way, below which the GEMM's panels are too short for this path.</summary>
    internal const int MinChannels = 16;

    private readonly ConvGeometry _g;
    private readonly Phase[] _phases;
    private readonly int _top, _left, _width, _planeStride, _rows;

    /// <summary>Scratch elements of one chunk: the bordered dY planes and the wide block.</summary>
    public readonly int PlanesLength, BlockLength;

    /// <summary>One output phase: its dX rows/columns (first phase row and count), taps, and row offsets.</summary>
    private sealed class Phase
    {
        public int A, B, Ld;
        public long U0, U, V0, V;   // first phase row/column and how many fall inside dX
        public long WeightAt;       // where the phase's packed sub-kernels start
        public long BlockAt;        // where its wide block starts in the chunk's block scratch
        public int[] Taps = [];     // (i, j) flattened as i·KW + j, in (i, j) order
        public long[] Offset = [];  // per depth (o, tap): o·planeStride + row·width + column in the bordered planes
        public int Depth => Offset.Length;

        /// <summary>dY's row and column read by tap t for this phase's first output: u0 + (a − i·dH)/sH, v0 + (b − j·dW)/sW.</summary>
        public (long Row, long Col) Shift(in ConvGeometry g, int t) =>
            (U0 + (A - (long)(t / g.KW) * g.DilationH) / g.StrideH, V0 + (B - (long)(t % g.KW) * g.DilationW) / g.StrideW);
    }

    private static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);   // b > 0

    /// <summary>The phases with their rows, columns and taps, and the border and row width they need (all in long).</summary>
    private static (Phase[] Phases, long Top, long Left, long Width, long Height) Layout(in ConvGeometry g)
    {
        int sh = g.StrideH, sw = g.StrideW;
        var phases = new Phase[sh * sw];
        long top = 0, left = 0, bottomRows = g.OH, rightCols = g.OW;
        for (int a = 0; a < sh; a++)
            for (int b = 0; b < sw; b++)
            {
                var p = phases[a * sw + b] = new Phase { A = a, B = b };
                long u0 = CeilDiv(g.PadTop - a, sh), u1 = CeilDiv(g.H + g.PadTop - a, sh);
                long v0 = CeilDiv(g.PadLeft - b, sw), v1 = CeilDiv(g.W + g.PadLeft - b, sw);
                (p.U0, p.U, p.V0, p.V) = (u0, Math.Max(0, u1 - u0), v0, Math.Max(0, v1 - v0));
                var taps = new List<int>();
                for (int i = 0; i < g.KH; i++)
                    for (int j = 0; j < g.KW; j++)
                        if ((long)i * g.DilationH % sh == a && (long)j * g.DilationW % sw == b) taps.Add(i * g.KW + j);
                p.Taps = [.. taps];
                foreach (int t in p.Taps)
                {
                    // dY row of phase row u0 through tap i: u0 + (a − i·dH)/sH; the border holds the first and last
                    var (row, col) = p.Shift(g, t);
                    top = Math.Max(top, -row);
                    left = Math.Max(left, -col);
                    bottomRows = Math.Max(bottomRows, row + p.U);
                    rightCols = Math.Max(rightCols, col + p.V);
                }
            }
        return (phases, top, left, left + rightCols, top + bottomRows);
    }

    public PhaseInputGrad(in ConvGeometry g)
    {
        _g = g;
        int nr = OffsetGemm.PanelWidth<float>(), mr = Gemm.PanelRows<float>();
        var (phases, top, left, width, height) = Layout(g);
        (_phases, _top, _left, _width) = (phases, (int)top, (int)left, (int)width);
        _planeStride = (int)WideRowConv.PlaneStrideFor(height, width);
        _rows = (g.Cg + mr - 1) / mr * mr;
        int maxLd = 0;
        long weightAt = 0;
        foreach (var p in _phases)
        {
            p.Ld = (int)((p.U * _width + nr - 1) / nr * nr);
            maxLd = Math.Max(maxLd, p.Ld);
            p.Offset = new long[g.Og * p.Taps.Length];
            for (int o = 0, d = 0; o < g.Og; o++)
                foreach (int t in p.Taps)
                {
                    var (row, col) = p.Shift(g, t);
                    p.Offset[d++] = (long)o * _planeStride + (row + _top) * _width + col + _left;
                }
            p.WeightAt = weightAt;
            weightAt += (long)g.Groups * _rows * p.Depth;
        }
        for (int k = 0; k < _phases.Length; k++) _phases[k].BlockAt = (long)k * _rows * maxLd;
        PlanesLength = (int)((long)Math.Max(1, g.Og) * _planeStride + maxLd);   // slack: a last panel's discarded columns
        BlockLength = _phases.Length * _rows * maxLd;   // one wide block per phase, so pairs can be interleaved
        WeightLength = (int)weightAt;
    }

    /// <summary>
    /// Strided (at most 16 phases), at least MinChannels channels per group each way, at most a quarter of the wide row discarded in
    /// every phase that has outputs, and every buffer within an array.
    /// </summary>
    public static bool Suits(in ConvGeometry g)
    {
        // at most 16 phases (strides up to 4×4): larger strides leave each phase a few taps and outputs, and the
        // phase objects would grow with sH·sW before any check
        if (g.StrideH == 1 && g.StrideW == 1 || (long)g.StrideH * g.StrideW > 16 || g.Cg < MinChannels || g.Og < MinChannels) return false;
        var (phases, _, _, width, height) = Layout(g);
        foreach (var p in phases)
            if (p.U > 0 && p.V > 0 && 4 * (width - p.V) > width) return false;
        int nr = OffsetGemm.PanelWidth<float>();
        long ld = ConvGeometry.Mul(phases.Max(p => p.U), width) + nr;
        long planes = ConvGeometry.Add(ConvGeometry.Mul(Math.Max(1, g.Og), WideRowConv.PlaneStrideFor(height, width)), ld);
        long block = ConvGeometry.Mul(ConvGeometry.Mul(g.Cg + 8, ld), (long)g.StrideH * g.StrideW);
        long weights = ConvGeometry.Mul(ConvGeometry.Mul(g.Groups, g.Cg + 8), ConvGeometry.Mul(g.Og, (long)g.KH * g.KW));
        return ConvGeometry.Add(planes, block) <= Array.MaxLength && weights <= Array.MaxLength;
    }

    /// <summary>Elements of the packed sub-kernels of every group and phase.</summary>
    public readonly int WeightLength;

    /// <summary>Packs W's sub-kernel of every group and phase into GEMM panels: A[c, (o, tap)] = W[o, c, tap].</summary>
    public void PackWeights<T>(T[] w, T* dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = _g;
        int taps = g.KH * g.KW, mr = Gemm.PanelRows<T>();
        foreach (var p in _phases)
        {
            if (p.Depth == 0) continue;
            T[] sub = ArrayPool<T>.Shared.Rent(g.Cg * p.Depth);
            try
            {
                for (int grp = 0; grp < g.Groups; grp++, dst += _rows * p.Depth)
                {
                    for (int c = 0; c < g.Cg; c++)
                        for (int o = 0, d = 0; o < g.Og; o++)
                            foreach (int t in p.Taps)
                                sub[c * p.Depth + d++] = w[(((long)grp * g.Og + o) * g.Cg + c) * taps + t];
                    fixed (T* s = sub)
                        PackedPanels<T>.PackInto(new MatrixSource<T>(s, p.Depth, 1, g.Cg), p.Depth, mr, dst);
                }
            }
            finally { ArrayPool<T>.Shared.Return(sub); }
        }
    }

    /// <summary>
    /// dX of one image-group (Cg planes of H×W) from its dY (Og planes of OH×OW): dY into the bordered planes
    /// (border and slack as cleared), then per phase the wide-row GEMM and the strided copy into dX. With a
    /// <paramref name="bias"/> (the group's Cg values; conv_transpose2d's forward) every wide block starts from it,
    /// as conv2d's forward starts from its bias, and a phase no tap reaches is the bias.
    /// </summary>
    public void Run<T>(T* dy, T* packed, int group, T* planes, T* block, T* dx, T* bias = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = _g;
        for (int o = 0; o < g.Og; o++)
            for (int r = 0; r < g.OH; r++)
                Im2ColTable.Copy(dy + ((long)o * g.OH + r) * g.OW, 1, planes + (long)o * _planeStride + (long)(r + _top) * _width + _left, 1, g.OW);
        foreach (var p in _phases)
        {
            if (p.U == 0 || p.V == 0 || p.Depth == 0) continue;
            T* a = packed + p.WeightAt + (long)group * _rows * p.Depth, bp = block + p.BlockAt;
            if (bias is not null)
                for (int c = 0; c < g.Cg; c++) new Span<T>(bp + (long)c * p.Ld, p.Ld).Fill(bias[c]);
            fixed (long* offsets = p.Offset)
                OffsetGemm.Run(_rows, p.Depth, a, planes, offsets, null, p.Ld / OffsetGemm.PanelWidth<T>(), bp, p.Ld, add: bias is not null);
        }
        // The wide blocks into dX. Two column phases of stride 2 that fill alternate columns of the same rows are
        // interleaved eight pairs at a time (a strided copy stores one element at a time: ~18 % of conv_transpose2d's
        // forward); any other phase is a strided copy, a phase that no tap reaches zeros.
        for (int k = 0; k < _phases.Length; k++)
        {
            var p = _phases[k];
            if (p.U == 0 || p.V == 0) continue;
            if (typeof(T) == typeof(float) && Avx.IsSupported && g.StrideW == 2 && p.B == 0 && Pair(p, _phases[k + 1]) is { } pair)
            {
                Interleave(pair.L, pair.R, (float*)block, (float*)dx);
                k++;
                continue;
            }
            for (int c = 0; c < g.Cg; c++)
                for (long u = 0; u < p.U; u++)
                {
                    T* row = dx + (long)c * g.H * g.W + Row(p, u) * g.W + Column(p);
                    if (p.Depth == 0) { for (long v = 0; v < p.V; v++) row[v * g.StrideW] = bias is null ? T.Zero : bias[c]; continue; }
                    Im2ColTable.Copy(block + p.BlockAt + (long)c * p.Ld + u * _width, 1, row, g.StrideW, (int)p.V);
                }
        }
    }

    private long Row(Phase p, long u) => p.A + (p.U0 + u) * _g.StrideH - _g.PadTop;

    private long Column(Phase p) => p.B + p.V0 * _g.StrideW - _g.PadLeft;

    /// <summary>Phases (a, 0) and (a, 1) as (left, right) when they fill alternate columns: starts one apart, the left one at most one longer.</summary>
    private (Phase L, Phase R)? Pair(Phase p, Phase q)
    {
        if (p.Depth == 0 || q.Depth == 0 || q.V == 0) return null;
        var (l, r) = Column(p) < Column(q) ? (p, q) : (q, p);
        return Column(r) - Column(l) == 1 && l.V - r.V is 0 or 1 ? (l, r) : null;
    }

    /// <summary>dX[c, row, xL + 2v] = L[c, u, v], dX[c, row, xL + 2v + 1] = R[c, u, v], eight pairs per two 8-wide stores.</summary>
    private void Interleave(Phase l, Phase r, float* block, float* dx)
    {
        var g = _g;
        long n = r.V;
        for (int c = 0; c < g.Cg; c++)
            for (long u = 0; u < l.U; u++)
            {
                float* lp = block + l.BlockAt + (long)c * l.Ld + u * _width, rp = block + r.BlockAt + (long)c * r.Ld + u * _width;
                float* dst = dx + (long)c * g.H * g.W + Row(l, u) * g.W + Column(l);
                long v = 0;
                for (; v + 8 <= n; v += 8)
                {
                    Vector256<float> a = Avx.LoadVector256(lp + v), b = Avx.LoadVector256(rp + v);
                    Vector256<float> lo = Avx.UnpackLow(a, b), hi = Avx.UnpackHigh(a, b);   // [l0 r0 l1 r1 | l4 r4 l5 r5], [l2 r2 l3 r3 | l6 r6 l7 r7]
                    Avx.Store(dst + 2 * v, Avx.Permute2x128(lo, hi, 0x20));
                    Avx.Store(dst + 2 * v + 8, Avx.Permute2x128(lo, hi, 0x31));
                }
                v += Stride2.Interleave(ref lp[v], ref rp[v], ref dst[2 * v], (int)(2 * (n - v)));   // four pairs at a time
                for (; v < n; v++)
                {
                    dst[2 * v] = lp[v];
                    dst[2 * v + 1] = rp[v];
                }
                if (l.V > n) dst[2 * n] = lp[n];
            }
    }
}
