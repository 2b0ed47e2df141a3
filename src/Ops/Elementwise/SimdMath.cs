using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd;

/// <summary>
/// float32 sin, cos and exp on AVX-512, 16 lanes in float32, within ~1–2 ulp, several times faster than
/// TensorPrimitives' float sin/cos (docs/speed.md, Measurements behind the code). Only Taylor coefficients (1/k!)
/// are used, no fitted ones.
/// </summary>
/// <remarks>
/// sin/cos: q = round(x·2/π), r = x − q·π/2 by a three-float Cody–Waite reduction with FMA (|x| ≤ 1e4), |r| ≤ π/4;
/// sin r to r⁹ and cos r to r¹⁰ (truncation below 2e-9); the quadrant j = q (+1 for cos) picks ±sin r or ±cos r.
/// Lanes with |x| > 1e4 (and ±∞) are recomputed with MathF, one by one; NaN propagates.
/// </remarks>
internal static class SimdMath
{
    internal static bool IsSupported => Avx512F.IsSupported && Avx512DQ.IsSupported;

    private const float Big = 1e4f;

    /// <summary>sin (cos when <paramref name="cos"/>) of 16 floats; ±0 keeps its sign under sin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SinCos(Vector512<float> x, bool cos)
    {
        var q = Avx512F.RoundScale(x * Vector512.Create(0.636619747f), 8);   // round(x·2/π), to nearest
        // π/2 = P1 + P2 + P3 (floats; the rest is 1e-23). x − q·P1 is exact (q·P1 on the 2⁻²³ grid, |result| < 2),
        // the next two steps round once each relative to r.
        var r = Avx512F.FusedMultiplyAddNegated(q, Vector512.Create(1.57079637f), x);
        r = Avx512F.FusedMultiplyAddNegated(q, Vector512.Create(-4.37113883e-08f), r);
        r = Avx512F.FusedMultiplyAddNegated(q, Vector512.Create(-1.71512451e-15f), r);
        var j = Avx512F.ConvertToVector512Int32(q) + Vector512.Create(cos ? 1 : 0);
        var r2 = r * r;
        var s = Avx512F.FusedMultiplyAdd(r2, Vector512.Create(1f / 362880), Vector512.Create(-1f / 5040));
        s = Avx512F.FusedMultiplyAdd(s, r2, Vector512.Create(1f / 120));
        s = Avx512F.FusedMultiplyAdd(s, r2, Vector512.Create(-1f / 6));
        s = Avx512F.FusedMultiplyAdd(s * r2, r, r);
        var c = Avx512F.FusedMultiplyAdd(r2, Vector512.Create(-1f / 3628800), Vector512.Create(1f / 40320));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512.Create(-1f / 720));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512.Create(1f / 24));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512.Create(-0.5f));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512<float>.One);
        var y = Vector512.ConditionalSelect(Vector512.Equals(j & Vector512<int>.One, Vector512<int>.Zero).AsSingle(), s, c);
        y ^= Vector512.ShiftLeft(j & Vector512.Create(2), 30).AsSingle();
        if (!cos) y = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<float>.Zero), x, y);
        if (Vector512.GreaterThanAny(Vector512.Abs(x), Vector512.Create(Big)))
        {
            for (int i = 0; i < 16; i++)
                if (MathF.Abs(x[i]) > Big) y = y.WithElement(i, cos ? MathF.Cos(x[i]) : MathF.Sin(x[i]));
        }
        return y;
    }

    /// <summary>
    /// exp of 16 floats in float32 (~1–2 ulp), for arguments ≤ 0 (gelu's exp(−x²/2)): n = round(t·log₂e),
    /// r = t − n·ln 2 with ln 2 = 0.693359375 − 2.1219444e-4 (the first part exact in n·C1), e^r to r⁷/7! (|r| ≤ 0.35,
    /// truncation ≤ 1e-8), times 2ⁿ by vscalefps. t below −104 gives 0; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ExpNonPositive(Vector512<float> t)
    {
        var c = Avx512F.Max(t, Vector512.Create(-104f));   // NaN comes back as −104: restored below
        var n = Kernels.VectorCompat.Round(c * Vector512.Create(1.44269504f));
        var r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(0.693359375f), c);
        r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(-2.12194440e-4f), r);
        var p = Avx512F.FusedMultiplyAdd(r, Vector512.Create(1f / 5040), Vector512.Create(1f / 720));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1f / 120));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1f / 24));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1f / 6));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512<float>.One);
        return Vector512.ConditionalSelect(Vector512.Equals(t, t), Avx512F.Scale(p, n), t);
    }

    private enum Kind { Sin, Cos, SinGrad, CosGrad }

    /// <summary>y = sin(x).</summary>
    internal static void Sin(ReadOnlySpan<float> x, Span<float> y) => Run(x, x, y, Kind.Sin);

    /// <summary>y = cos(x).</summary>
    internal static void Cos(ReadOnlySpan<float> x, Span<float> y) => Run(x, x, y, Kind.Cos);

    /// <summary>r = cos(x)·g (sin's gradient), as TensorPrimitives.Cos then Multiply(r, g).</summary>
    internal static void SinGrad(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> r) => Run(x, g, r, Kind.SinGrad);

    /// <summary>r = −(sin(x)·g) (cos's gradient).</summary>
    internal static void CosGrad(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> r) => Run(x, g, r, Kind.CosGrad);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Apply(Vector512<float> x, Vector512<float> g, Kind kind) => kind switch
    {
        Kind.Sin => SinCos(x, cos: false),
        Kind.Cos => SinCos(x, cos: true),
        Kind.SinGrad => SinCos(x, cos: true) * g,
        _ => -(SinCos(x, cos: false) * g),
    };

    private static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> r, Kind kind)
    {
        ref float px = ref MemoryMarshal.GetReference(x), pg = ref MemoryMarshal.GetReference(g), pr = ref MemoryMarshal.GetReference(r);
        int n = r.Length, i = 0;
        for (; i + 16 <= n; i += 16)
            Apply(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref pg, (nuint)i), kind).StoreUnsafe(ref pr, (nuint)i);
        if (i == n) return;
        Span<float> bx = stackalloc float[16], bg = stackalloc float[16], br = stackalloc float[16];
        bx.Clear();
        bg.Clear();
        x[i..].CopyTo(bx);
        g[i..].CopyTo(bg);
        Apply(Vector512.Create<float>(bx), Vector512.Create<float>(bg), kind).CopyTo(br);
        br[..(n - i)].CopyTo(r[i..]);
    }
}
