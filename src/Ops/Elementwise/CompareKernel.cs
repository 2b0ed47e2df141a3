using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Autograd.Kernels;

namespace Autograd;

/// <summary>An IEEE comparison (NaN compares false, except ≠), as a scalar and as a 256-bit lane mask.</summary>
internal interface ICompare
{
    static abstract bool Test<T>(T a, T b) where T : INumber<T>;
    static abstract Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T>;
    static abstract Vector512<T> Test<T>(Vector512<T> a, Vector512<T> b) where T : INumber<T>;
}

/// <summary>
/// Comparison kernels: a tensor against a same-shaped tensor or a single value runs 256-bit vectors, the
/// lane mask turned into bools 8 at a time through a table; other broadcasts walk rows.
/// </summary>
internal static class CompareKernel
{
    internal struct Eq : ICompare
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a == b;
        public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T> => Vector256.Equals(a, b);
        public static Vector512<T> Test<T>(Vector512<T> a, Vector512<T> b) where T : INumber<T> => Vector512.Equals(a, b);
    }

    internal struct Ne : ICompare
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a != b;
        public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T> => ~Vector256.Equals(a, b);
        public static Vector512<T> Test<T>(Vector512<T> a, Vector512<T> b) where T : INumber<T> => ~Vector512.Equals(a, b);
    }

    internal struct Lt : ICompare
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a < b;
        public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T> => Vector256.LessThan(a, b);
        public static Vector512<T> Test<T>(Vector512<T> a, Vector512<T> b) where T : INumber<T> => Vector512.LessThan(a, b);
    }

    internal struct Le : ICompare
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a <= b;
        public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T> => Vector256.LessThanOrEqual(a, b);
        public static Vector512<T> Test<T>(Vector512<T> a, Vector512<T> b) where T : INumber<T> => Vector512.LessThanOrEqual(a, b);
    }

    /// <summary>Bit k of the index → byte k of the entry is 1: eight bools written at once.</summary>
    private static readonly ulong[] Spread = Enumerable.Range(0, 256).Select(m =>
    {
        ulong v = 0;
        for (int k = 0; k < 8; k++) if ((m >> k & 1) != 0) v |= 1UL << (8 * k);
        return v;
    }).ToArray();

    /// <summary>Elements per block of the dense kernel (a multiple of 64): the blocks run on the pool's threads.</summary>
    private const int Block = 1 << 14;

    internal static void Run<T, TCmp>(Tensor a, Tensor b, int[] shape, bool[] r) where T : unmanaged, INumber<T> where TCmp : ICompare
    {
        T[] x = a.Array<T>(), y = b.Array<T>();
        int n = ShapeUtil.Numel(shape);
        if (n == 0) return;
        bool aFull = x.Length == n, bFull = y.Length == n;
        if ((aFull || x.Length == 1) && (bFull || y.Length == 1) && n > 1)
        {
            // Each operand in step with r or a single value: vectors over blocks, each block writing its own range.
            int blocks = (n + Block - 1) / Block;
            Parallelism.For(blocks, n, k =>
            {
                int start = k * Block, len = Math.Min(Block, n - start);
                var xs = aFull ? x.AsSpan(start, len) : x.AsSpan(0, 1);
                var ys = bFull ? y.AsSpan(start, len) : y.AsSpan(0, 1);
                Dense<T, TCmp>(xs, ys, MemoryMarshal.AsBytes(r.AsSpan(start, len)), scalarA: !aFull, scalarB: !bFull);
            });
            return;
        }
        var sa = Broadcast.Strides(a.Dims, shape);
        var sb = Broadcast.Strides(b.Dims, shape);
        int inner = shape.Length == 0 ? 1 : shape[^1];
        int ia = shape.Length == 0 ? 0 : sa[^1], ib = shape.Length == 0 ? 0 : sb[^1];
        Broadcast.ForEachRow(shape, sa, sb, (o, oa, ob) =>
        {
            for (int i = 0; i < inner; i++) r[o + i] = TCmp.Test(x[oa + i * ia], y[ob + i * ib]);
        });
    }

    /// <summary>r[i] = x[i] cmp y[i] over one block (x or y a single value when scalarA / scalarB).</summary>
    private static void Dense<T, TCmp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> r, bool scalarA, bool scalarB) where T : unmanaged, INumber<T> where TCmp : ICompare
    {
        int n = r.Length, i = 0;
        ref byte dst = ref MemoryMarshal.GetReference(r);
        ref T px = ref MemoryMarshal.GetReference(x), py = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && Unsafe.SizeOf<T>() is 4 or 8)
        {
            // 64 results a step: the lane masks (0 or all ones) narrowed to bytes, then & 1.
            Vector512<T> xs = Vector512.Create(px), ys = Vector512.Create(py);
            var one = Vector512.Create((byte)1);
            for (; i <= n - 64; i += 64)
            {
                Vector512<byte> bytes;
                if (Unsafe.SizeOf<T>() == 4)
                {
                    var c0 = Test512<T, TCmp>(ref px, ref py, i, scalarA, scalarB, xs, ys).AsInt32();
                    var c1 = Test512<T, TCmp>(ref px, ref py, i + 16, scalarA, scalarB, xs, ys).AsInt32();
                    var c2 = Test512<T, TCmp>(ref px, ref py, i + 32, scalarA, scalarB, xs, ys).AsInt32();
                    var c3 = Test512<T, TCmp>(ref px, ref py, i + 48, scalarA, scalarB, xs, ys).AsInt32();
                    bytes = Vector512.Narrow(Vector512.Narrow(c0, c1), Vector512.Narrow(c2, c3)).AsByte();
                }
                else
                {
                    var q0 = Vector512.Narrow(Test512<T, TCmp>(ref px, ref py, i, scalarA, scalarB, xs, ys).AsInt64(), Test512<T, TCmp>(ref px, ref py, i + 8, scalarA, scalarB, xs, ys).AsInt64());
                    var q1 = Vector512.Narrow(Test512<T, TCmp>(ref px, ref py, i + 16, scalarA, scalarB, xs, ys).AsInt64(), Test512<T, TCmp>(ref px, ref py, i + 24, scalarA, scalarB, xs, ys).AsInt64());
                    var q2 = Vector512.Narrow(Test512<T, TCmp>(ref px, ref py, i + 32, scalarA, scalarB, xs, ys).AsInt64(), Test512<T, TCmp>(ref px, ref py, i + 40, scalarA, scalarB, xs, ys).AsInt64());
                    var q3 = Vector512.Narrow(Test512<T, TCmp>(ref px, ref py, i + 48, scalarA, scalarB, xs, ys).AsInt64(), Test512<T, TCmp>(ref px, ref py, i + 56, scalarA, scalarB, xs, ys).AsInt64());
                    bytes = Vector512.Narrow(Vector512.Narrow(q0, q1), Vector512.Narrow(q2, q3)).AsByte();
                }
                (bytes & one).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.Count >= 4)
        {
            int lanes = Vector256<T>.Count;
            Vector256<T> xs = Vector256.Create(px), ys = Vector256.Create(py);
            for (; i <= n - lanes; i += lanes)
            {
                var va = scalarA ? xs : Vector256.LoadUnsafe(ref px, (nuint)i);
                var vb = scalarB ? ys : Vector256.LoadUnsafe(ref py, (nuint)i);
                uint bits = TCmp.Test(va, vb).ExtractMostSignificantBits();
                for (int k = 0; k < lanes; k += 8)
                {
                    if (lanes - k >= 8) Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i + k), Spread[(bits >> k) & 0xFF]);
                    else Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i + k), (uint)Spread[(bits >> k) & 0xF]);
                }
            }
        }
        for (; i < n; i++) Unsafe.Add(ref dst, i) = TCmp.Test(scalarA ? px : Unsafe.Add(ref px, i), scalarB ? py : Unsafe.Add(ref py, i)) ? (byte)1 : (byte)0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Test512<T, TCmp>(ref T px, ref T py, int at, bool scalarA, bool scalarB, Vector512<T> xs, Vector512<T> ys) where T : unmanaged, INumber<T> where TCmp : ICompare
        => TCmp.Test(scalarA ? xs : Vector512.LoadUnsafe(ref px, (nuint)at), scalarB ? ys : Vector512.LoadUnsafe(ref py, (nuint)at));
}
