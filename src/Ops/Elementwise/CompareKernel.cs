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
    }

    internal struct Ne : ICompare
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a != b;
        public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T> => ~Vector256.Equals(a, b);
    }

    internal struct Lt : ICompare
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a < b;
        public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T> => Vector256.LessThan(a, b);
    }

    internal struct Le : ICompare
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a <= b;
        public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : INumber<T> => Vector256.LessThanOrEqual(a, b);
    }

    /// <summary>Bit k of the index → byte k of the entry is 1: eight bools written at once.</summary>
    private static readonly ulong[] Spread = Enumerable.Range(0, 256).Select(m =>
    {
        ulong v = 0;
        for (int k = 0; k < 8; k++) if ((m >> k & 1) != 0) v |= 1UL << (8 * k);
        return v;
    }).ToArray();

    internal static void Run<T, TCmp>(Tensor a, Tensor b, int[] shape, bool[] r) where T : unmanaged, INumber<T> where TCmp : ICompare
    {
        T[] x = a.Array<T>(), y = b.Array<T>();
        if (r.Length == 0) return;
        bool aFull = x.Length == r.Length, bFull = y.Length == r.Length;
        if (aFull && bFull) { Dense<T, TCmp>(x, y, r, scalarB: false, scalarA: false); return; }
        if (aFull && y.Length == 1) { Dense<T, TCmp>(x, y, r, scalarB: true, scalarA: false); return; }
        if (bFull && x.Length == 1) { Dense<T, TCmp>(x, y, r, scalarB: false, scalarA: true); return; }
        var sa = Broadcast.Strides(a.Dims, shape);
        var sb = Broadcast.Strides(b.Dims, shape);
        int inner = shape.Length == 0 ? 1 : shape[^1];
        int ia = shape.Length == 0 ? 0 : sa[^1], ib = shape.Length == 0 ? 0 : sb[^1];
        Broadcast.ForEachRow(shape, sa, sb, (o, oa, ob) =>
        {
            for (int i = 0; i < inner; i++) r[o + i] = TCmp.Test(x[oa + i * ia], y[ob + i * ib]);
        });
    }

    private static void Dense<T, TCmp>(T[] x, T[] y, bool[] r, bool scalarB, bool scalarA) where T : unmanaged, INumber<T> where TCmp : ICompare
    {
        int n = r.Length, lanes = Vector256<T>.Count, i = 0;
        ref byte dst = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetArrayDataReference(r));
        if (Vector256.IsHardwareAccelerated && lanes >= 4)
        {
            var ys = Vector256.Create(y[0]);
            var xs = Vector256.Create(x[0]);
            for (; i <= n - lanes; i += lanes)
            {
                var va = scalarA ? xs : Vector256.LoadUnsafe(ref x[0], (nuint)i);
                var vb = scalarB ? ys : Vector256.LoadUnsafe(ref y[0], (nuint)i);
                uint bits = TCmp.Test(va, vb).ExtractMostSignificantBits();
                for (int k = 0; k < lanes; k += 8)
                {
                    if (lanes - k >= 8) Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i + k), Spread[(bits >> k) & 0xFF]);
                    else Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i + k), (uint)Spread[(bits >> k) & 0xF]);
                }
            }
        }
        for (; i < n; i++) r[i] = TCmp.Test(scalarA ? x[0] : x[i], scalarB ? y[0] : y[i]);
    }
}
