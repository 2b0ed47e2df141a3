using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

// Note [Element moves]
// Joining and splitting ops (cat, stack, split, narrow, unbind, repeat, expand, flip, roll) only move
// elements, so their kernels are written over the storage's element type, not over float/double:
// Dispatch picks the typed instantiation for any storage array (float, double, and the integer and
// bool storages the dtypes will add), and every move is a run of contiguous blocks copied with
// Span.CopyTo (memmove), reversed with Span.Reverse, or filled with Span.Fill, so the ops are
// memory-bound. Large moves are split over threads by element range (each thread writes its own
// range of the destination, so results do not depend on the thread count).

/// <summary>A move written once over the element type (Note [Element moves]).</summary>
internal interface IMove
{
    void Run<T>(T[] src, T[] dst) where T : unmanaged;
}

/// <summary>Block moves between storages of any element type (Note [Element moves]).</summary>
internal static class Moves
{
    // Note [Short row copies]
    // Span.CopyTo is a call into memmove, whose fixed cost (~5–10 ns) is most of the time of a row of a few
    // hundred bytes: reflect pad's forward is ~30 000 rows of 224 bytes each (8×64×56², rows of 56 floats),
    // and it took 1.27× libtorch's time on the Zen 5 VM. Rows of 64 bytes to 1 KiB are copied here with
    // 64-byte vector loads and stores instead (the last one overlapping the one before, so any length is one
    // pass); longer or shorter ones, or machines without 512-bit vectors, still go to memmove.
    /// <summary>dst[d, d + n) = src[s, s + n) (distinct arrays, bounds checked here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyRow<T>(T[] src, int s, T[] dst, int d, int n) where T : unmanaged
        => CopyRow(ref MemoryMarshal.GetReference(src.AsSpan(s, n)), ref MemoryMarshal.GetReference(dst.AsSpan(d, n)), n);

