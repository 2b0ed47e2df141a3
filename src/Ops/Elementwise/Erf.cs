using System.Numerics;

namespace Autograd;

// erf(x) = 2/√π ∫₀ˣ exp(−t²) dt;  dX = dY · 2/√π · exp(−x²)   (PyTorch's ErfBackward0)
// Under createGraph the rule is the recorded mul(g, exp(−x²)·2/√π), so it differentiates again.
public static partial class F
{
    /// <summary>torch.erf (torch.special.erf): erf(±∞) = ±1, erf(NaN) = NaN.</summary>
    public static Tensor Erf(Tensor x)
    {
        var y = x.DType == DType.Float32 && ErfF32.IsSupported ? ErfF32.Erf(x) : Pointwise.Map(x, new ErfOp());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "ErfBackward0", [x], g =>
            [GradMode.IsEnabled ? Mul(g, Mul(Exp(Neg(Mul(x, x))), ErfMath.TwoOverSqrtPi)) : Pointwise.Map(g, x, new ErfGrad())], saved: [x], differentiable: true);
    }

    private readonly struct ErfOp : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(ErfMath.Erf(double.CreateTruncating(x)));
    }

    private readonly struct ErfGrad : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T> => g * (T.CreateTruncating(ErfMath.TwoOverSqrtPi) * T.Exp(-(x * x)));
    }
}

/// <summary>
/// erf in double precision, to ~2 ulp everywhere (.NET has no erf). float32 rounds the double result.
/// </summary>
/// <remarks>
/// Piecewise Taylor polynomials built at startup from erf's own derivatives, so no fitted coefficients are
/// involved: around each centre c = k/4 (k = 0..24, |x − c| ≤ 1/8),
///   erf(c + h) = Σ_{j≤13} a_j h^j,  a_0 = erf(c),  a_j = erf⁽ʲ⁾(c)/j! = 2/√π·e^{−c²}·(−1)^{j−1}·H_{j−1}(c)/j!
/// with H the physicists' Hermite polynomials (H_{n+1} = 2c·H_n − 2n·H_{n−1}). The truncation error at |h| ≤ 1/8
/// is below 1e-17; evaluating a point costs one Horner pass of 14 terms.
/// The centre values a_0 come from two expansions that are exact to ~1 ulp where they are used (checked against
/// the C library's erf):
///   c &lt; 1:  erf(c) = 2/√π·e^{−c²}·Σₙ (2c²)ⁿ c/(1·3·…·(2n+1)), a series of positive terms (no cancellation);
///   c ≥ 1:  erf(c) = 1 − e^{−c²}/√π · 1/(c + (1/2)/(c + 1/(c + (3/2)/(c + …)))), Laplace's continued fraction
///           for erfc evaluated bottom-up from depth 5000 (fully converged; erfc ≤ 0.16 there).
/// |x| ≥ 6.125: erfc(6) ≈ 2e-17 is below half an ulp of 1, so erf is ±1 exactly.
/// </remarks>
internal static class ErfMath
{
    internal const double TwoOverSqrtPi = 1.1283791670955126;   // 2/√π
    private const double InvSqrtPi = 0.56418958354775628;       // 1/√π
    private const int Centres = 25, Terms = 14;
    private static readonly double[] Table = Build();

    internal static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (!(ax < (Centres - 0.5) / 4)) return double.IsNaN(x) ? x : Math.CopySign(1.0, x);
        int k = (int)(ax * 4 + 0.5);
        double h = ax - k * 0.25;
        ReadOnlySpan<double> a = Table.AsSpan(k * Terms, Terms);
        double s = a[Terms - 1];
        for (int j = Terms - 2; j >= 0; j--) s = s * h + a[j];
        return Math.CopySign(s, x);   // erf is odd; at k = 0, a_0 = 0 keeps tiny x (and ±0) exact to the ulp
    }

    private static double[] Build()
    {
        var t = new double[Centres * Terms];
        var hermite = new double[Terms];
        for (int k = 0; k < Centres; k++)
        {
            double c = k * 0.25, e = TwoOverSqrtPi * Math.Exp(-c * c), factorial = 1;
            hermite[0] = 1;
            hermite[1] = 2 * c;
            for (int n = 1; n + 1 < Terms; n++) hermite[n + 1] = 2 * c * hermite[n] - 2 * n * hermite[n - 1];
            t[k * Terms] = CentreValue(c);
            for (int j = 1; j < Terms; j++)
            {
                factorial *= j;
                t[k * Terms + j] = e * ((j & 1) == 1 ? 1 : -1) * hermite[j - 1] / factorial;
            }
        }
        return t;
    }

    /// <summary>erf(c) for a centre c ≥ 0, to ~1 ulp (slow: used only to build the table).</summary>
    private static double CentreValue(double c)
    {
        if (c < 1)
        {
            double c2 = c * c, term = c, sum = c;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++) { term *= 2 * c2 / (2 * n + 1); sum += term; }
            return TwoOverSqrtPi * Math.Exp(-c2) * sum;
        }
        double t = c;
        for (int k = 5000; k >= 1; k--) t = c + 0.5 * k / t;
        return 1.0 - Math.Exp(-c * c) * InvSqrtPi / t;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Erf ops in <see cref="F"/>.</summary>
public static class TensorErfExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.erf().</summary>
        public Tensor Erf() => F.Erf(x);
    }
}
