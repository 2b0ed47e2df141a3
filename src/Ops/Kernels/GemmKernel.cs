using System.Numerics;
using System.Runtime.CompilerServices;

namespace Autograd.Kernels;

/// <summary>
/// The register-tiled inner kernel of <see cref="Gemm"/> and the packing that feeds it.
/// </summary>
internal static unsafe class GemmKernel
{
    /// <summary>
    /// Rows of the register tile: 8 with AVX-512's 32 vector registers (16 accumulators + 2 B vectors
    /// + 1 broadcast; channel counts are usually multiples of 8, so conv2d's W·col has no ragged
    /// panel), 6 with the 16 registers of AVX2 and narrower (12 + 2 + 1: no spills). Either way there
    /// are ≥ 12 independent FMA chains, enough to cover FMA latency × throughput.
    /// </summary>
    internal static int MR<T, TV, S>() where T : unmanaged where TV : struct where S : ISimd<TV, T> => S.Lanes * Unsafe.SizeOf<T>() == 64 ? 8 : 6;

    /// <summary>Columns of the register tile: two vectors.</summary>
    internal static int NR<T, TV, S>() where T : unmanaged where TV : struct where S : ISimd<TV, T> => 2 * S.Lanes;

    // C[MR×NR] (row stride ldc) = (add ? C : 0) + Σ_p a[p, 0..MR) ⊗ b[p, 0..NR): a is a packed panel
    // (MR values per p), b holds NR values per p, ldbp apart (NR when packed, B's own row stride when
    // read in place). Each element's sum runs over p in order, one FMA per p, so its value depends only
    // on the operands, never on the thread, the tile or whether B was packed. Rows 6 and 7 exist only
    // in the 8-row instantiation: MR is a JIT-time constant, so the 6-row one drops them entirely.
    //
    // Note [Half-width edge tiles]
    // A ragged last column panel of at most NR/2 columns (conv2d's 14×14 images: 196 = 6·32 + 4) runs the
    // one-vector instantiation (TW = Half): half the FMAs of a full tile for the same result, instead of
    // a full tile over zero padding (1/8 of all the kernel's work at 196 columns). Each element's sum is
    // still one FMA per p in order, so the values are those of the full tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile<T, TV, S>(int kc, T* a, T* b, int ldbp, T* c, int ldc, bool add)
        where T : unmanaged, INumberBase<T> where TV : struct where S : ISimd<TV, T>
        => Tile<T, TV, S, Full>(kc, a, b, ldbp, c, ldc, add);

    /// <summary>Which columns a tile computes: both vectors (Full) or the first only (Half); a JIT-time constant.</summary>
    internal interface ITileWidth { static abstract bool Two { get; } }
    internal struct Full : ITileWidth { public static bool Two => true; }
    internal struct Half : ITileWidth { public static bool Two => false; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile<T, TV, S, TW>(int kc, T* a, T* b, int ldbp, T* c, int ldc, bool add)
        where T : unmanaged, INumberBase<T> where TV : struct where S : ISimd<TV, T> where TW : struct, ITileWidth
        => Tile<T, TV, S, TW, Strided>(kc, a, b, ldbp, null, c, ldc, add);

    /// <summary>Where the kernel finds B's row for each depth step; a JIT-time constant.</summary>
    internal interface IRowMode { static abstract bool Offsets { get; } }

    /// <summary>B's rows ldbp elements apart (packed panels, or B read in place).</summary>
    internal struct Strided : IRowMode { public static bool Offsets => false; }

