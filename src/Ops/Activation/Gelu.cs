using System.Numerics;

namespace Autograd;

// gelu, approximate = "none": y = x·Φ(x) = 0.5·x·(1 + erf(x/√2))
//   dX = dY·(Φ(x) + x·φ(x)),  φ(x) = exp(−x²/2)/√(2π)                           (GeluBackward0)
//   second derivative: φ(x)·(2 − x²)
// gelu, approximate = "tanh": y = 0.5·x·(1 + tanh(u)),  u = k·(x + c·x³), k = √(2/π), c = 0.044715
//   dX = dY·(0.5·(1 + t) + 0.5·x·(1 − t²)·u'),  t = tanh(u), u' = k·(1 + 3c·x²)
//   second derivative: (1 − t²)·(u' − x·t·u'² + 0.5·x·u''),  u'' = 6kc·x
// The kernels follow PyTorch's CPU formulas term by term, so ±∞ and NaN come out the same (gelu'(+∞) is NaN
// there too: ∞·φ(∞) = ∞·0). The double backward is gelu_backward as a recorded op of (g, x)
// (GeluBackwardBackward0): dG = gelu_backward(dR, x), dX = dR·g·gelu''(x), gelu'' written with recorded ops.
public static partial class F
{
    private const double SqrtHalf = 0.70710678118654752440;         // 1/√2
    private const double InvSqrt2Pi = 0.39894228040143267794;       // 1/√(2π)
    private const double TanhK = 0.79788456080286535588;            // √(2/π)
    private const double TanhC = 0.044715;

    /// <summary>F.gelu(x, approximate): "none" (exact, with erf) or "tanh".</summary>
    public static Tensor Gelu(Tensor x, string approximate = "none")
    {
        bool tanh = GeluMode(approximate);
        bool oneDnn = x.Numel > 1;   // Note [gelu at +∞]
        var y = tanh ? Pointwise.Map(x, new GeluTanhOp())
            : x.DType == DType.Float32 && ErfF32.IsSupported ? ErfF32.Gelu(x, oneDnn) : Pointwise.Map(x, new GeluOp(oneDnn));
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "GeluBackward0", [x], g => [GeluBackward(g, x, tanh)], saved: [x], differentiable: true);
    }

    private static bool GeluMode(string approximate) => approximate switch
    {
        "none" => false,
        "tanh" => true,
        _ => throw new ArgumentException($"gelu: approximate argument must be either none or tanh. (got '{approximate}')", nameof(approximate)),
    };

    /// <summary>gelu_backward(g, x), recorded when g or x requires grad (only under createGraph).</summary>
    private static Tensor GeluBackward(Tensor g, Tensor x, bool tanh)
    {
        var r = tanh ? Pointwise.Map(g, x, new GeluTanhGrad())
            : x.DType == DType.Float32 && ErfF32.IsSupported ? ErfF32.GeluBackward(g, x) : Pointwise.Map(g, x, new GeluGrad());
        if (!Node.NeedsGrad([g, x])) return r;
        bool gg = g.RequiresGrad, gx = x.RequiresGrad;
        return Node.Record(r, "GeluBackwardBackward0", [g, x], d =>
            [gg ? GeluBackward(d, x, tanh) : null, gx ? Mul(Mul(d, g), tanh ? GeluTanhCurvature(x) : GeluCurvature(x)) : null],
            saved: [g, x], differentiable: true);
    }

    /// <summary>φ(x)·(2 − x²) with recorded ops.</summary>
    private static Tensor GeluCurvature(Tensor x)
    {
        var x2 = Mul(x, x);
        return Mul(Mul(Exp(Mul(x2, -0.5)), InvSqrt2Pi), 2.0 - x2);
    }

    /// <summary>(1 − t²)·(u' − x·t·u'² + 0.5·x·u'') with recorded ops.</summary>
    private static Tensor GeluTanhCurvature(Tensor x)
    {
        var x2 = Mul(x, x);
        var t = Tanh(Mul(Add(x, Mul(Mul(x2, x), TanhC)), TanhK));
        var du = Mul(Add(Mul(x2, 3 * TanhC), 1.0), TanhK);
        var inner = Add(Sub(du, Mul(Mul(x, t), Mul(du, du))), Mul(x2, 3 * TanhK * TanhC));   // 0.5·x·u'' = 3kc·x²
        return Mul(1.0 - Mul(t, t), inner);
    }

    // Note [gelu at +∞]
    // libtorch 2.10's float32 gelu gives NaN at +∞ (its float64 kernel gives +∞, as the formula does): the
    // libtorch oracle found it, and float32 follows it. The NaN is oneDNN's (PyTorch's gelu runs oneDNN's eltwise
    // kernel for a contiguous float32 input of more than one element while torch.backends.mkldnn.enabled): a
    // one-element tensor takes libtorch's own kernel and gives +∞ (measured: gelu of [+∞] is +∞, of [+∞, 1, 2]
    // NaN; with oneDNN off both +∞), so ours does the same for one element. It is oneDNN's AVX2/AVX-512 JIT
    // kernel's NaN: limited to SSE4.1 (ONEDNN_MAX_CPU_ISA=SSE41) oneDNN gives +∞ too; ours follows the x86-64
    // machines PyTorch runs on.
    private readonly struct GeluOp(bool oneDnn) : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
            => oneDnn && typeof(T) == typeof(float) && T.IsPositiveInfinity(x) ? T.NaN
                : x * T.CreateTruncating(0.5) * (T.One + T.CreateTruncating(ErfMath.Erf(double.CreateTruncating(x) * SqrtHalf)));
    }

    private readonly struct GeluGrad : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T cdf = T.CreateTruncating(0.5) * (T.One + T.CreateTruncating(ErfMath.Erf(double.CreateTruncating(x) * SqrtHalf)));
            T pdf = T.CreateTruncating(InvSqrt2Pi) * T.Exp(x * x * T.CreateTruncating(-0.5));
            return g * (cdf + x * pdf);
        }
    }

    private readonly struct GeluTanhOp : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T inner = T.CreateTruncating(TanhK) * (x + T.CreateTruncating(TanhC) * x * x * x);
            return T.CreateTruncating(0.5) * x * (T.One + T.Tanh(inner));
        }
    }

    private readonly struct GeluTanhGrad : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T half = T.CreateTruncating(0.5), k = T.CreateTruncating(TanhK), c = T.CreateTruncating(TanhC);
            T x2 = x * x, t = T.Tanh(k * (x + c * x2 * x));
            T du = k * (T.One + T.CreateTruncating(3) * c * x2);
            return g * (half * (T.One + t) + half * x * (T.One - t * t) * du);
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Gelu ops in <see cref="F"/>.</summary>
public static class TensorGeluExtensions
{
    extension(Tensor x)
    {
        /// <summary>F.gelu(x, approximate).</summary>
        public Tensor Gelu(string approximate = "none") => F.Gelu(x, approximate);
    }
}
