using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd;

/// <summary>
/// float32 sin, cos and exp on AVX-512, computed in double (8 lanes) and rounded to float: the double error
/// (≤ ~1e-11 relative) is far below float32's half ulp, so the results are the correctly rounded ones but for rare
/// near-ties. TensorPrimitives' float sin/cos/exp run at 1.5–2.6 ns an element here; these at a fraction of that.
/// Only Taylor coefficients (1/k!) are used, no fitted ones.
/// </summary>
/// <remarks>
/// sin/cos: q = round(x·2/π), r = x − q·π/2 with π/2 as a double pair (FMA: exact to ~1e-16 for |x| ≤ 1e5),
/// |r| ≤ π/4; sin r to r¹¹ and cos r to r¹² (truncation below 1e-11); the quadrant j = q (+1 for cos) picks
/// ±sin r or ±cos r. Lanes with |x| > 1e5 (and ±∞) are recomputed with MathF, one by one; NaN propagates.
/// exp: n = round(t·log₂e), r = t − n·ln 2, e^r to r¹⁰ (|r| ≤ 0.35), times 2ⁿ by vscalefpd (under/overflow to 0/∞).
/// </remarks>
internal static class SimdMath
{
    internal static bool IsSupported => Avx512F.IsSupported && Avx512DQ.IsSupported;

    private const double TwoOverPi = 0.63661977236758134308;
    private const double PiO2Hi = 1.5707963267948966, PiO2Lo = 6.123233995736766e-17;
    private const float Big = 1e5f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> SinQuadrant(Vector512<double> x, long shift)
    {
        var q = Vector512.Round(x * Vector512.Create(TwoOverPi));
        var r = Avx512F.FusedMultiplyAddNegated(q, Vector512.Create(PiO2Hi), x);
        r = Avx512F.FusedMultiplyAddNegated(q, Vector512.Create(PiO2Lo), r);
        var j = Avx512DQ.ConvertToVector512Int64(q) + Vector512.Create(shift);
        var r2 = r * r;
        var s = Avx512F.FusedMultiplyAdd(r2, Vector512.Create(-1.0 / 39916800), Vector512.Create(1.0 / 362880));
        s = Avx512F.FusedMultiplyAdd(s, r2, Vector512.Create(-1.0 / 5040));
        s = Avx512F.FusedMultiplyAdd(s, r2, Vector512.Create(1.0 / 120));
        s = Avx512F.FusedMultiplyAdd(s, r2, Vector512.Create(-1.0 / 6));
        s = Avx512F.FusedMultiplyAdd(s * r2, r, r);
        var c = Avx512F.FusedMultiplyAdd(r2, Vector512.Create(1.0 / 479001600), Vector512.Create(-1.0 / 3628800));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512.Create(1.0 / 40320));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512.Create(-1.0 / 720));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512.Create(1.0 / 24));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512.Create(-0.5));
        c = Avx512F.FusedMultiplyAdd(c, r2, Vector512<double>.One);
        var v = Vector512.ConditionalSelect(Vector512.Equals(j & Vector512<long>.One, Vector512<long>.Zero).AsDouble(), s, c);
        return v ^ Vector512.ShiftLeft(j & Vector512.Create(2L), 62).AsDouble();
    }

    /// <summary>sin (cos when <paramref name="cos"/>) of 16 floats; ±0 keeps its sign under sin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SinCos(Vector512<float> x, bool cos)
    {
        long shift = cos ? 1 : 0;
        var lo = SinQuadrant(Avx512F.ConvertToVector512Double(x.GetLower()), shift);
        var hi = SinQuadrant(Avx512F.ConvertToVector512Double(x.GetUpper()), shift);
        var y = Vector512.Create(Avx512F.ConvertToVector256Single(lo), Avx512F.ConvertToVector256Single(hi));
        if (!cos) y = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<float>.Zero), x, y);
        if (Vector512.GreaterThanAny(Vector512.Abs(x), Vector512.Create(Big)))
        {
            for (int i = 0; i < 16; i++)
                if (MathF.Abs(x[i]) > Big) y = y.WithElement(i, cos ? MathF.Cos(x[i]) : MathF.Sin(x[i]));
        }
        return y;
    }

    /// <summary>exp of 8 doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Exp(Vector512<double> t)
    {
        t = Avx512F.Max(Avx512F.Min(t, Vector512.Create(710.0)), Vector512.Create(-760.0));   // NaN comes back as −760: callers restore it
        var n = Vector512.Round(t * Vector512.Create(1.4426950408889634));
        var r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(0.6931471805599453), t);
        r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(2.3190468138462996e-17), r);
        var p = Avx512F.FusedMultiplyAdd(r, Vector512.Create(1.0 / 3628800), Vector512.Create(1.0 / 362880));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 40320));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 5040));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 720));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 120));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 24));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 6));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(0.5));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512<double>.One);
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512<double>.One);
        return Avx512F.Scale(p, n);
    }

    /// <summary>exp of 16 floats (NaN in, NaN out).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        var y = Vector512.Create(Avx512F.ConvertToVector256Single(Exp(Avx512F.ConvertToVector512Double(x.GetLower()))),
            Avx512F.ConvertToVector256Single(Exp(Avx512F.ConvertToVector512Double(x.GetUpper()))));
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
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
        var n = Vector512.Round(c * Vector512.Create(1.44269504f));
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
