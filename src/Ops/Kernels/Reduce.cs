using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

// Note [Blocked reductions]
// A full reduction is cut into fixed blocks of BlockSize elements (the number depends on the length
// only); each block is summed by TensorPrimitives, possibly on another thread, and the block sums are
// then added in block order. So the result is the same for every thread count, and (a bonus of the
// blocking) rounding error grows with the number of blocks, not of elements.

/// <summary>Parallel, deterministic whole-array reductions and fills for large tensors.</summary>
internal static class Reduce
{
    internal const int BlockSize = 1 << 16;

    /// <summary>Σ x[i].</summary>
    internal static T Sum<T>(T[] x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = (x.Length + BlockSize - 1) / BlockSize;
        if (blocks <= 1) return BlockSum<T>(x);
        var partial = new T[blocks];
        Parallelism.For(blocks, x.Length, b => partial[b] = BlockSum<T>(Block(x, b)));
        T s = T.Zero;
        foreach (var p in partial) s += p;
        return s;
    }

    // Note [Aligned loads for sums]
    // A managed array's elements start 16 or 24 bytes into a cache line, so every 64-byte vector load of a plain
    // SIMD sum (TensorPrimitives.Sum's) straddles two lines. On the Zen 5 VM that halved a memory-bound sum: 6.4M
    // float32 at 2 threads, 63 GB/s from the array as it lies against 111-119 GB/s from the same array read from
    // its first 64-byte boundary (and 32 against 55 at one thread), hot in cache. (The paired bench's mean of 8×64×112²,
    // 1.5-1.85× libtorch's time, did not move with this; what did was keeping each core on its own half of the tensor
    // from call to call, Note [Shares by member].)
    // Starting at the boundary would make the lanes (and so the rounding) depend on the array's address. Instead the
    // kernel loads whole aligned lines and rebuilds each 16-element (8 for float64) vector at the element's own
    // offset with one two-source permute (vpermt2ps/pd): the vectors, and so the sum, are exactly those of unaligned
    // loads, whatever the address (the main loop gets the same sums without the permute:
    // Note [Rotated accumulators]). Four accumulators (vector v goes to v mod 4), added (0+1)+(2+3), then the lanes
    // in order, then the < one-vector tail element by element: a fixed order that depends on the length only.
    // Every aligned line loaded holds an element of the span, so no read leaves the span's first or last line.