    /// <summary>B's row for depth p at b + offsets[p] (Note [Wide-row convolution]: rows cut from padded planes).</summary>
    internal struct ByOffset : IRowMode { public static bool Offsets => true; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile<T, TV, S, TW, TR>(int kc, T* a, T* b, long ldbp, long* offsets, T* c, int ldc, bool add)
        where T : unmanaged, INumberBase<T> where TV : struct where S : ISimd<TV, T> where TW : struct, ITileWidth where TR : struct, IRowMode
    {
        int l = S.Lanes, mr = MR<T, TV, S>();
        PrefetchRows(c, ldc, mr, TW.Two ? 2 * l : l);   // Note [Prefetched C tiles]
        TV c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
        TV c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
        TV c60 = S.Zero, c61 = S.Zero, c70 = S.Zero, c71 = S.Zero;
        for (int p = 0; p < kc; p++)
        {
            T* bp = TR.Offsets ? b + offsets[p] : b;
            if (TW.Two)
            {
                TV b0 = S.Load(ref bp[0]), b1 = S.Load(ref bp[l]);
                TV av = S.Splat(a[0]); c00 = S.MulAdd(av, b0, c00); c01 = S.MulAdd(av, b1, c01);
                av = S.Splat(a[1]); c10 = S.MulAdd(av, b0, c10); c11 = S.MulAdd(av, b1, c11);
                av = S.Splat(a[2]); c20 = S.MulAdd(av, b0, c20); c21 = S.MulAdd(av, b1, c21);
                av = S.Splat(a[3]); c30 = S.MulAdd(av, b0, c30); c31 = S.MulAdd(av, b1, c31);
                av = S.Splat(a[4]); c40 = S.MulAdd(av, b0, c40); c41 = S.MulAdd(av, b1, c41);
                av = S.Splat(a[5]); c50 = S.MulAdd(av, b0, c50); c51 = S.MulAdd(av, b1, c51);
                if (mr == 8)
                {
                    av = S.Splat(a[6]); c60 = S.MulAdd(av, b0, c60); c61 = S.MulAdd(av, b1, c61);
                    av = S.Splat(a[7]); c70 = S.MulAdd(av, b0, c70); c71 = S.MulAdd(av, b1, c71);
                }
            }
            else
            {
                TV b0 = S.Load(ref bp[0]);
                c00 = S.MulAdd(S.Splat(a[0]), b0, c00);
                c10 = S.MulAdd(S.Splat(a[1]), b0, c10);
                c20 = S.MulAdd(S.Splat(a[2]), b0, c20);
                c30 = S.MulAdd(S.Splat(a[3]), b0, c30);
                c40 = S.MulAdd(S.Splat(a[4]), b0, c40);
                c50 = S.MulAdd(S.Splat(a[5]), b0, c50);
                if (mr == 8)
                {
                    c60 = S.MulAdd(S.Splat(a[6]), b0, c60);
                    c70 = S.MulAdd(S.Splat(a[7]), b0, c70);
                }
            }
            a += mr;
            if (!TR.Offsets) b += ldbp;
        }
        StoreRow<T, TV, S, TW>(c, l, c00, c01, add);
        StoreRow<T, TV, S, TW>(c + ldc, l, c10, c11, add);
        StoreRow<T, TV, S, TW>(c + 2 * ldc, l, c20, c21, add);
        StoreRow<T, TV, S, TW>(c + 3 * ldc, l, c30, c31, add);
        StoreRow<T, TV, S, TW>(c + 4 * ldc, l, c40, c41, add);
        StoreRow<T, TV, S, TW>(c + 5 * ldc, l, c50, c51, add);
        if (mr == 8)
        {
            StoreRow<T, TV, S, TW>(c + 6 * ldc, l, c60, c61, add);
            StoreRow<T, TV, S, TW>(c + 7 * ldc, l, c70, c71, add);
        }
    }

    // Note [Prefetched C tiles]
    // A tile's C rows lie ldc apart (4 KiB for a 1024-wide product): no hardware prefetcher follows them, and a
    // C of several MiB is out of L2 between depth blocks, so each tile's closing loads and stores waited on L3
    // or memory, once per tile (22K tiles in a 1024³ product, ~0.1 µs each). Touching the rows first lets the
    // misses overlap the kc·MR FMAs (~1500 cycles). matmul_1024 at one thread: median 27.4 → 26.0 ms in a slow
    // period of this VM, best 16.3 → 15.6 (alternating in one process); no change to any result.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows<T>(T* c, int ldc, int rows, int cols) where T : unmanaged
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        for (int r = 0; r < rows; r++)
        {
            T* row = c + (long)r * ldc;
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(row);
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(row + cols - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T, TV, S, TW>(T* c, int l, TV v0, TV v1, bool add)
        where T : unmanaged where TV : struct where S : ISimd<TV, T> where TW : struct, ITileWidth
    {
        if (add)
        {
            v0 = S.Add(S.Load(ref c[0]), v0);
            if (TW.Two) v1 = S.Add(S.Load(ref c[l]), v1);
        }
        S.Store(v0, ref c[0]);
        if (TW.Two) S.Store(v1, ref c[l]);
    }
}
