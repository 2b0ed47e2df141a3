using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd;

/// <summary>
/// float32 erf, gelu and gelu_backward on AVX-512, 16 lanes at a time (libtorch's float32 kernels are
/// vectorised float32 too). Where AVX-512 is missing, and for float64, the scalar double-precision ErfMath runs.
/// </summary>
/// <remarks>
/// The same construction as ErfMath, sized for float32: Taylor polynomials of erf around the centres c = k/8
/// (k = 0..31, |x − c| ≤ 1/16) with 6 terms, a_j = erf⁽ʲ⁾(c)/j! from the Hermite recurrence and a_0 = erf(c) from
/// ErfMath (double, ~1 ulp), rounded to float. Truncation error ≤ 1.8e-8 relative, below a third of float32's half ulp
/// (6e-8); what remains is the float coefficients and Horner pass: within 3 ulp of erf (tested at 20 000 points). Coefficient j of all 32 centres
/// fills two registers, and one vpermt2ps picks each lane's centre. From |x| = 3.93 on, where erf already
/// rounds to 1 in float32 (erfc(3.93) ≈ 2.8e-8), the result is exactly 1; NaN stays NaN.
/// A tail shorter than a vector runs through a zero-padded vector, so every element is computed the same way
/// whatever its position.
/// </remarks>
internal static class ErfF32
{
    internal static bool IsSupported => Avx512F.IsSupported;

    private const int Terms = 6, Centres = 32;
    private const float Limit = 3.93f;
    private const float SqrtHalf = 0.70710678118654752440f;
    private const float InvSqrt2Pi = 0.39894228040143267794f;

    // [2j] = coefficient j at centres 0..15, [2j + 1] = at centres 16..31.
    private static readonly Vector512<float>[] Table = Build();

    private static Vector512<float>[] Build()
    {
        var t = new Vector512<float>[2 * Terms];
        var c0 = new float[Terms, Centres];
        var hermite = new double[Terms];
        for (int k = 0; k < Centres; k++)
        {
            double c = k * 0.125, e = ErfMath.TwoOverSqrtPi * Math.Exp(-c * c), factorial = 1;
            hermite[0] = 1;
            hermite[1] = 2 * c;
            for (int n = 1; n + 1 < Terms; n++) hermite[n + 1] = 2 * c * hermite[n] - 2 * n * hermite[n - 1];
            c0[0, k] = (float)ErfMath.Erf(c);
            for (int j = 1; j < Terms; j++)
            {
                factorial *= j;
                c0[j, k] = (float)(e * ((j & 1) == 1 ? 1 : -1) * hermite[j - 1] / factorial);
            }
        }
        var row = new float[16];
        for (int j = 0; j < Terms; j++)
            for (int half = 0; half < 2; half++)
            {
                for (int i = 0; i < 16; i++) row[i] = c0[j, half * 16 + i];
                t[2 * j + half] = Vector512.Create(row);
            }
        return t;
    }

