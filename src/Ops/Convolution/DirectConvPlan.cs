using System.Numerics;

namespace Autograd;

/// <summary>
/// The taps and plane layouts of one conv2d geometry for the direct kernels (Note [Direct
/// convolution]): the forward over phase-split padded input, and the input gradient per output phase.
/// Built once per call, shared read-only by the worker chunks. Its int arithmetic relies on Note [Bounded
/// convolution]: geometries whose planes or phase loops would not fit (<see cref="Footprint"/>) never get here.
/// </summary>
internal sealed class DirectConvPlan
{
    public readonly ConvGeometry Geo;
    public readonly PlaneStack ForwardStack, GradStack;
    public readonly ConvTap[] ForwardTaps;
    public readonly long[] ForwardOffsets;
    public readonly Phase[] Phases;
    public readonly int GradMarginY, GradMarginX;

    /// <summary>One phase (ry, rx) of dX: its size and the (o, i, j) taps that reach it.</summary>
    public sealed record Phase(int Ry, int Rx, int Rows, int Cols, ConvTap[] Taps, (int O, int I, int J)[] Kernel)
    {
        public long[] Offsets { get; set; } = [];
    }

    public DirectConvPlan(in ConvGeometry g)
    {
        Geo = g;
        var (reachY, reachX) = Reach(g);
        int maxRow = (int)reachY, maxCol = (int)reachX;
        ForwardStack = new PlaneStack(g.Cg * g.StrideH * g.StrideW, g.OH + maxRow, g.OW + maxCol);
        ForwardTaps = new ConvTap[g.K];
        for (int c = 0, t = 0; c < g.Cg; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++, t++)
                    ForwardTaps[t] = new ConvTap((c * g.StrideH + i * g.DilationH % g.StrideH) * g.StrideW + j * g.DilationW % g.StrideW, i * g.DilationH / g.StrideH, j * g.DilationW / g.StrideW);
        ForwardOffsets = DirectConv.Offsets(ForwardTaps, ForwardStack);

        // dX phase (ry, rx): dX[c, ty·sH + ry, tx·sW + rx] = Σ w[o, c, i, j]·dY[o, ty + (ry + padTop − i·dH)/sH, ...]
        // over the taps where both divisions are exact; dY sits in zero-padded planes at (margin, margin).
        GradMarginY = maxRow + 1;
        GradMarginX = maxCol + 1;
        var phases = new List<Phase>();
        int rows = 0, cols = 0;
        for (int ry = 0; ry < g.StrideH; ry++)
            for (int rx = 0; rx < g.StrideW; rx++)
            {
                int ph = (g.H - ry + g.StrideH - 1) / g.StrideH, pw = (g.W - rx + g.StrideW - 1) / g.StrideW;
                if (ph <= 0 || pw <= 0) continue;
                var taps = new List<ConvTap>();
                var kernel = new List<(int, int, int)>();
                for (int o = 0; o < g.Og; o++)
                    for (int i = 0; i < g.KH; i++)
                    {
                        int dyRow = ry + (int)g.PadTop - i * g.DilationH;
                        if (Mod(dyRow, g.StrideH) != 0) continue;
                        for (int j = 0; j < g.KW; j++)
                        {
                            int dyCol = rx + (int)g.PadLeft - j * g.DilationW;
                            if (Mod(dyCol, g.StrideW) != 0) continue;
                            taps.Add(new ConvTap(o, GradMarginY + FloorDiv(dyRow, g.StrideH), GradMarginX + FloorDiv(dyCol, g.StrideW)));
                            kernel.Add((o, i, j));
                        }
                    }
                foreach (var t in taps)
                {
                    rows = Math.Max(rows, ph + t.Row);
                    cols = Math.Max(cols, pw + t.Col);
                }
                phases.Add(new Phase(ry, rx, ph, pw, [.. taps], [.. kernel]));
            }
        Phases = [.. phases];
        GradStack = new PlaneStack(g.Og, Math.Max(rows, GradMarginY + g.OH), Math.Max(cols, GradMarginX + g.OW));
        foreach (var ph in Phases) ph.Offsets = DirectConv.Offsets(ph.Taps, GradStack);
    }

