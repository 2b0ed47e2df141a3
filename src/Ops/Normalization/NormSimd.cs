using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Autograd.Kernels;

namespace Autograd;

// Note [Normalisation rows at full width]
// The row loops of the normalisation kernels (a layer_norm row, a group_norm/batch_norm plane): sum,
// sum of squared deviations and the affine y = (x·a + s)·w + b, at the widest vector the hardware
// accelerates (Note [SIMD width ladder]). Vector<T> stays 256 bits wide on AVX-512 machines, and these
// loops run over rows that are already in L1 (the statistics read a row twice, the affine a third
// time), so the vector width is what bounds them. The sums use two accumulators (an add's latency is
// 4 cycles, one accumulator leaves the adder idle); the lane order is fixed by the row length, never by
// the thread, so results stay the same for any thread count (Note [Deterministic parallelism]).
internal static class NormSimd
{
    /// <summary>Σ x.</summary>
    internal static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Simd.Best switch
    {
        Simd.Width.V512 => Sum<T, Vector512<T>, Simd512<T>>(x, T.Zero, deviation: false),
        Simd.Width.V256 => Sum<T, Vector256<T>, Simd256<T>>(x, T.Zero, deviation: false),
        _ => Sum<T, Vector128<T>, Simd128<T>>(x, T.Zero, deviation: false),
    };

    /// <summary>Σ (x − μ)².</summary>
    internal static T SquaredDeviation<T>(ReadOnlySpan<T> x, T mu) where T : unmanaged, IFloatingPointIeee754<T> => Simd.Best switch
    {
        Simd.Width.V512 => Sum<T, Vector512<T>, Simd512<T>>(x, mu, deviation: true),
        Simd.Width.V256 => Sum<T, Vector256<T>, Simd256<T>>(x, mu, deviation: true),
        _ => Sum<T, Vector128<T>, Simd128<T>>(x, mu, deviation: true),
    };

    /// <summary>y = (x·a + s)·w + b; <paramref name="w"/> and <paramref name="b"/> empty for y = x·a + s.</summary>
    internal static void Affine<T>(ReadOnlySpan<T> x, T a, T s, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Simd.Best)
        {
            case Simd.Width.V512: Affine<T, Vector512<T>, Simd512<T>>(x, a, s, w, b, y); break;
            case Simd.Width.V256: Affine<T, Vector256<T>, Simd256<T>>(x, a, s, w, b, y); break;
            default: Affine<T, Vector128<T>, Simd128<T>>(x, a, s, w, b, y); break;
        }
    }

    /// <summary>Σ x, or Σ (x − μ)² when <paramref name="deviation"/> (a constant at each call site: the branch folds away).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum<T, TV, TS>(ReadOnlySpan<T> x, T mu, bool deviation)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where TS : ISimd<TV, T>
    {
        ref T p = ref MemoryMarshal.GetReference(x);
        int n = x.Length, l = TS.Lanes, i = 0;
        TV a0 = TS.Zero, a1 = TS.Zero, m = TS.Splat(-mu);
        for (; i <= n - 2 * l; i += 2 * l)
        {
            TV v0 = TS.Load(ref Unsafe.Add(ref p, i)), v1 = TS.Load(ref Unsafe.Add(ref p, i + l));
            if (deviation)
            {
                v0 = TS.Add(v0, m);
                v1 = TS.Add(v1, m);
                a0 = TS.MulAdd(v0, v0, a0);
                a1 = TS.MulAdd(v1, v1, a1);
            }
            else
            {
                a0 = TS.Add(a0, v0);
                a1 = TS.Add(a1, v1);
            }
        }
        if (i <= n - l)
        {
            TV v = TS.Load(ref Unsafe.Add(ref p, i));
            if (deviation) { v = TS.Add(v, m); a0 = TS.MulAdd(v, v, a0); }
            else a0 = TS.Add(a0, v);
            i += l;
        }
        T sum = TS.Sum(TS.Add(a0, a1));
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref p, i);
            if (deviation) { v -= mu; sum += v * v; }
            else sum += v;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Affine<T, TV, TS>(ReadOnlySpan<T> x, T a, T s, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where TS : ISimd<TV, T>
    {
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T py = ref MemoryMarshal.GetReference(y);
        int n = y.Length, l = TS.Lanes, i = 0;
        TV va = TS.Splat(a), vs = TS.Splat(s);
        if (w.IsEmpty)
        {
            for (; i <= n - l; i += l) TS.Store(TS.MulAdd(TS.Load(ref Unsafe.Add(ref px, i)), va, vs), ref Unsafe.Add(ref py, i));
            for (; i < n; i++) Unsafe.Add(ref py, i) = Unsafe.Add(ref px, i) * a + s;
            return;
        }
        ref T pw = ref MemoryMarshal.GetReference(w);
        ref T pb = ref MemoryMarshal.GetReference(b);
        for (; i <= n - l; i += l)
        {
            TV xh = TS.MulAdd(TS.Load(ref Unsafe.Add(ref px, i)), va, vs);
            TS.Store(TS.MulAdd(xh, TS.Load(ref Unsafe.Add(ref pw, i)), TS.Load(ref Unsafe.Add(ref pb, i))), ref Unsafe.Add(ref py, i));
        }
        for (; i < n; i++) Unsafe.Add(ref py, i) = (Unsafe.Add(ref px, i) * a + s) * Unsafe.Add(ref pw, i) + Unsafe.Add(ref pb, i);
    }
}
