using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// Even/odd splitting and merging of rows, the core of every stride-2 kernel (pooling's column
/// buffers, conv2d's phase planes). SSE shuffles handle 8 floats or 4 doubles per step (AVX2 16 floats when
/// splitting); each returns
/// how many pairs it did and the caller finishes the rest in scalar code.
/// </summary>
internal static class Stride2
{
    /// <summary>Inverse of <see cref="Deinterleave{T}"/>: writes even/odd pairs back; returns how many pairs it wrote.</summary>
    internal static int Interleave<T>(ref T even, ref T odd, ref T dst, int n) where T : unmanaged
    {
        int m = 0;
        if (!Sse2.IsSupported) return 0;
        if (typeof(T) == typeof(float))
        {
            ref float e = ref Unsafe.As<T, float>(ref even);
            ref float o = ref Unsafe.As<T, float>(ref odd);
            ref float d = ref Unsafe.As<T, float>(ref dst);
            for (; 2 * m + 8 <= n; m += 4)
            {
                var a = Vector128.LoadUnsafe(ref e, (nuint)m);
                var b = Vector128.LoadUnsafe(ref o, (nuint)m);
                Sse.UnpackLow(a, b).StoreUnsafe(ref d, (nuint)(2 * m));        // e0 o0 e1 o1
                Sse.UnpackHigh(a, b).StoreUnsafe(ref d, (nuint)(2 * m + 4));   // e2 o2 e3 o3
            }
        }
        else if (typeof(T) == typeof(double))
        {
            ref double e = ref Unsafe.As<T, double>(ref even);
            ref double o = ref Unsafe.As<T, double>(ref odd);
            ref double d = ref Unsafe.As<T, double>(ref dst);
            for (; 2 * m + 4 <= n; m += 2)
            {
                var a = Vector128.LoadUnsafe(ref e, (nuint)m);
                var b = Vector128.LoadUnsafe(ref o, (nuint)m);
                Sse2.UnpackLow(a, b).StoreUnsafe(ref d, (nuint)(2 * m));
                Sse2.UnpackHigh(a, b).StoreUnsafe(ref d, (nuint)(2 * m + 2));
            }
        }
        return m;
    }

    /// <summary>
    /// Stride 2 is the common case (and the split its main cost): SSE shuffles split 8 floats or 4
    /// doubles per step. Returns how many even/odd pairs were written; the caller finishes the rest.
    /// </summary>
    internal static int Deinterleave<T>(ref T src, ref T even, ref T odd, int n) where T : unmanaged
    {
        int m = 0;
        if (!Sse2.IsSupported) return 0;
        if (typeof(T) == typeof(float))
        {
            ref float s = ref Unsafe.As<T, float>(ref src);
            ref float e = ref Unsafe.As<T, float>(ref even);
            ref float o = ref Unsafe.As<T, float>(ref odd);
            if (Avx2.IsSupported)
                for (; 2 * m + 16 <= n; m += 8)
                {
                    var a = Vector256.LoadUnsafe(ref s, (nuint)(2 * m));
                    var b = Vector256.LoadUnsafe(ref s, (nuint)(2 * m + 8));
                    // per 128-bit lane as the SSE step below, then the lanes' middle quarters swapped
                    Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref e, (nuint)m);
                    Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref o, (nuint)m);
                }
            for (; 2 * m + 8 <= n; m += 4)
            {
                var a = Vector128.LoadUnsafe(ref s, (nuint)(2 * m));
                var b = Vector128.LoadUnsafe(ref s, (nuint)(2 * m + 4));
                Sse.Shuffle(a, b, 0b10_00_10_00).StoreUnsafe(ref e, (nuint)m);   // a0 a2 b0 b2
                Sse.Shuffle(a, b, 0b11_01_11_01).StoreUnsafe(ref o, (nuint)m);   // a1 a3 b1 b3
            }
        }
        else if (typeof(T) == typeof(double))
        {
            ref double s = ref Unsafe.As<T, double>(ref src);
            ref double e = ref Unsafe.As<T, double>(ref even);
            ref double o = ref Unsafe.As<T, double>(ref odd);
            for (; 2 * m + 4 <= n; m += 2)
            {
                var a = Vector128.LoadUnsafe(ref s, (nuint)(2 * m));
                var b = Vector128.LoadUnsafe(ref s, (nuint)(2 * m + 2));
                Sse2.UnpackLow(a, b).StoreUnsafe(ref e, (nuint)m);    // a0 b0
                Sse2.UnpackHigh(a, b).StoreUnsafe(ref o, (nuint)m);   // a1 b1
            }
        }
        return m;
    }

}
