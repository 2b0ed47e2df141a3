using System.Numerics;

namespace Autograd;

// Element moves shared by where, masked_fill, gather, scatter, index_select, sort and topk. Each op works
// out flat offsets (maps) once; these loops then move elements of any storage type along them, so one
// generic kernel serves every dtype (float, double, long, int, bool, byte) instead of one per op and type.
internal static class Moves
{
    /// <summary>dst[to[i]] = src[from[i]] for every i; a null map is the identity.</summary>
    internal static void Move(Array src, int[]? from, Array dst, int[]? to)
        => Dispatch(src, new MoveAction(from, dst, to, (from ?? to)?.Length ?? src.Length));

    /// <summary>dst[to[i]] += src[from[i]] for every i (repeated targets add up); bool adds as logical or.</summary>
    internal static void Accumulate(Array src, int[]? from, Array dst, int[]? to)
    {
        int n = (from ?? to)?.Length ?? src.Length;
        switch (src)
        {
            case float[] s: Add(s, from, (float[])dst, to, n); break;
            case double[] s: Add(s, from, (double[])dst, to, n); break;
            case long[] s: Add(s, from, (long[])dst, to, n); break;
            case int[] s: Add(s, from, (int[])dst, to, n); break;
            case byte[] s: Add(s, from, (byte[])dst, to, n); break;
            case bool[] s:
                var d = (bool[])dst;
                for (int i = 0; i < n; i++) d[to?[i] ?? i] |= s[from?[i] ?? i];
                break;
        }

        static void Add<T>(T[] s, int[]? from, T[] d, int[]? to, int n) where T : INumberBase<T>
        {
            for (int i = 0; i < n; i++) d[to?[i] ?? i] += s[from?[i] ?? i];
        }
    }

    /// <summary>
    /// r[i] = cond[c[i]] ? a[ia[i]] : b[ib[i]] (a and b of r's element type). A null map reads the operand in step
    /// with r, or its one element throughout when it has one (a number), so the common unbroadcast case needs no map.
    /// </summary>
    internal static void Select(bool[] cond, int[]? c, Array a, int[]? ia, Array b, int[]? ib, Array r)
        => Dispatch(r, new SelectAction(cond, c, a, ia, b, ib));

    /// <summary>The map for <see cref="Select"/>: null when the operand has the output's shape or a single element.</summary>
    internal static int[]? SelectMap(int[] shape, int[] outShape)
        => ShapeUtil.SameShape(shape, outShape) || ShapeUtil.Numel(shape) == 1 ? null : BroadcastMap(shape, outShape);

    /// <summary>dst[to[i]] = the element of <paramref name="value"/> (a one-element array of dst's type) for every i.</summary>
    internal static void Fill(Array value, Array dst, int[] to) => Dispatch(dst, new FillAction(value, to));

    /// <summary>The flat offset in <paramref name="shape"/> of each element of <paramref name="outShape"/> it broadcasts to.</summary>
    internal static int[] BroadcastMap(int[] shape, int[] outShape)
    {
        var stride = Kernels.Broadcast.Strides(shape, outShape);
        int n = ShapeUtil.Numel(outShape), rank = outShape.Length;
        var map = new int[n];
        var idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++)
        {
            map[i] = off;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++; off += stride[d];
                if (idx[d] < outShape[d]) break;
                off -= stride[d] * idx[d]; idx[d] = 0;
            }
        }
        return map;
    }

    private interface IAction
    {
        void Run<T>(T[] first) where T : unmanaged;
    }

    private static void Dispatch<TAction>(Array first, TAction action) where TAction : IAction
    {
        switch (first)
        {
            case float[] a: action.Run(a); break;
            case double[] a: action.Run(a); break;
            case long[] a: action.Run(a); break;
            case int[] a: action.Run(a); break;
            case bool[] a: action.Run(a); break;
            case byte[] a: action.Run(a); break;
            default: throw new NotSupportedException($"no kernel for storage {first.GetType().Name}");
        }
    }

    private readonly struct MoveAction(int[]? from, Array dst, int[]? to, int n) : IAction
    {
        public void Run<T>(T[] s) where T : unmanaged
        {
            var d = (T[])dst;
            if (from is null && to is null) { Array.Copy(s, d, n); return; }
            if (to is null) { for (int i = 0; i < n; i++) d[i] = s[from![i]]; return; }
            if (from is null) { for (int i = 0; i < n; i++) d[to[i]] = s[i]; return; }
            for (int i = 0; i < n; i++) d[to[i]] = s[from[i]];
        }
    }

    private readonly struct SelectAction(bool[] cond, int[]? c, Array a, int[]? ia, Array b, int[]? ib) : IAction
    {
        public void Run<T>(T[] r) where T : unmanaged
        {
            T[] x = (T[])a, y = (T[])b;
            if (c is null && ia is null && ib is null && cond.Length == r.Length && r.Length > 1)
            {
                DenseSelect.Run(cond, x, y, r);   // the common case, vectorised and split over threads
                return;
            }
            if (c is null && ia is null && ib is null)
            {
                // Operands in step with r or single elements: a stride of 1 or 0, no map to read.
                int sc = cond.Length == 1 ? 0 : 1, sa = x.Length == 1 ? 0 : 1, sb = y.Length == 1 ? 0 : 1;
                for (int i = 0; i < r.Length; i++) r[i] = cond[i * sc] ? x[i * sa] : y[i * sb];
                return;
            }
            for (int i = 0; i < r.Length; i++)
                r[i] = cond[c?[i] ?? (cond.Length == 1 ? 0 : i)] ? x[ia?[i] ?? (x.Length == 1 ? 0 : i)] : y[ib?[i] ?? (y.Length == 1 ? 0 : i)];
        }
    }

    private readonly struct FillAction(Array value, int[] to) : IAction
    {
        public void Run<T>(T[] d) where T : unmanaged
        {
            T v = ((T[])value)[0];
            foreach (int i in to) d[i] = v;
        }
    }
}