    /// <summary>n elements from <paramref name="from"/> to <paramref name="to"/>, not overlapping; the caller vouches for the bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyRow<T>(ref T from, ref T to, int n) where T : unmanaged
    {
        int bytes = n * Unsafe.SizeOf<T>();
        if (bytes < 64 || bytes > 1024 || !Vector512.IsHardwareAccelerated)
        {
            MemoryMarshal.CreateReadOnlySpan(ref from, n).CopyTo(MemoryMarshal.CreateSpan(ref to, n));
            return;
        }
        ref byte a = ref Unsafe.As<T, byte>(ref from);
        ref byte b = ref Unsafe.As<T, byte>(ref to);
        int i = 0;
        for (; i <= bytes - 64; i += 64)
            Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref a, (nuint)i), ref b, (nuint)i);
        if (i < bytes)
            Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref a, (nuint)(bytes - 64)), ref b, (nuint)(bytes - 64));
    }

    /// <summary>Runs <paramref name="move"/> on <paramref name="src"/> and <paramref name="dst"/>, which hold the same element type.</summary>
    internal static void Dispatch<TMove>(Array src, Array dst, TMove move) where TMove : IMove
    {
        switch (src)
        {
            case float[] a: move.Run(a, (float[])dst); break;
            case double[] a: move.Run(a, (double[])dst); break;
            case long[] a: move.Run(a, (long[])dst); break;
            case int[] a: move.Run(a, (int[])dst); break;
            case bool[] a: move.Run(a, (bool[])dst); break;
            case byte[] a: move.Run(a, (byte[])dst); break;
            default: throw new NotSupportedException($"element moves: storage of {src.GetType().Name} is not supported");
        }
    }

    /// <summary>Runs body over [0, count) cut into one range per thread when the work (elements moved) is worth it.</summary>
    private static void ForRanges(int count, long work, Action<int, int> body)
    {
        int pieces = Math.Min(count, Parallelism.Worth(Threading.NumThreads, work) ? Threading.NumThreads : 1);
        if (pieces <= 1) { body(0, count); return; }
        Parallelism.For(pieces, work, p => body((int)((long)count * p / pieces), (int)((long)count * (p + 1) / pieces)));
    }

    /// <summary>
    /// Copies <paramref name="count"/> blocks of <paramref name="length"/> elements: block k goes from
    /// src[srcStart + k·srcStride] to dst[dstStart + k·dstStride]. Cat, split, narrow and roll are each a few such calls.
    /// </summary>
    internal static void Strided(Array src, int srcStart, int srcStride, Array dst, int dstStart, int dstStride, int length, int count)
    {
        if (length == 0 || count == 0) return;
        Dispatch(src, dst, new StridedMove(srcStart, srcStride, dstStart, dstStride, length, count));
    }

    private readonly record struct StridedMove(int SrcStart, int SrcStride, int DstStart, int DstStride, int Length, int Count) : IMove
    {
        public void Run<T>(T[] src, T[] dst) where T : unmanaged
        {
            var m = this;
            long total = (long)Length * Count;
            int pieces = Parallelism.Worth(Threading.NumThreads, total) ? Threading.NumThreads : 1;
            Parallelism.For(pieces, total, p =>
            {
                // Piece p copies elements [e0, e1) of the blocks laid end to end, so a few huge blocks split too.
                long e0 = total * p / pieces, e1 = total * (p + 1) / pieces;
                while (e0 < e1)
                {
                    int k = (int)(e0 / m.Length), off = (int)(e0 % m.Length);
                    int n = (int)Math.Min(m.Length - off, e1 - e0);
                    src.AsSpan(m.SrcStart + k * m.SrcStride + off, n).CopyTo(dst.AsSpan(m.DstStart + k * m.DstStride + off, n));
                    e0 += n;
                }
            });
        }
    }
    /// <summary>
    /// torch.repeat's layout: dst (shape[k]·repeats[k] along each dim k) holds src (of <paramref name="shape"/>)
    /// tiled repeats[k] times along each dim. Expand is the case shape[k] = 1 wherever repeats[k] > 1.
    /// </summary>
    internal static void Tile(Array src, int[] shape, int[] repeats, Array dst)
    {
        if (dst.Length == 0) return;
        Dispatch(src, dst, new TileMove(shape, repeats));
    }

    private readonly record struct TileMove(int[] Shape, int[] Repeats) : IMove
    {
        // First each row of src goes to its place in tile 0 of every dim; then dims are tiled innermost
        // first: once the dims after d are complete, the block of dst at tile 0 of dims ≤ d is contiguous
        // (Shape[d] · stride[d] elements) and is copied to tiles 1.. of dim d right after it.
        public void Run<T>(T[] src, T[] dst) where T : unmanaged
        {
            int n = Shape.Length;
            if (n == 0) { dst[0] = src[0]; return; }
            var outShape = new int[n];
            for (int k = 0; k < n; k++) outShape[k] = Shape[k] * Repeats[k];
            var os = ShapeUtil.Strides(outShape);
            var m = this;
            int row = Shape[n - 1];
            if (row >= DirectTileRow && DirectDeltas(os) is { } deltas)
            {
                // Note [Direct tiling]: each src row is copied straight to each of its places in dst, while it is in
                // cache: one read of src and one write of dst, where tiling dim by dim (below) reads back what it
                // wrote (1.5× the traffic for repeat(1, 1, 2, 2)). Rows shorter than DirectTileRow stay below: a
                // memmove per element or two costs more than the re-read.
                ForRanges(src.Length / row, dst.Length, (from, to) =>
                {
                    for (int r = from; r < to; r++)
                    {
                        var s = src.AsSpan(r * row, row);
                        int b = m.Offset(r, n - 1, os);
                        foreach (int delta in deltas) s.CopyTo(dst.AsSpan(b + delta, row));
                    }
                });
                return;
            }
            ForRanges(src.Length / row, src.Length, (from, to) =>
            {
                for (int r = from; r < to; r++) src.AsSpan(r * row, row).CopyTo(dst.AsSpan(m.Offset(r, n - 1, os), row));
            });
            for (int d = n - 1; d >= 0; d--)
            {
                if (Repeats[d] == 1) continue;
                int block = Shape[d] * os[d], prefixes = 1, reps = Repeats[d];
                for (int k = 0; k < d; k++) prefixes *= Shape[k];
                // Each prefix writes only its own [b, b + reps · block): the prefixes can run on any thread.
                ForRanges(prefixes, (long)prefixes * block * reps, (from, to) =>
                {
                    for (int c = from; c < to; c++)
                    {
                        int b = m.Offset(c, d, os);
                        if (block == 1) { dst.AsSpan(b + 1, reps - 1).Fill(dst[b]); continue; }   // an expanded innermost dim
                        var tile = dst.AsSpan(b, block);
                        for (int t = 1; t < reps; t++) tile.CopyTo(dst.AsSpan(b + t * block, block));
                    }
                });
            }
        }

        private const int DirectTileRow = 16;

        /// <summary>
        /// The dst offsets of every tile relative to tile 0 (each dim k's tile t adds t·Shape[k]·os[k]), or null when
        /// there are more than a few thousand tiles (then a short row's per-row loop would dominate).
        /// </summary>
        private int[]? DirectDeltas(int[] os)
        {
            long tiles = 1;
            foreach (int r in Repeats) tiles *= r;
            if (tiles > 4096) return null;
            var deltas = new int[tiles];
            int count = 1;   // deltas[0..count) hold the tiles over the dims after k, innermost first
            for (int k = Shape.Length - 1; k >= 0; k--)
            {
                int step = Shape[k] * os[k];
                for (int t = 1; t < Repeats[k]; t++)
                    for (int j = 0; j < count; j++) deltas[t * count + j] = deltas[j] + t * step;
                count *= Repeats[k];
            }
            return deltas;
        }

        /// <summary>The dst offset of index c over dims [0, d) of Shape (tile 0), later dims at 0.</summary>
        private int Offset(int c, int d, int[] os)
        {
            int off = 0;
            for (int k = d - 1; k >= 0; k--) { off += c % Shape[k] * os[k]; c /= Shape[k]; }
            return off;
        }
    }

    /// <summary>torch.flip: dst is src (of <paramref name="shape"/>) reversed along each dim k with flip[k].</summary>
    internal static void Flip(Array src, int[] shape, bool[] flip, Array dst)
    {
        if (dst.Length == 0) return;
        Dispatch(src, dst, new FlipMove(shape, flip));
    }

    private readonly record struct FlipMove(int[] Shape, bool[] Flips) : IMove
    {
        // The trailing dims that are all flipped (or all not) form one contiguous block, reversed (or
        // copied) whole; the dims before it are walked block by block, the source index mirrored on flipped dims.
        public void Run<T>(T[] src, T[] dst) where T : unmanaged
        {
            int n = Shape.Length;
            if (n == 0) { dst[0] = src[0]; return; }
            bool reverse = Flips[n - 1];
            int t = n, block = 1;
            while (t > 0 && Flips[t - 1] == reverse) block *= Shape[--t];
            var st = ShapeUtil.Strides(Shape);
            int outerDims = t, count = dst.Length / block;
            var m = this;
            bool outerFlips = false;
            for (int k = 0; k < outerDims; k++) outerFlips |= Flips[k];
            // Ranges of ~16K elements rather than one per thread: a thread that starts late (a busy core) takes fewer.
            int perRange = Math.Max(1, (1 << 14) / Math.Max(1, block)), ranges = (count + perRange - 1) / perRange;
            Parallelism.For(ranges, dst.Length, q =>
            {
                int first = q * perRange, end = Math.Min(count, first + perRange);
                if (reverse && !outerFlips)
                {
                    // Every block reversed in place of itself: one tight loop over the range.
                    for (int b = first; b < end; b++) ReverseCopy<T>(src.AsSpan(b * block, block), dst.AsSpan(b * block, block));
                    return;
                }
                for (int b = first; b < end; b++)
                {
                    // Without flipped outer dims block b reads block b: no index arithmetic (a division per dim cost more than the move).
                    int s = b * block;
                    if (outerFlips)
                    {
                        s = 0;
                        for (int k = outerDims - 1, c = b; k >= 0; k--)
                        {
                            int i = c % m.Shape[k];
                            c /= m.Shape[k];
                            s += (m.Flips[k] ? m.Shape[k] - 1 - i : i) * st[k];
                        }
                    }
                    var target = dst.AsSpan(b * block, block);
                    if (reverse) ReverseCopy<T>(src.AsSpan(s, block), target);
                    else src.AsSpan(s, block).CopyTo(target);
                }
            });
        }
    }

    /// <summary>dst[j] = src[n - 1 - j]: one pass, the lanes of each vector reversed by a permute (not a copy, then Span.Reverse).</summary>
    private static void ReverseCopy<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged
    {
        int n = dst.Length, j = 0;
        if (Unsafe.SizeOf<T>() == 4 && n >= 8)
        {
            ref uint ps = ref Unsafe.As<T, uint>(ref MemoryMarshal.GetReference(src));
            ref uint pd = ref Unsafe.As<T, uint>(ref MemoryMarshal.GetReference(dst));
            if (Vector512.IsHardwareAccelerated)
                for (; j <= n - 16; j += 16)
                    Vector512.Shuffle(Vector512.LoadUnsafe(ref ps, (nuint)(n - 16 - j)), Vector512.Create(15u, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)).StoreUnsafe(ref pd, (nuint)j);
            if (Vector256.IsHardwareAccelerated)
                for (; j <= n - 8; j += 8)
                    Vector256.Shuffle(Vector256.LoadUnsafe(ref ps, (nuint)(n - 8 - j)), Vector256.Create(7u, 6, 5, 4, 3, 2, 1, 0)).StoreUnsafe(ref pd, (nuint)j);
        }
        else if (Unsafe.SizeOf<T>() == 8 && n >= 4)
        {
            ref ulong ps = ref Unsafe.As<T, ulong>(ref MemoryMarshal.GetReference(src));
            ref ulong pd = ref Unsafe.As<T, ulong>(ref MemoryMarshal.GetReference(dst));
            if (Vector512.IsHardwareAccelerated)
                for (; j <= n - 8; j += 8)
                    Vector512.Shuffle(Vector512.LoadUnsafe(ref ps, (nuint)(n - 8 - j)), Vector512.Create(7ul, 6, 5, 4, 3, 2, 1, 0)).StoreUnsafe(ref pd, (nuint)j);
            if (Vector256.IsHardwareAccelerated)
                for (; j <= n - 4; j += 4)
                    Vector256.Shuffle(Vector256.LoadUnsafe(ref ps, (nuint)(n - 4 - j)), Vector256.Create(3ul, 2, 1, 0)).StoreUnsafe(ref pd, (nuint)j);
        }
        for (; j < n; j++) dst[j] = src[n - 1 - j];
    }
}