    /// <summary>
    /// The most taps any phase of dX meets (0 when none does), without building the phases: phase
    /// (ry, rx) meets Og·(rows i with sH | ry + padTop − i·dH)·(columns j likewise), and the phases that
    /// exist are ry &lt; min(sH, H), rx &lt; min(sW, W). The conv plan (Note [Conv plan]) asks it before
    /// choosing the direct input gradient; call it only for geometries off the bounded path.
    /// </summary>
    internal static int MaxPhaseTaps(in ConvGeometry g)
    {
        static int MaxHits(int phases, int stride, int pad, int dilation, int kernel)
        {
            int best = 0;
            for (int r = 0; r < phases; r++)
            {
                int hits = 0;
                for (int i = 0; i < kernel; i++) if (Mod(r + pad - i * dilation, stride) == 0) hits++;
                best = Math.Max(best, hits);
            }
            return best;
        }
        return g.Og * MaxHits(Math.Min(g.StrideH, g.H), g.StrideH, (int)g.PadTop, g.DilationH, g.KH)
                    * MaxHits(Math.Min(g.StrideW, g.W), g.StrideW, (int)g.PadLeft, g.DilationW, g.KW);
    }

    /// <summary>How many rows and columns beyond an output position the forward taps reach in the phase planes: d·(k−1)/s.</summary>
    private static (long Y, long X) Reach(in ConvGeometry g) => ((g.KH - 1L) * g.DilationH / g.StrideH, (g.KW - 1L) * g.DilationW / g.StrideW);

