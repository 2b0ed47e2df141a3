using System.Numerics;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

// Note [Offset GEMM]
// Some B operands need no packing at all: each NR-wide panel's row for depth p is already a contiguous
// run in memory, at b + PanelOffset[panel] + RowOffset[p]. conv2d's forward over wide rows (Note [Wide-row
// convolution]: the row is a shifted padded plane) and its weight gradient over HWC copies (Note [Weight
// gradient as GEMM]: the row is one pixel's channels) are of that form. OffsetGemm runs the blocked GEMM's
// register tile straight over such rows (GemmKernel's ByOffset mode) with A already in MR-row panels (Note
// [Prepacked weights]), over the same depth blocks as Gemm (Gemm.DepthBlock) and adding each block's sum to
// C as Gemm does, so every element gets the same operations as through Gemm with B packed: the callers'
// tests compare the two bit for bit. A ragged last row panel goes through a small buffer as in Gemm.Macro.

/// <summary>C[rows, panels·NR] (+)= A · B with B's rows read in place by offsets (Note [Offset GEMM]).</summary>
internal static unsafe class OffsetGemm
{
    /// <summary>Columns per panel (the GEMM's NR) for <typeparamref name="T"/> here.</summary>
    internal static int PanelWidth<T>() where T : unmanaged, IFloatingPointIeee754<T> => Simd.Best switch
    {
        Simd.Width.V512 => GemmKernel.NR<T, Vector512<T>, Simd512<T>>(),
        Simd.Width.V256 => GemmKernel.NR<T, Vector256<T>, Simd256<T>>(),
        _ => GemmKernel.NR<T, Vector128<T>, Simd128<T>>(),
    };

    /// <summary>
    /// The column panels of C (row stride ldc): C[r, panel·NR + q] (+)= Σ_p A[r, p]·b[panelOffset[panel] +
    /// rowOffset[p] + q] for r &lt; rows, p &lt; k (panelOffset null: panel·NR); A in MR-row panels over the whole depth (panel i, depth p at
    /// a[i·MR·k + p·MR + r], rows past <paramref name="rows"/> zero). Starts from C when <paramref name="add"/>.
    /// </summary>
    /// <remarks>
    /// All <paramref name="panels"/> column panels. Outside a parallel loop (a conv batch of one, say) and when the
    /// work is worth it, the panels are spread over the threads; each element is still computed on one thread in
    /// the same order, so the result does not depend on the thread count.
    /// </remarks>
    internal static void Run<T>(int rows, int k, T* a, T* b, long* rowOffset, long* panelOffset, int panels, T* c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long work = (long)rows * k * panels * PanelWidth<T>();
        if (!Parallelism.Worth(panels * Math.Max(1, rows / MinRows<T>()), work))
        {
            Run(rows, k, a, b, rowOffset, panelOffset, 0, panels, 0, k, c, ldc, add);
            return;
        }
        int mr = MinRows<T>(), rowPanels = (rows + mr - 1) / mr, threads = Threading.NumThreads;
        int kc = Gemm.DepthBlock(k), stripe = kc * Math.Max(1, StripeDepth / kc);
        int rowGroups, panelGroups;
        if (k > stripe)
        {
            // Note [Depth stripes]: a long depth (a weight gradient's 50176 pixels at 224², 288 columns = 9 panels) revisits
            // each C tile once per depth block. Split by rows first: items that own whole rows of C never write the same
            // cache line, while items of neighbouring column panels shared one line per row (C's rows are not 64-byte
            // aligned) and bounced it between the cores once per depth block (2 threads gained 1.2×, not 2×).
            rowGroups = Math.Min(rowPanels, 4 * threads);
            panelGroups = rowGroups >= 2 * threads ? 1 : Math.Clamp((4 * threads + rowGroups - 1) / rowGroups, 1, panels);
        }
        else
        {
            // Short depth, many panels (the forward's wide rows): one panel per item, all rows, so each B panel is read
            // into L1 once and used by every row panel. Few panels: cut the rows into groups too, about four items a thread.
            panelGroups = panels;
            rowGroups = Math.Clamp((4 * threads + panels - 1) / panels, 1, rowPanels);
        }
        int perGroup = (rowPanels + rowGroups - 1) / rowGroups * mr, perPanels = (panels + panelGroups - 1) / panelGroups;
        rowGroups = (rows + perGroup - 1) / perGroup;
        panelGroups = (panels + perPanels - 1) / perPanels;
        // The depth runs in stripes of whole depth blocks, one parallel loop per stripe, so a thread's items of one
        // stripe share A's and B's stripe in its cache.
        for (int s0 = 0; s0 < k; s0 += stripe)
        {
            int p0 = s0, p1 = Math.Min(k, s0 + stripe);
            Parallelism.For(panelGroups * rowGroups, work / k * (p1 - p0), i =>
            {
                int r0 = i % rowGroups * perGroup, r1 = Math.Min(rows, r0 + perGroup);
                int from = i / rowGroups * perPanels, to = Math.Min(panels, from + perPanels);
                Run(r1 - r0, k, a + (long)r0 * k, b, rowOffset, panelOffset, from, to, p0, p1, c + (long)r0 * ldc, ldc, add);
            });
        }
    }

