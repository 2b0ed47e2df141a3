using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Autograd;

/// <summary>
/// Element-wise loops over the short rows pooling works on (one input or output row, tens to hundreds of
/// values, called once per output row): inlined Vector&lt;T&gt; loops, because a general-purpose
/// TensorPrimitives call costs more in dispatch than the row's arithmetic at these lengths.
/// </summary>
internal static class PoolSpan
{
    /// <summary>dst[i] += src[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add<T>(Span<T> dst, ReadOnlySpan<T> src) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T d = ref MemoryMarshal.GetReference(dst);
        ref T s = ref MemoryMarshal.GetReference(src);
        int n = dst.Length, i = 0;
        for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            (Vector.LoadUnsafe(ref d, (nuint)i) + Vector.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) += Unsafe.Add(ref s, i);
    }

    /// <summary>dst[i] = a[i] / b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Divide<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T x = ref MemoryMarshal.GetReference(a);
        ref T y = ref MemoryMarshal.GetReference(b);
        ref T d = ref MemoryMarshal.GetReference(dst);
        int n = dst.Length, i = 0;
        for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            (Vector.LoadUnsafe(ref x, (nuint)i) / Vector.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref x, i) / Unsafe.Add(ref y, i);
    }
}