    /// <summary>
    /// What this plan costs for <paramref name="g"/>, before it is built (Note [Bounded convolution]):
    /// the larger of its scratch (<see cref="ScratchLength"/>: the forward phase planes or the dY planes,
    /// the phases of dX, the weights) and the constructor's loop over the sH·sW phases and the taps of
    /// each. Saturating long arithmetic; the dY planes are bounded above as the constructor sizes them
    /// from the taps: a phase is at most ⌈H/sH⌉ rows, its taps start at most (sH − 1 + padTop)/sH rows
    /// past the margin.
    /// </summary>
    internal static long Footprint(in ConvGeometry g)
    {
        var (reachY, reachX) = Reach(g);
        long phases = (long)g.StrideH * g.StrideW;
        long forward = ConvGeometry.Mul(ConvGeometry.Mul(Math.Max(1, g.Cg), phases), ConvGeometry.Mul(g.OH + reachY, g.OW + reachX));
        long gradRows = reachY + 1 + Math.Max(g.OH, (g.H + g.StrideH - 1L) / g.StrideH + ConvGeometry.Add(g.PadTop, g.StrideH - 1L) / g.StrideH);
        long gradCols = reachX + 1 + Math.Max(g.OW, (g.W + g.StrideW - 1L) / g.StrideW + ConvGeometry.Add(g.PadLeft, g.StrideW - 1L) / g.StrideW);
        long grad = ConvGeometry.Mul(Math.Max(1, g.Og), ConvGeometry.Mul(gradRows, gradCols));
        long scratch = ConvGeometry.Add(ConvGeometry.Add(Math.Max(forward, grad), Math.Max(g.OW + reachX, gradCols) + 64),
            (long)g.Cg * g.H * g.W + (long)g.Cg * g.Og * g.KH * g.KW);
        return Math.Max(scratch, ConvGeometry.Mul(phases, (long)g.Og * g.KH * g.KW + 1));
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;
    private static int FloorDiv(int a, int b) => (a - Mod(a, b)) / b;

    /// <summary>Scratch elements one worker needs: planes, every phase of dX, and one phase's weights.</summary>
    public int ScratchLength => Math.Max(ForwardStack.Length, GradStack.Length) + PhasesLength + Geo.Cg * Geo.Og * Geo.KH * Geo.KW;

    private int PhasesLength => Phases.Sum(p => Geo.Cg * p.Rows * p.Cols);

    /// <summary>Y_g (+)= W_g ⋆ x_g for one image-group.</summary>
    public unsafe void RunForward<T>(T* x, T* w, T* y, bool accumulate, T* scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = Geo;
        DirectConv.Fill(x, g.H, g.W, g.StrideH, g.StrideW, (int)g.PadTop, (int)g.PadLeft, ForwardStack, scratch);
        DirectConv.Correlate(g.Og, g.OH, g.OW, y, g.OW, g.P, scratch, ForwardStack, ForwardOffsets, w, accumulate);
    }

    /// <summary>dX_g = the input gradient of one image-group (dx is overwritten).</summary>
    public unsafe void RunInputGradient<T>(T* dy, T* w, T* dx, T* scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = Geo;
        T* planes = scratch, phaseOut = planes + GradStack.Length, phaseW = phaseOut + PhasesLength;
        DirectConv.Fill(dy, g.OH, g.OW, 1, 1, GradMarginY, GradMarginX, GradStack, planes);
        bool single = g.StrideH == 1 && g.StrideW == 1;
        T*[] outputs = new T*[g.StrideH * g.StrideW];
        T* next = phaseOut;
        foreach (var ph in Phases)
        {
            int nt = ph.Taps.Length;
            T* o = single ? dx : next;
            outputs[ph.Ry * g.StrideW + ph.Rx] = o;
            next += (long)g.Cg * ph.Rows * ph.Cols;
            if (nt == 0) { new Span<T>(o, g.Cg * ph.Rows * ph.Cols).Clear(); continue; }
            // The phase's weights, transposed to [c][tap].
            for (int c = 0; c < g.Cg; c++)
                for (int t = 0; t < nt; t++)
                {
                    var (oc, i, j) = ph.Kernel[t];
                    phaseW[c * nt + t] = w[((oc * g.Cg + c) * g.KH + i) * g.KW + j];
                }
            DirectConv.Correlate(g.Cg, ph.Rows, ph.Cols, o, ph.Cols, (long)ph.Rows * ph.Cols, planes, GradStack, ph.Offsets, phaseW, accumulate: false);
        }
        if (!single) Interleave(dx, outputs);
    }

    // dX[c, ty·sH + ry, tx·sW + rx] = phase (ry, rx)[c, ty, tx]; column stride 2 merges row pairs with SSE.
    private unsafe void Interleave<T>(T* dx, T*[] phases) where T : unmanaged
    {
        var g = Geo;
        int wEven = (g.W + 1) / 2;
        for (int c = 0; c < g.Cg; c++)
            for (int iy = 0; iy < g.H; iy++)
            {
                int ry = iy % g.StrideH, ty = iy / g.StrideH;
                int rows = (g.H - ry + g.StrideH - 1) / g.StrideH;
                T* dst = dx + ((long)c * g.H + iy) * g.W;
                if (g.StrideW == 2)
                {
                    T* even = phases[ry * 2] + ((long)c * rows + ty) * wEven;
                    T* odd = phases[ry * 2 + 1] + ((long)c * rows + ty) * (g.W / 2);
                    int m = g.W >= 2 ? Kernels.Stride2.Interleave(ref even[0], ref odd[0], ref dst[0], g.W) : 0;
                    for (int ix = 2 * m; ix < g.W; ix++) dst[ix] = (ix & 1) == 0 ? even[ix / 2] : odd[ix / 2];
                    continue;
                }
                for (int ix = 0; ix < g.W; ix++)
                {
                    int rx = ix % g.StrideW, cols = (g.W - rx + g.StrideW - 1) / g.StrideW;
                    dst[ix] = phases[ry * g.StrideW + rx][((long)c * rows + ty) * cols + ix / g.StrideW];
                }
            }
    }
}
