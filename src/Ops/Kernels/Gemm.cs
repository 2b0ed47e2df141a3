using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

// Note [Blocked GEMM]
// The classic Goto/BLIS scheme. For each block of NC columns and KC depth, op(B) is packed into
// NR-wide panels and op(A) into MR-tall panels (pooled buffers, zero padded at the edges), then
// the C block is cut into MC×NT tiles that the threads share. Inside a tile the loop runs over B
// panels (one stays in L1) and, inner, over A panels (the MC×KC block stays in L2), calling the
// MR×NR register kernel. Depth blocks run in order and each adds into C, so every element of C is
// the same sequence of FMAs whatever the tiling or thread count (Note [Deterministic parallelism]).
// Tiny products skip packing and use TensorPrimitives directly.
//
// Note [Unpacked B]
// Packing B costs a read and a write of every element of op(B); the kernel then reuses each packed
// element once per row of A. When A has few rows (conv2d's W·col: 64 rows against a 576×3136 column
// matrix) that copy costs as much as the arithmetic, so an untransposed B is read in place (its rows
// are contiguous NR-wide strips) and only a ragged last panel is packed.

/// <summary>
/// General matrix multiply on row-major buffers: C[m×n] = op(A)[m×k] · op(B)[k×n] (+ C when
/// accumulating), op = transpose when the flag is set. Shared by matmul, linear and conv2d.
/// </summary>
internal static unsafe class Gemm
{
    private const int KC = 320;          // largest depth block: a 320×NR B panel is 40 KiB (fits L1)
    private const int MC = 120;          // rows per tile, a multiple of both MRs (6, 8): the A block fits L2
    private const int NC = 4096;         // columns per packed B block
    private const int TileCols = 256;    // columns per parallel tile (a multiple of every NR)
    private const long SmallWork = 1 << 15;
    private const int DirectBMaxRows = 2 * MC;   // Note [Unpacked B]
    private const int DotRows = 16;              // Note [Skinny products]
    private const int OuterDepth = 4;

    // Note [Skinny products]
    // A·Bᵀ with few rows of A (a linear layer at batch 1–16: x·Wᵀ) would pad A to a whole MR panel and
    // repack all of W on every call: 0.2–0.33 ms for a 1×3136 by 128×3136 product (2.4 GFLOPS). Both
    // operands run along the depth there, so DotGemm reads them in place: 0.047 ms, and below the
    // packed path up to 16 rows (8 rows: 0.14 vs 0.28 ms; 16: 0.26 vs 0.31). Tiny products of that form
    // take it too (8×10×128: 1 µs against 44 µs of one TensorPrimitives.Dot per element). A product of depth ≤ 4 with
    // B untransposed (the weight gradient gᵀ·x of a linear layer at batch 1, an outer product) is a
    // few row updates per output row: the unpacked loop, 0.05 ms instead of 0.13–0.44 ms through packing.

