using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

// Note [net8.0 target] (docs/packaging.md): the vector APIs that .NET 9 added and the kernels use, in one
// place. On net9.0+ each forwards to the BCL's; on net8.0 it takes the hardware instruction where there is
// one (the kernels call these only on the paths where it is), else the unfused a·b + c — within the
// tolerance every caller allows (Simd128.MulAdd makes the same trade on plain SSE).
internal static class VectorCompat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FusedMultiplyAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged
    {
#if NET9_0_OR_GREATER
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
#else
        if (Avx512F.IsSupported && typeof(T) == typeof(float)) return Avx512F.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (Avx512F.IsSupported && typeof(T) == typeof(double)) return Avx512F.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
#endif
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
#if NET9_0_OR_GREATER
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
#else
        if (Fma.IsSupported && typeof(T) == typeof(float)) return Fma.MultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (Fma.IsSupported && typeof(T) == typeof(double)) return Fma.MultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
#endif
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FusedMultiplyAdd<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c) where T : unmanaged
    {
#if NET9_0_OR_GREATER
        if (typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
#else
        if (Fma.IsSupported && typeof(T) == typeof(float)) return Fma.MultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (Fma.IsSupported && typeof(T) == typeof(double)) return Fma.MultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
#endif
        return a * b + c;
    }

    /// <summary>Round half to even of 16 floats; net8.0 callers are on the AVX-512 path (vrndscaleps, imm 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> x)
#if NET9_0_OR_GREATER
        => Vector512.Round(x);
#else
        => Avx512F.RoundScale(x, 0);
#endif
}
