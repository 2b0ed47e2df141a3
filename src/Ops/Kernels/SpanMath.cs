using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

/// <summary>An elementwise binary operator at every vector width (Note [SIMD width ladder]).</summary>
internal interface IVectorOp<T> where T : unmanaged
{
    static abstract T Apply(T a, T b);
    static abstract Vector128<T> Apply(Vector128<T> a, Vector128<T> b);
    static abstract Vector256<T> Apply(Vector256<T> a, Vector256<T> b);
    static abstract Vector512<T> Apply(Vector512<T> a, Vector512<T> b);
}

internal readonly struct AddVec<T> : IVectorOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => a + b;
    public static Vector128<T> Apply(Vector128<T> a, Vector128<T> b) => a + b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a + b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a + b;
}

internal readonly struct MulVec<T> : IVectorOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => a * b;
    public static Vector128<T> Apply(Vector128<T> a, Vector128<T> b) => a * b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a * b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a * b;
}

/// <summary>
/// Elementwise loops over short contiguous spans. TensorPrimitives is the first choice for long
/// spans, but its per-call overhead dominates on rows of a few dozen elements (a 56-wide conv row: several
/// times slower than these loops; docs/speed.md), which is what im2col, col2im and the pooling rows feed.
/// </summary>
internal static class SpanMath
{
    /// <summary>d[i] = TOp(a[i], b[i]); d may be a or b. Lengths must match (checked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Binary<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
        where T : unmanaged where TOp : IVectorOp<T>
    {
        int n = d.Length;
        if (a.Length != n || b.Length != n) throw new ArgumentException($"SpanMath: length mismatch {a.Length}, {b.Length}, {n}");
        ref T ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), rd = ref MemoryMarshal.GetReference(d);
        nuint i = 0, len = (nuint)n;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= len; i += (nuint)Vector512<T>.Count)
                TOp.Apply(Vector512.LoadUnsafe(ref ra, i), Vector512.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= len; i += (nuint)Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= len; i += (nuint)Vector128<T>.Count)
                TOp.Apply(Vector128.LoadUnsafe(ref ra, i), Vector128.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        for (; i < len; i++) Unsafe.Add(ref rd, i) = TOp.Apply(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
    }

    /// <summary>dst += src.</summary>
    internal static void AddInPlace<T>(Span<T> dst, ReadOnlySpan<T> src) where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<T, AddVec<T>>(dst, src, dst);
}