    /// <summary>Depth per parallel loop of a long product (whole depth blocks; Note [Depth stripes]).</summary>
    private const int StripeDepth = 2048;

    /// <summary>The register tile's rows (MR) for <typeparamref name="T"/> here: A's panels are whole multiples of it.</summary>
    private static int MinRows<T>() where T : unmanaged, IFloatingPointIeee754<T> => Gemm.PanelRows<T>();

    /// <summary>Column panels [from, to) over the depth blocks that start in [pFrom, pTo) (block boundaries: Gemm.DepthBlock(k)).</summary>
    private static void Run<T>(int rows, int k, T* a, T* b, long* rowOffset, long* panelOffset, int from, int to, int pFrom, int pTo, T* c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Simd.Best)
        {
            case Simd.Width.V512: Run<T, Vector512<T>, Simd512<T>>(rows, k, a, b, rowOffset, panelOffset, from, to, pFrom, pTo, c, ldc, add); break;
            case Simd.Width.V256: Run<T, Vector256<T>, Simd256<T>>(rows, k, a, b, rowOffset, panelOffset, from, to, pFrom, pTo, c, ldc, add); break;
            default: Run<T, Vector128<T>, Simd128<T>>(rows, k, a, b, rowOffset, panelOffset, from, to, pFrom, pTo, c, ldc, add); break;
        }
    }

    private static void Run<T, TV, S>(int rows, int k, T* a, T* b, long* rowOffset, long* panelOffset, int from, int to, int pFrom, int pTo, T* c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
    {
        int mr = GemmKernel.MR<T, TV, S>(), nr = GemmKernel.NR<T, TV, S>();
        if (k == 0)
        {
            // no depth (zero input channels): C is what it was, or zero
            if (!add)
                for (int r = 0; r < rows; r++) new Span<T>(c + (long)r * ldc + (long)from * nr, (to - from) * nr).Clear();
            return;
        }
        int kcMax = Gemm.DepthBlock(k);
        T* edge = stackalloc T[8 * 32];   // the largest MR × NR
        for (int p0 = pFrom; p0 < pTo; p0 += kcMax)
        {
            int kc = Math.Min(kcMax, k - p0);
            bool blockAdd = add || p0 > 0;
            for (int panel = from; panel < to; panel++)
            {
                T* pb = b + (panelOffset is null ? (long)panel * nr : panelOffset[panel]), cp = c + (long)panel * nr;
                for (int ir = 0; ir < rows; ir += mr)
                {
                    T* pa = a + (long)ir * k + (long)p0 * mr;
                    if (ir + mr <= rows)
                    {
                        GemmKernel.Tile<T, TV, S, GemmKernel.Full, GemmKernel.ByOffset>(kc, pa, pb, 0, rowOffset + p0, cp + (long)ir * ldc, ldc, blockAdd);
                        continue;
                    }
                    GemmKernel.Tile<T, TV, S, GemmKernel.Full, GemmKernel.ByOffset>(kc, pa, pb, 0, rowOffset + p0, edge, nr, add: false);
                    for (int r = 0; r < rows - ir; r++)
                        for (int q = 0; q < nr; q++)
                        {
                            ref T dst = ref cp[(long)(ir + r) * ldc + q];
                            dst = blockAdd ? dst + edge[r * nr + q] : edge[r * nr + q];
                        }
                }
            }
        }
    }
}