    /// <summary>erf(|z|) for |z| given (≥ 0; NaN gives erf(3.93) = 1, callers restore NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfAbs(Vector512<float> az, ref Vector512<float> t)
    {
        // Beyond the table (and for ±∞, NaN) k is out of range and only its low 5 bits pick a centre: that lane's
        // polynomial is garbage, and the select at the end replaces it (with 1, or NaN for NaN since NaN ≥ Limit fails
        // and h is NaN).
        var k = Avx512F.ConvertToVector512Int32WithTruncation(Avx512F.FusedMultiplyAdd(az, Vector512.Create(8f), Vector512.Create(0.5f)));
        var h = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(k), Vector512.Create(-0.125f), az);
        // Horner over the Terms = 6 coefficients, written out: the JIT kept the loop form as a loop (address
        // arithmetic and a branch per term, ~11 instructions where 3 do), which made gelu compute-bound.
        var s = Coefficient(ref t, 5, k);
        s = Avx512F.FusedMultiplyAdd(s, h, Coefficient(ref t, 4, k));
        s = Avx512F.FusedMultiplyAdd(s, h, Coefficient(ref t, 3, k));
        s = Avx512F.FusedMultiplyAdd(s, h, Coefficient(ref t, 2, k));
        s = Avx512F.FusedMultiplyAdd(s, h, Coefficient(ref t, 1, k));
        s = Avx512F.FusedMultiplyAdd(s, h, Coefficient(ref t, 0, k));
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(az, Vector512.Create(Limit)), Vector512<float>.One, s);   // exactly 1 (±∞ included)
    }

    /// <summary>Coefficient j of each lane's centre (k's low 5 bits pick one of 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Coefficient(ref Vector512<float> t, int j, Vector512<int> k)
        => Avx512F.PermuteVar16x32x2(Unsafe.Add(ref t, 2 * j), k, Unsafe.Add(ref t, 2 * j + 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Erf(Vector512<float> z, ref Vector512<float> t)
    {
        var sign = Vector512.Create(-0f);
        return ErfAbs(Vector512.AndNot(z, sign), ref t) | (z & sign);   // erf is odd; −0 stays −0
    }

    private interface IKernel
    {
        static abstract Vector512<float> Apply(Vector512<float> x, Vector512<float> g, ref Vector512<float> t);
    }

    private struct ErfKernel : IKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> g, ref Vector512<float> t)
        {
            var e = Erf(x, ref t);
            return Vector512.ConditionalSelect(Vector512.Equals(x, x), e, x);   // NaN in, NaN out
        }
    }

    // gelu: x·0.5·(1 + erf(x/√2)), float32 +∞ → NaN as libtorch 2.10 (Note [gelu at +∞]; Gelu restores +∞ for a one-element tensor); NaN and −∞ give NaN by the formula.
    // The +∞ case is one vfixupimmps on x's class (+∞ → the default NaN, every other class keeps y) instead of a
    // compare and a blend. (Folding the sign into one FMA, h + |h|·erf(|x|/√2), was no faster and turns the −0 of
    // the far negative tail, where 1 + erf is exactly 0, into +0.)
    private struct GeluKernel : IKernel
    {
        // vfixupimmps token table, a nibble per class of x (QNaN, SNaN, 0, +1, −∞, +∞, <0, >0): 0 keeps y, 3 gives QNaN.
        private const int PositiveInfinityToNaN = 3 << 20;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> g, ref Vector512<float> t)
        {
            var e = Erf(x * Vector512.Create(SqrtHalf), ref t);
            var y = x * Vector512.Create(0.5f) * (Vector512<float>.One + e);
            return Avx512F.Fixup(y, x, Vector512.Create(PositiveInfinityToNaN), 0);
        }
    }

    // gelu_backward: g·(Φ(x) + x·φ(x)), Φ = 0.5·(1 + erf(x/√2)), φ = exp(−x²/2)/√(2π), term by term as GeluGrad.
    private struct GeluGradKernel : IKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> g, ref Vector512<float> t)
        {
            var cdf = Vector512.Create(0.5f) * (Vector512<float>.One + Erf(x * Vector512.Create(SqrtHalf), ref t));
            var pdf = Vector512.Create(InvSqrt2Pi) * SimdMath.ExpNonPositive(x * x * Vector512.Create(-0.5f));
            return g * (cdf + x * pdf);
        }
    }

    internal static Tensor Erf(Tensor x) => Map<ErfKernel>(x, null);

    /// <summary>gelu; +∞ gives NaN where <paramref name="nanAtInfinity"/> (Note [gelu at +∞]: libtorch's oneDNN path), else +∞.</summary>
    internal static Tensor Gelu(Tensor x, bool nanAtInfinity)
    {
        var y = Map<GeluKernel>(x, null);
        if (!nanAtInfinity)
        {
            float[] xs = x.Array<float>(), ys = y.Array<float>();
            for (int i = 0; i < xs.Length; i++) if (float.IsPositiveInfinity(xs[i])) ys[i] = float.PositiveInfinity;
        }
        return y;
    }

    internal static Tensor GeluBackward(Tensor g, Tensor x) => Map<GeluGradKernel>(x, g);

    /// <summary>r = K(x[, g]) over float32 x (and g of x's shape), in Pointwise's blocks.</summary>
    private static Tensor Map<TK>(Tensor x, Tensor? g) where TK : IKernel
    {
        var r = Tensor.Uninitialized(DType.Float32, x.Dims);   // every element written
        float[] xs = x.Array<float>(), rs = r.Array<float>(), gs = g is null ? xs : g.Array<float>();
        Pointwise.Blocks(rs.Length, 1 << 16, (start, n) => Run<TK>(xs.AsSpan(start, n), gs.AsSpan(start, n), rs.AsSpan(start, n)));
        return r;
    }

    private static void Run<TK>(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> r) where TK : IKernel
    {
        ref var t = ref MemoryMarshal.GetArrayDataReference(Table);
        ref float px = ref MemoryMarshal.GetReference(x), pg = ref MemoryMarshal.GetReference(g), pr = ref MemoryMarshal.GetReference(r);
        int n = r.Length, i = 0;
        // two vectors per step: their polynomials are independent chains, which the core overlaps (docs/speed.md)
        for (; i + 32 <= n; i += 32)
        {
            var a = TK.Apply(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref pg, (nuint)i), ref t);
            var b = TK.Apply(Vector512.LoadUnsafe(ref px, (nuint)i + 16), Vector512.LoadUnsafe(ref pg, (nuint)i + 16), ref t);
            a.StoreUnsafe(ref pr, (nuint)i);
            b.StoreUnsafe(ref pr, (nuint)i + 16);
        }
        for (; i + 16 <= n; i += 16)
            TK.Apply(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref pg, (nuint)i), ref t).StoreUnsafe(ref pr, (nuint)i);
        if (i == n) return;
        Span<float> bx = stackalloc float[16], bg = stackalloc float[16], br = stackalloc float[16];
        bx.Clear();
        bg.Clear();
        x[i..].CopyTo(bx);
        g[i..].CopyTo(bg);
        TK.Apply(Vector512.Create<float>(bx), Vector512.Create<float>(bg), ref t).CopyTo(br);
        br[..(n - i)].CopyTo(r[i..]);
    }
}
