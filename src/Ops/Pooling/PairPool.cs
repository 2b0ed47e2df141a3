using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Autograd;

// Note [Pair pooling]
// 2×2 windows at stride 2 with no padding (the pools of nearly every CNN, the Fashion-MNIST sample's
// included) tile the input: output (oh, ow) reads rows 2oh, 2oh+1 and columns 2ow, 2ow+1, and every
// window lies inside the plane. The general walk (WindowWalk) pays per output row for its window tables,
// row buffers and block loads: about 3 µs per 14×14 or 28×28 plane, several times the arithmetic. Here
// the whole tensor is one sequence of row pairs (pair r = plane r / OH, output row r % OH; output row r
// starts at r·OW because output planes are contiguous too), cut into blocks of pairs that the threads
// share. Each input row is split into its even and odd columns (Stride2), the block's outputs then
// combine the four candidates with one vector loop over the whole block, so short rows cost no
// per-row vector setup.
// The arithmetic is the general walk's, element for element:
//  * avg: ((x[2oh,2ow] + x[2oh+1,2ow]) + (x[2oh,2ow+1] + x[2oh+1,2ow+1])) / divisor, the rows summed per
//    column first, then the two columns (WindowWalk folds rows, then column taps); divisor 4 unless
//    divisor_override (padding 0, so count_include_pad changes nothing);
//  * max: the candidates in row-major order (0,0), (0,1), (1,0), (1,1), each replacing the best when it is
//    greater or NaN: the first maximum wins, the last NaN wins (Note [Max pooling order]);
//  * avg backward: dX = dY / divisor at the window's four cells, added to zero as the general scatter
//    does (so −0 becomes +0); an odd last row or column, in no window, gets 0.
// Results are bit-identical to the general walk and independent of the thread count.

/// <summary>The 2×2, stride-2 pools of Note [Pair pooling]: avg and max forward, and avg's backward.</summary>
internal static class PairPool
{
    private const int BlockOutputs = 1024;   // outputs per block: 4 candidate rows of 4 KiB (float) stay in L1

    /// <summary>Whether <paramref name="geo"/> has the layout of Note [Pair pooling].</summary>
    /// <remarks>W below 2^24: max's winning offsets (up to W + 1) are carried exactly in float lanes.</remarks>
    public static bool Applies(PoolGeometry geo) => geo.Rows.IsPairs && geo.Cols.IsPairs && geo.Planes > 0 && geo.W < 1 << 24;

