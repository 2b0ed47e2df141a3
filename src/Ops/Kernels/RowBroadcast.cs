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
    /// body(offset, count, rowTile) over [0, total) in chunks that start at a multiple of row.Length; rowTile[i] is
    /// row[(offset + i) % row.Length]. A row as long as total is passed through (offset-sliced).
    /// </summary>
    internal static void Chunks<T>(T[] row, int total, ChunkBody<T> body)
    {
        int m = row.Length;
        if (m == total)
        {
            Pointwise.Blocks(total, (o, n) => body(o, n, row.AsSpan(o, n)));
            return;
        }
        int length = m * Math.Max(1, Target / m);
        var tile = ArrayPool<T>.Shared.Rent(Math.Min(length, total));
        try
        {
            for (int i = 0; i + m <= Math.Min(length, total); i += m) row.CopyTo(tile, i);
            int chunks = (total + length - 1) / length;
            Parallelism.For(chunks, total, c =>
            {
                int o = c * length, n = Math.Min(length, total - o);
                body(o, n, tile.AsSpan(0, n));
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