    /// <summary>Σ x in the fixed order of Note [Aligned loads for sums] (TensorPrimitives.Sum without AVX-512).</summary>
    internal static unsafe T BlockSum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
            return TensorPrimitives.Sum<T>(x);
        fixed (T* p = x)
            return AlignedSum(p, x.Length);
    }

    private static unsafe T AlignedSum<T>(T* p, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int L = Vector512<T>.Count;
        int m = (int)(((nuint)p & 63) / (nuint)sizeof(T));   // elements between p's line boundary and p
        T* a = p - m;
        var idx = Index<T>(m);
        int ahead = PrefetchBytes / sizeof(T);
        Vector512<T> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        int i = 0;
        if (n < L) goto Tail;
        var cur = Vector512.LoadAligned(a);   // the line holding p[0]
        if (m == 0)
            for (; i + 4 * L <= n; i += 4 * L)
            {
                if (i + ahead + 4 * L <= n) Prefetch(p + i + ahead);   // the four lines lie inside the span
                acc0 += Vector512.LoadAligned(p + i);
                acc1 += Vector512.LoadAligned(p + i + L);
                acc2 += Vector512.LoadAligned(p + i + 2 * L);
                acc3 += Vector512.LoadAligned(p + i + 3 * L);
            }
        else
        {
            // Note [Rotated accumulators]: the same sums as Two(line t, line t + 1) per vector, without the permute.
            var hi = Upper<T>(m);
            var lo = ~hi;
            Vector512<T> r0 = default, r1 = default, r2 = default, r3 = default;
            for (; i + 4 * L <= n; i += 4 * L)   // the line at a + i + 4L holds p[i + 4L − m], inside the span
            {
                if (i + ahead + 4 * L <= n) Prefetch(a + i + ahead);
                r0 += cur & hi;
                var n1 = Vector512.LoadAligned(a + i + L);
                r0 += n1 & lo;
                r1 += n1 & hi;
                var n2 = Vector512.LoadAligned(a + i + 2 * L);
                r1 += n2 & lo;
                r2 += n2 & hi;
                var n3 = Vector512.LoadAligned(a + i + 3 * L);
                r2 += n3 & lo;
                r3 += n3 & hi;
                cur = Vector512.LoadAligned(a + i + 4 * L);
                r3 += cur & lo;
            }
            acc0 = Two(r0, idx, r0);   // lane l of accumulator k is lane (l + m) mod L of its rotated form
            acc1 = Two(r1, idx, r1);
            acc2 = Two(r2, idx, r2);
            acc3 = Two(r3, idx, r3);
        }
        for (int v = 0; i + L <= n; i += L, v++)   // up to three whole vectors more, continuing v mod 4
        {
            Vector512<T> vec;
            if (m == 0) vec = Vector512.LoadAligned(p + i);
            else
            {
                var next = Vector512.LoadAligned(a + i + L);
                vec = Two(cur, idx, next);
                cur = next;
            }
            if (v == 0) acc0 += vec; else if (v == 1) acc1 += vec; else acc2 += vec;
        }
    Tail:
        T s = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < n; i++) s += p[i];
        return s;
    }

    // Note [Prefetched sums]
    // The sum also asks for the four lines 4 KB ahead of the ones it loads (prefetcht0), which keeps more line reads
    // in flight than the hardware prefetcher does from the last-level cache. Probe (2026-12-04, Zen 5 VM, 2 threads,
    // F.Mean of a hot 25.7 MB float32 tensor, 3 000 calls per variant interleaved in blocks of 150, three processes):
    // medians 194-204 µs without, 176-181 µs at 4 KB ahead (1 KB: 192-201, 2 KB: 185-188, 8 KB: 176-183), 90th
    // percentiles 263-279 → 225-227; two OpenMP threads of a C loop over the same data, 150-168 µs. A prefetch is only
    // a hint and never faults; it is only issued for four lines that lie wholly inside the span. The loaded vectors,
    // and so the sum, are unchanged.
    private const int PrefetchBytes = 4096;

    /// <summary>Hints the four lines from <paramref name="q"/> into L1 (prefetcht0).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch<T>(T* q) where T : unmanaged
    {
        byte* b = (byte*)q;
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + 64);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + 128);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + 192);
    }

    // Note [Rotated accumulators]
    // Rebuilding each unaligned vector with a two-source permute (Note [Aligned loads for sums]) cost ~10 % of a
    // one-thread sum of 12.8 MB against the same loop on a line-aligned span (138 against 125 µs). The main loop now
    // keeps each accumulator rotated by m lanes instead: the aligned line t holds, in its lanes m and above, lanes 0..L-m-1
    // of unaligned vector t, and in its lanes below m, lanes L-m..L-1 of vector t − 1; so line t is added, masked, to
    // the accumulators of vectors t and t − 1, and each accumulator is rotated back by one permute after the loop. Every
    // lane still receives the same elements in the same order, plus additions of +0 in its masked-out turns, which
    // leave it unchanged (an accumulator that starts at +0 never becomes −0, and NaN and ∞ are unchanged by +0): the
    // sum is bit-identical to the permuting loop's, at every address (AlignedSumTests). Probe (2026-12-04, Zen 5 VM,
    // F.Mean of a hot 25.7 MB tensor on 2 threads, variants interleaved, three processes): medians 213/178/174 →
    // 205/175/172 µs, 90th percentiles 272/254/250 → 264/247/244: small, but lower in every process.

    /// <summary>All-ones in lanes m and above.</summary>
    private static Vector512<T> Upper<T>(int m) where T : unmanaged
        => typeof(T) == typeof(float)
            ? Vector512.GreaterThanOrEqual(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(m)).As<int, T>()
            : Vector512.GreaterThanOrEqual(Vector512.Create(0L, 1, 2, 3, 4, 5, 6, 7), Vector512.Create((long)m)).As<long, T>();

    /// <summary>Lane j picks element m + j of lo ++ hi.</summary>
    private static Vector512<T> Index<T>(int m) where T : unmanaged
        => typeof(T) == typeof(float)
            ? (Vector512.Create(m) + Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)).As<int, T>()
            : (Vector512.Create((long)m) + Vector512.Create(0L, 1, 2, 3, 4, 5, 6, 7)).As<long, T>();

    /// <summary>The vector that starts <c>m</c> elements into <paramref name="lo"/> and runs on into <paramref name="hi"/> (vpermt2ps/pd).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Two<T>(Vector512<T> lo, Vector512<T> idx, Vector512<T> hi) where T : unmanaged
        => typeof(T) == typeof(float)
            ? System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(lo.As<T, float>(), idx.AsInt32(), hi.As<T, float>()).As<float, T>()
            : System.Runtime.Intrinsics.X86.Avx512F.PermuteVar8x64x2(lo.As<T, double>(), idx.AsInt64(), hi.As<T, double>()).As<double, T>();


    /// <summary>dst[i] = value, in parallel for large arrays.</summary>
    internal static void Fill<T>(T[] dst, T value) where T : unmanaged
    {
        int blocks = (dst.Length + BlockSize - 1) / BlockSize;
        if (blocks <= 1) { Array.Fill(dst, value); return; }
        Parallelism.For(blocks, dst.Length, b => Block(dst, b).Fill(value));
    }

    private static Span<T> Block<T>(T[] x, int b) => x.AsSpan(b * BlockSize, Math.Min(BlockSize, x.Length - b * BlockSize));
}
