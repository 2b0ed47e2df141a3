using System.Buffers;
using System.Numerics;

namespace Autograd.Kernels;

/// <summary>
/// The common broadcast of a full tensor against a row that repeats along it (x of [N, C, H, W] with y of [W],
/// [H, W], [1, W], ...): the row is tiled into a buffer of about 64K elements and the span kernels run over
/// chunks of that length, on the pool's threads, instead of one short span call per row.
/// </summary>
internal static class RowBroadcast
{
    private const int Target = 1 << 16;
    private const int TileTarget = 1 << 12;

    // Note [Row tiles in L1]
    // The row is tiled into a buffer of ~4K elements (16 KB of float32, in L1) and each ~64K-element chunk calls
    // the span kernel once per tile length, instead of tiling to the chunk's whole length: a 256 KB tile beside the
    // chunk's 256 KB of input and 256 KB of output was a third stream through L2. maximum of 8×64×56² with a row
    // of 56 (a probe at 2 threads on the Zen 5 machine): 0.29 → 0.11 ms median; paired bench ratio to libtorch 1.33 →
    // 0.83–1.04 (docs/speed.md). The elements and their arithmetic are unchanged.

    /// <summary>
    /// Whether an operand of these dims, <paramref name="numel"/> elements, repeats as a contiguous suffix of
    /// <paramref name="shape"/>: its dims without leading 1s equal the trailing dims of shape, the last one more than 1
    /// (so the old per-row loop ran the span kernel on it too, and results are unchanged).
    /// </summary>
    internal static bool IsSuffix(int[] dims, int[] shape, int numel)
    {
        int lead = 0;
        while (lead < dims.Length && dims[lead] == 1) lead++;
        int k = dims.Length - lead;
        if (k == 0 || k > shape.Length || shape[^1] < 2 || numel < 2) return false;
        for (int i = 0; i < k; i++)
            if (dims[lead + i] != shape[shape.Length - k + i]) return false;
        return true;
    }

    internal delegate void ChunkBody<T>(int offset, int count, ReadOnlySpan<T> row);

    /// <summary>
    /// body(offset, count, rowTile) over [0, total) in pieces that start at a multiple of row.Length; rowTile[i] is
    /// row[(offset + i) % row.Length]. A row as long as total is passed through (offset-sliced).
    /// </summary>
    internal static void Chunks<T>(T[] row, int total, ChunkBody<T> body)
    {
        int m = row.Length;
        if (total == 0) return;   // an empty tensor against a row: nothing to compute (and no tile to size)
        if (m == total)
        {
            Pointwise.Blocks(total, (o, n) => body(o, n, row.AsSpan(o, n)));
            return;
        }
        int tileLength = Math.Min(m * Math.Max(1, TileTarget / m), total);   // Note [Row tiles in L1]
        int length = tileLength * Math.Max(1, Target / tileLength);
        // as many chunks as a multiple of the threads, so none waits on another's last chunk
        int threads = Math.Max(1, Threading.NumThreads), wanted = (total + length - 1) / length;
        if (wanted > 1) length = tileLength * (int)Math.Ceiling((double)total / tileLength / ((wanted + threads - 1) / threads * threads));
        var tile = ArrayPool<T>.Shared.Rent(tileLength);
        try
        {
            for (int i = 0; i + m <= tileLength; i += m) row.CopyTo(tile, i);
            int chunks = (total + length - 1) / length;
            Parallelism.For(chunks, total, c =>
            {
                int end = (int)Math.Min((long)(c + 1) * length, total);
                for (int o = c * length; o < end; o += tileLength)
                {
                    int n = Math.Min(tileLength, end - o);
                    body(o, n, tile.AsSpan(0, n));
                }
            });
        }
        finally { ArrayPool<T>.Shared.Return(tile); }
    }

    /// <summary>z = op(x, row) (or op(row, x) when <paramref name="rowFirst"/>) with the row repeated along x.</summary>
    internal static void Binary<TOp, T>(T[] full, T[] row, T[] z, bool rowFirst) where TOp : IBinaryOp where T : unmanaged, IFloatingPointIeee754<T>
        => Chunks(row, z.Length, (o, n, r) =>
        {
            if (rowFirst) TOp.Apply<T>(r, full.AsSpan(o, n), z.AsSpan(o, n));
            else TOp.Apply<T>(full.AsSpan(o, n), r, z.AsSpan(o, n));
        });
}