    /// <summary>avg_pool2d's forward: y = window sum / divisor.</summary>
    public static void AvgForward<T>(PoolGeometry geo, T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T divisor = T.CreateTruncating(geo.DivisorOverride ?? 4);
        ForBlocks(geo, (r0, r1) =>
        {
            var c = new Candidates<T>(geo, x, r0, r1);
            int n = (r1 - r0) * geo.OW;
            var dst = y.AsSpan(r0 * geo.OW, n);
            ref T e0 = ref c.E0[0], o0 = ref c.O0[0], e1 = ref c.E1[0], o1 = ref c.O1[0], d = ref MemoryMarshal.GetReference(dst);
            var dv = new Vector<T>(divisor);
            int i = 0;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var sum = (Vector.LoadUnsafe(ref e0, (nuint)i) + Vector.LoadUnsafe(ref e1, (nuint)i))
                        + (Vector.LoadUnsafe(ref o0, (nuint)i) + Vector.LoadUnsafe(ref o1, (nuint)i));
                (sum / dv).StoreUnsafe(ref d, (nuint)i);
            }
            for (; i < n; i++)
                Unsafe.Add(ref d, i) = ((Unsafe.Add(ref e0, i) + Unsafe.Add(ref e1, i)) + (Unsafe.Add(ref o0, i) + Unsafe.Add(ref o1, i))) / divisor;
        });
    }

    /// <summary>max_pool2d's forward: y = the window's maximum, <paramref name="indices"/> its flat H·W position.</summary>
    public static void MaxForward<T>(PoolGeometry geo, T[] x, T[] y, int[] indices) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = geo.W, ow = geo.OW, oh = geo.OH;
        ForBlocks(geo, (r0, r1) =>
        {
            var c = new Candidates<T>(geo, x, r0, r1);
            int n = (r1 - r0) * ow;
            var dst = y.AsSpan(r0 * ow, n);
            T[] which = c.Which;
            ref T e0 = ref c.E0[0], o0 = ref c.O0[0], e1 = ref c.E1[0], o1 = ref c.O1[0];
            ref T d = ref MemoryMarshal.GetReference(dst), k = ref which[0];
            // A candidate's offset from its window's top-left cell: (0,1) +1, (1,0) +W, (1,1) +W+1.
            T one = T.One, down = T.CreateTruncating(w), both = down + one;
            var v1 = new Vector<T>(one);
            var v2 = new Vector<T>(down);
            var v3 = new Vector<T>(both);
            int i = 0;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var best = Vector.LoadUnsafe(ref e0, (nuint)i);
                var tap = Vector<T>.Zero;
                Take(Vector.LoadUnsafe(ref o0, (nuint)i), v1, ref best, ref tap);
                Take(Vector.LoadUnsafe(ref e1, (nuint)i), v2, ref best, ref tap);
                Take(Vector.LoadUnsafe(ref o1, (nuint)i), v3, ref best, ref tap);
                best.StoreUnsafe(ref d, (nuint)i);
                tap.StoreUnsafe(ref k, (nuint)i);
            }
            for (; i < n; i++)
            {
                T best = Unsafe.Add(ref e0, i), tap = T.Zero;
                if (Takes(Unsafe.Add(ref o0, i), best)) (best, tap) = (Unsafe.Add(ref o0, i), one);
                if (Takes(Unsafe.Add(ref e1, i), best)) (best, tap) = (Unsafe.Add(ref e1, i), down);
                if (Takes(Unsafe.Add(ref o1, i), best)) (best, tap) = (Unsafe.Add(ref o1, i), both);
                Unsafe.Add(ref d, i) = best;
                Unsafe.Add(ref k, i) = tap;
            }
            // Output (row, col)'s window starts at cell (2·row, 2·col) of its plane; the offset is exact in T (W < 2^24).
            for (int r = r0; r < r1; r++)
            {
                int cell = 2 * (r % oh) * w;
                var offsets = which.AsSpan((r - r0) * ow, ow);
                var dstIdx = indices.AsSpan(r * ow, ow);
                for (int col = 0; col < dstIdx.Length; col++, cell += 2)
                    dstIdx[col] = cell + int.CreateTruncating(offsets[col]);
            }
        });
    }

    /// <summary>avg_pool2d's backward: dX = dY / divisor at each window's four cells, 0 in an odd last row or column.</summary>
    public static T[] SumBackward<T>(PoolGeometry geo, T[] dy) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = geo.W, h = geo.H, ow = geo.OW, oh = geo.OH;
        var dx = TensorStorage.Allocate<T>(geo.Planes * h * w, zeroed: false);
        T divisor = T.CreateTruncating(geo.DivisorOverride ?? 4);
        ForBlocks(geo, (r0, r1) =>
        {
            int n = (r1 - r0) * ow;
            var g = Scratch<T>.Rent(0, n);
            var src = dy.AsSpan(r0 * ow, n);
            for (int i = 0; i < n; i++) g[i] = src[i] / divisor + T.Zero;   // + 0: −0 becomes +0, as 0 + (−0) in the scatter
            for (int r = r0; r < r1; r++)
            {
                int plane = r / oh, row = r % oh;
                var top = dx.AsSpan(plane * h * w + 2 * row * w, w);
                var bottom = dx.AsSpan(plane * h * w + (2 * row + 1) * w, w);
                Repeat(g.AsSpan((r - r0) * ow, ow), top);
                if ((w & 1) == 1) top[w - 1] = T.Zero;
                top.CopyTo(bottom);
                if (row == oh - 1 && (h & 1) == 1) dx.AsSpan(plane * h * w + (h - 1) * w, w).Clear();
            }
        });
        return dx;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take<T>(Vector<T> candidate, Vector<T> tapOf, ref Vector<T> best, ref Vector<T> tap) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var takes = Vector.GreaterThan(candidate, best) | ~Vector.Equals(candidate, candidate);   // greater, or NaN
        best = Vector.ConditionalSelect(takes, candidate, best);
        tap = Vector.ConditionalSelect(takes, tapOf, tap);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Takes<T>(T candidate, T best) where T : IFloatingPointIeee754<T> => candidate > best || T.IsNaN(candidate);

    /// <summary>dst = src[0] src[0] src[1] src[1] ... over the first 2·src.Length cells of dst.</summary>
    private static void Repeat<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged
    {
        ref T s = ref MemoryMarshal.GetReference(src);
        ref T d = ref MemoryMarshal.GetReference(dst);
        int m = Kernels.Stride2.Interleave(ref s, ref s, ref d, 2 * src.Length);
        for (; m < src.Length; m++) Unsafe.Add(ref d, 2 * m) = Unsafe.Add(ref d, 2 * m + 1) = Unsafe.Add(ref s, m);
    }

    /// <summary>Runs <paramref name="body"/>(first pair, end pair) over blocks of whole row pairs, on the pool's threads.</summary>
    private static void ForBlocks(PoolGeometry geo, Action<int, int> body)
    {
        int pairs = geo.Planes * geo.OH;   // the output's rows: within int, as the output's numel is
        int perBlock = Math.Max(1, BlockOutputs / geo.OW);
        int blocks = (pairs + perBlock - 1) / perBlock;
        Kernels.Parallelism.For(blocks, 4L * pairs * geo.OW, b =>
        {
            int r0 = b * perBlock;
            body(r0, Math.Min(pairs, r0 + perBlock));
        });
    }

    /// <summary>Per-thread scratch rows of at least the asked length, grown on demand and kept (a block's rows are a few KiB).</summary>
    private static class Scratch<T> where T : unmanaged
    {
        [ThreadStatic] private static T[][]? _rows;

        public static T[] Rent(int slot, int length)
        {
            var rows = _rows ??= new T[5][];
            ref var row = ref rows[slot];
            if (row is null || row.Length < length) row = new T[Math.Max(length, BlockOutputs)];
            return row;
        }
    }

    /// <summary>
    /// The four candidates of a block's windows, each laid out like the block's outputs: E0/O0 the even and
    /// odd columns of each pair's top row, E1/O1 of its bottom row (Which: scratch for max's winning offsets).
    /// </summary>
    private readonly ref struct Candidates<T> where T : unmanaged
    {
        public readonly T[] E0, O0, E1, O1, Which;

        public Candidates(PoolGeometry geo, T[] x, int r0, int r1)
        {
            int w = geo.W, ow = geo.OW, oh = geo.OH, plane = geo.H * w;
            int n = (r1 - r0) * ow;
            E0 = Scratch<T>.Rent(0, n); O0 = Scratch<T>.Rent(1, n); E1 = Scratch<T>.Rent(2, n); O1 = Scratch<T>.Rent(3, n);
            Which = Scratch<T>.Rent(4, n);
            for (int r = r0; r < r1; r++)
            {
                int top = (r / oh) * plane + 2 * (r % oh) * w, at = (r - r0) * ow;
                Split(x.AsSpan(top, 2 * ow), E0.AsSpan(at, ow), O0.AsSpan(at, ow));
                Split(x.AsSpan(top + w, 2 * ow), E1.AsSpan(at, ow), O1.AsSpan(at, ow));
            }
        }

        private static void Split(ReadOnlySpan<T> src, Span<T> even, Span<T> odd)
        {
            ref T s = ref MemoryMarshal.GetReference(src);
            int m = Kernels.Stride2.Deinterleave(ref s, ref MemoryMarshal.GetReference(even), ref MemoryMarshal.GetReference(odd), src.Length);
            for (; m < even.Length; m++)
            {
                even[m] = Unsafe.Add(ref s, 2 * m);
                odd[m] = Unsafe.Add(ref s, 2 * m + 1);
            }
        }
    }
}