    internal static void Run<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || (long)m * n * k < SmallWork && (transA || !transB) || k <= OuterDepth && !transB)
        {
            Small(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        fixed (T* pa = a, pb = b, pc = c)
        {
            if (!transA && transB && (m <= DotRows || (long)m * n * k < SmallWork))   // Note [Skinny products]
            {
                DotGemm.Run<T, MatrixRows<T>, MatrixRows<T>>(m, n, k, new MatrixRows<T>(pa, lda, m), new MatrixRows<T>(pb, ldb, n), pc, ldc, accumulate);
                return;
            }
            // op(A)[i, p] = A[i·lda + p], or A[p·lda + i] transposed; op(B)[p, j] likewise.
            var sa = new MatrixSource<T>(pa, transA ? 1 : lda, transA ? lda : 1, m);
            var sb = new MatrixSource<T>(pb, transB ? ldb : 1, transB ? 1 : ldb, n);
            Run<T, MatrixSource<T>, MatrixSource<T>>(m, n, k, sa, sb, pc, ldc, accumulate);
        }
    }

    /// <summary>
    /// C[m×n] (row stride ldc) = A·B (+ C when accumulating) for operands given as sources: A's free
    /// index runs over the m rows, B's over the n columns, both share the depth k. The caller keeps
    /// every pointer valid (pinned) for the call.
    /// </summary>
    internal static void Run<T, TA, TB>(int m, int n, int k, TA a, TB b, T* c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TA : struct, IGemmSource<T> where TB : struct, IGemmSource<T>
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) for (int i = 0; i < m; i++) new Span<T>(c + (long)i * ldc, n).Clear();
            return;
        }
        var job = new Job<T, TA, TB>(m, n, k, a, b, c, ldc, accumulate);
        switch (Simd.Best)
        {
            case Simd.Width.V512: Blocked<T, Vector512<T>, Simd512<T>, TA, TB>(job); break;
            case Simd.Width.V256: Blocked<T, Vector256<T>, Simd256<T>, TA, TB>(job); break;
            default: Blocked<T, Vector128<T>, Simd128<T>, TA, TB>(job); break;
        }
    }

    /// <summary>Rows of the register tile (MR) the blocked path uses for <typeparamref name="T"/> here: the panel height of <see cref="PackedPanels{T}"/>.</summary>
    internal static int PanelRows<T>() where T : unmanaged, IFloatingPointIeee754<T> => Simd.Best switch
    {
        Simd.Width.V512 => GemmKernel.MR<T, Vector512<T>, Simd512<T>>(),
        Simd.Width.V256 => GemmKernel.MR<T, Vector256<T>, Simd256<T>>(),
        _ => GemmKernel.MR<T, Vector128<T>, Simd128<T>>(),
    };

    /// <summary>
    /// The depth of each block of a k-deep product: blocks of equal size (576 = 288 + 288, not 256 + 256 + 64),
    /// since a short last block would pay a whole pass over C for little arithmetic. Every element's sum is
    /// split at these depths, so a kernel that must match this GEMM bit for bit uses the same blocks.
    /// </summary>
    internal static int DepthBlock(int k) => (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC);

    /// <summary>Operands of one product; pointers stay pinned by the caller so parallel tasks can share them.</summary>
    private readonly struct Job<T, TA, TB>(int m, int n, int k, TA a, TB b, T* c, int ldc, bool accumulate)
        where T : unmanaged where TA : struct, IGemmSource<T> where TB : struct, IGemmSource<T>
    {
        public readonly int M = m, N = n, K = k, Ldc = ldc;
        public readonly TA A = a;
        public readonly TB B = b;
        public readonly T* C = c;
        public readonly bool Accumulate = accumulate;
    }

    // How B panels reach the kernel (Note [Unpacked B]):
    //  Shared:  packed once per block by all threads, then read by every row block (m > MC);
    //  OnDemand: one row block only, so each tile packs the panel it is about to use into a small
    //           buffer of its own (it stays in L1/L2 and no packed block round-trips through L3);
    //  InPlace: read from B itself (free index contiguous and few rows); ragged panels packed on demand.
    private enum BMode { Shared, OnDemand, InPlace }

    private static void Blocked<T, TV, S, TA, TB>(Job<T, TA, TB> j)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
        where TA : struct, IGemmSource<T> where TB : struct, IGemmSource<T>
    {
        int mr = GemmKernel.MR<T, TV, S>(), nr = GemmKernel.NR<T, TV, S>();
        int kcMax = DepthBlock(j.K);
        int mPanels = (j.M + mr - 1) / mr, mBlocks = (j.M + MC - 1) / MC;
        var mode = j.M <= DirectBMaxRows && j.B.InPlace(0, 0, out _) is not null ? BMode.InPlace
                 : mBlocks == 1 ? BMode.OnDemand : BMode.Shared;
        int ncMax = Math.Min(NC, (j.N + nr - 1) / nr * nr);
        T[] bufA = ArrayPool<T>.Shared.Rent(mPanels * mr * kcMax);
        T[] bufB = ArrayPool<T>.Shared.Rent(mode == BMode.Shared ? ncMax * kcMax : 1);
        try
        {
            fixed (T* packA = bufA, packB = bufB)
            {
                T* pA = packA, pB = packB;   // the fixed locals themselves cannot be captured
                for (int jc = 0; jc < j.N; jc += NC)
                {
                    int nc = Math.Min(NC, j.N - jc);
                    int nPacked = mode == BMode.Shared ? (nc + nr - 1) / nr : 0;
                    for (int p0 = 0; p0 < j.K; p0 += kcMax)
                    {
                        int kc = Math.Min(kcMax, j.K - p0);
                        bool add = j.Accumulate || p0 > 0;
                        int jc0 = jc;
                        Parallelism.For(mPanels + nPacked, (long)(j.M + nc) * kc, i =>
                        {
                            if (i < mPanels) j.A.Pack(i * mr, mr, p0, kc, pA + (long)i * mr * kc, mr);
                            else j.B.Pack(jc0 + (i - mPanels) * nr, nr, p0, kc, pB + (long)(i - mPanels) * nr * kc, nr);
                        });
                        int tileCols = TileWidth(mBlocks, nc, nr, (long)j.M * nc * kc);
                        int nTiles = (nc + tileCols - 1) / tileCols;
                        Parallelism.For(mBlocks * nTiles, (long)j.M * nc * kc, t =>
                            Macro<T, TV, S, TA, TB>(j, mode, pA, pB, (t / nTiles) * MC, (t % nTiles) * tileCols, tileCols, jc0, nc, p0, kc, add));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(bufA);
            ArrayPool<T>.Shared.Return(bufB);
        }
    }

    /// <summary>One MC×tileCols tile of the current (jc, p0) block.</summary>
    private static void Macro<T, TV, S, TA, TB>(Job<T, TA, TB> j, BMode mode, T* packA, T* packB,
        int i0, int t0, int tileCols, int jc, int nc, int p0, int kc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
        where TA : struct, IGemmSource<T> where TB : struct, IGemmSource<T>
    {
        int mr = GemmKernel.MR<T, TV, S>(), nr = GemmKernel.NR<T, TV, S>();
        int mEnd = Math.Min(i0 + MC, j.M), tEnd = Math.Min(t0 + tileCols, nc);
        T* edge = stackalloc T[8 * 32];   // the largest MR × NR
        // OnDemand: the tile's whole B block, rows padded to an odd number of cache lines (a
        // power-of-two row stride would map a panel's rows onto a few L1 sets).
        int width = (tEnd - t0 + nr - 1) / nr * nr, ld = width + (64 / sizeof(T)) * (((width * sizeof(T) / 64) & 1) ^ 1);
        T[]? local = mode == BMode.Shared ? null : ArrayPool<T>.Shared.Rent(mode == BMode.OnDemand ? kc * ld : kc * nr);
        try
        {
            fixed (T* own = local)
            {
                if (mode == BMode.OnDemand) j.B.Pack(jc + t0, width, p0, kc, own, ld);
                for (int jr = t0; jr < tEnd; jr += nr)
                {
                    int cols = Math.Min(nr, nc - jr);
                    T* pb = null;
                    long ldbp = nr;
                    if (mode == BMode.Shared) pb = packB + (long)(jr / nr) * nr * kc;
                    else if (mode == BMode.OnDemand) { pb = own + (jr - t0); ldbp = ld; }
                    else if (cols == nr) pb = j.B.InPlace(jc + jr, p0, out ldbp);
                    if (pb is null)
                    {
                        j.B.Pack(jc + jr, nr, p0, kc, own, nr);   // a ragged panel of an in-place B
                        pb = own;
                        ldbp = nr;
                    }
                    for (int ir = i0; ir < mEnd; ir += mr)
                    {
                        T* pa = packA + (long)(ir / mr) * mr * kc;
                        T* c = j.C + (long)ir * j.Ldc + jc + jr;
                        int rows = Math.Min(mr, j.M - ir);
                        if (rows == mr && cols == nr)
                        {
                            GemmKernel.Tile<T, TV, S>(kc, pa, pb, (int)ldbp, c, j.Ldc, add);
                            continue;
                        }
                        if (cols <= nr / 2) GemmKernel.Tile<T, TV, S, GemmKernel.Half>(kc, pa, pb, (int)ldbp, edge, nr, add: false);   // Note [Half-width edge tiles]
                        else GemmKernel.Tile<T, TV, S>(kc, pa, pb, (int)ldbp, edge, nr, add: false);
                        for (int r = 0; r < rows; r++)
                            for (int q = 0; q < cols; q++)
                            {
                                ref T dst = ref c[(long)r * j.Ldc + q];
                                dst = add ? dst + edge[r * nr + q] : edge[r * nr + q];
                            }
                    }
                }
            }
        }
        finally { if (local is not null) ArrayPool<T>.Shared.Return(local); }
    }

    /// <summary>
    /// Columns per parallel tile: TileCols, narrowed (to a multiple of NR) until there are about four
    /// tiles per thread, so a wide-but-short C still spreads over every thread. Tiling never changes
    /// the arithmetic of an element, so this may depend on the thread count.
    /// </summary>
    private static int TileWidth(int mBlocks, int nc, int nr, long work)
    {
        if (!Parallelism.Worth(2, work)) return TileCols;
        int wanted = 4 * Threading.NumThreads;
        int tilesAcross = Math.Max(1, (wanted + mBlocks - 1) / mBlocks);
        int width = (nc + tilesAcross - 1) / tilesAcross;
        return Math.Clamp((width + nr - 1) / nr * nr, nr, TileCols);
    }

    /// <summary>Unpacked product for tiny sizes, single-threaded (packing would cost more than it saves).</summary>
    private static void Small<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!accumulate)
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        if (k == 0) return;
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (!transA && transB)
            {
                // Both operands run along k contiguously: one dot product per element.
                var ai = a.Slice(i * lda, k);
                for (int q = 0; q < n; q++) ci[q] += TensorPrimitives.Dot(ai, b.Slice(q * ldb, k));
            }
            else if (!transB)
            {
                // Rows of B are contiguous: C row += a_ip · B row p.
                for (int p = 0; p < k; p++)
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), transA ? a[p * lda + i] : a[i * lda + p], ci, ci);
            }
            else
            {
                for (int q = 0; q < n; q++)
                {
                    T s = T.Zero;
                    for (int p = 0; p < k; p++) s += a[p * lda + i] * b[q * ldb + p];
                    ci[q] += s;
                }
            }
        }
    }

    private static void CheckSizes(bool transA, bool transB, int m, int n, int k, int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"gemm: negative size m={m}, n={n}, k={k}");
        if (lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n)
            throw new ArgumentException($"gemm: leading dimension too small (lda={lda}, ldb={ldb}, ldc={ldc} for m={m}, n={n}, k={k})");
        long needA = m == 0 || k == 0 ? 0 : transA ? (long)(k - 1) * lda + m : (long)(m - 1) * lda + k;
        long needB = n == 0 || k == 0 ? 0 : transB ? (long)(n - 1) * ldb + k : (long)(k - 1) * ldb + n;
        long needC = m == 0 || n == 0 ? 0 : (long)(m - 1) * ldc + n;
        if (aLen < needA || bLen < needB || cLen < needC)
            throw new ArgumentException($"gemm: buffer too small (A {aLen} < {needA}, B {bLen} < {needB} or C {cLen} < {needC})");
    }
}
