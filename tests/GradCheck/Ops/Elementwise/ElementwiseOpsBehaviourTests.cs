namespace Autograd.Tests.Ops.Elementwise;

/// <summary>
/// Values against the C library (erf, log1p, expm1: Python's math module, which calls libm), PyTorch's node names,
/// the member spellings, the tie and NaN rules of maximum/minimum (hand-derived), and option errors.
/// </summary>
public class ElementwiseOpsBehaviourTests
{
    // Expected values: Python 3 math.erf / math.log1p / math.expm1 (glibc libm), printed with repr.
    private static readonly double[] ErfX = [-7.0, -5.9, -3.0, -2.5000001, -2.4999999, -1.3, -0.84375, -0.001, -1e-12, 0.0, 5e-310, 1e-08, 0.3, 0.84375, 1.0, 1.25, 2.0, 2.857, 3.5, 4.2, 5.5, 6.5, 27.0];
    private static readonly double[] ErfY = [-1.0, -0.9999999999999999, -0.9999779095030014, -0.9995930482003834, -0.9995930477647266, -0.9340079449406524, -0.7672256612323416, -0.0011283787909692365, -1.1283791670955126e-12, 0.0, 5.64189583547756e-310, 1.1283791670955126e-08, 0.3286267594591274, 0.7672256612323416, 0.8427007929497149, 0.9229001282564582, 0.9953222650189527, 0.9999466417399131, 0.9999992569016276, 0.9999999971445058, 0.9999999999999927, 1.0, 1.0];
    private static readonly double[] Log1pX = [-0.9999, -0.5, -1e-10, -1e-300, 1e-20, 1e-8, 3e-5, 0.5, 1.0, 10.0, 1e10, 1e300];
    private static readonly double[] Log1pY = [-9.210340371976294, -0.6931471805599453, -1.00000000005e-10, -1e-300, 1e-20, 9.999999950000001e-09, 2.99995500089998e-05, 0.4054651081081644, 0.6931471805599453, 2.3978952727983707, 23.025850930040455, 690.7755278982137];
    private static readonly double[] Expm1X = [-800.0, -40.0, -1.0, -1e-7, -1e-300, 1e-20, 1e-9, 2e-5, 0.5, 1.0, 20.0, 700.0];
    private static readonly double[] Expm1Y = [-1.0, -1.0, -0.6321205588285577, -9.999999500000016e-08, -1e-300, 1e-20, 1.0000000005000001e-09, 2.000020000133334e-05, 0.6487212707001282, 1.718281828459045, 485165194.4097903, 1.0142320547350045e+304];

    /// <summary>Relative error within a few ulp (erf, log1p and expm1 are accurate to the last bits, tiny arguments included).</summary>
    private static void AssertRelative(double[] expected, Tensor actual, double rel = 4e-16)
    {
        var a = actual.ToDoubleArray();
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - expected[i]) <= rel * Math.Abs(expected[i]) || (expected[i] == 0 && a[i] == 0) || Math.Abs(a[i] - expected[i]) < 1e-320,
                $"element {i}: expected {expected[i]:R}, got {a[i]:R}");
    }

    [Fact]
    public void ErfLog1pExpm1MatchTheCLibraryToAFewUlp()
    {
        AssertRelative(ErfY, F.Erf(Tensor.From(ErfX)), 1e-15);
        AssertRelative(Log1pY, F.Log1p(Tensor.From(Log1pX)));
        AssertRelative(Expm1Y, F.Expm1(Tensor.From(Expm1X)));
        Assert.Equal([1.0, -1, double.NaN, double.NegativeInfinity, double.NaN, double.PositiveInfinity, -1],
            F.Erf(Tensor.From([double.PositiveInfinity, double.NegativeInfinity, double.NaN])).ToDoubleArray()
                .Concat(F.Log1p(Tensor.From([-1.0, -2, double.PositiveInfinity])).ToDoubleArray())
                .Concat(F.Expm1(Tensor.From([double.NegativeInfinity])).ToDoubleArray()));
    }

    [Fact]
    public void Float32ResultsAreTheFloat64OnesRounded()
    {
        double[] x = [-3.2, -1.1, -0.4, 0.0, 0.25, 0.9, 2.7];
        var x32 = Tensor.From(x.Select(v => (float)v).ToArray());
        var x64 = Tensor.From(x.Select(v => (double)(float)v).ToArray());
        foreach (var op in new Func<Tensor, Tensor>[] { F.Sin, F.Cos, F.Erf, F.Expm1, t => F.Log1p(t * t), F.Reciprocal, t => F.Rsqrt(t * t + 0.5), F.Sign, F.Round,
                     t => F.Softplus(t), F.LogSigmoid, t => F.Gelu(t), t => F.Gelu(t, "tanh"), t => F.LeakyRelu(t), t => F.Elu(t), F.Silu, t => F.Hardtanh(t), t => F.Maximum(t, t * -1) })
        {
            var y = op(x32);
            Assert.Equal(DType.Float32, y.DType);
            TestData.AssertClose(op(x64).ToDoubleArray(), y, 2e-6);
        }
    }

    /// <summary>
    /// float32 erf, gelu, sin, cos and their gradients (vectorised kernels on AVX-512) against float64, at 20 000
    /// points: erf within 3 ulp; gelu within 3 ulp plus |x|·2⁻²⁴ (1 + erf(x/√2) is formed in float32, as in
    /// PyTorch, so its rounding near 1 is scaled by x/2); the gradient within 3 ulp of max(|value|, 0.5) (its terms
    /// Φ(x) and x·φ(x) are up to ~1 and cancel near x ≈ −0.75). sin and cos (float32 kernels)
    /// and their gradients within 2 ulp, arguments up to 3e5 included.
    /// </summary>
    [Fact]
    public void Float32ErfGeluSinCosAreWithinAFewUlpOfFloat64()
    {
        var g = new Random(1234);
        float[] x = [.. Enumerable.Range(0, 20000).Select(i => i % 5 == 0 ? (float)(Math.Pow(10, -30 + 30 * g.NextDouble()) * (g.Next(2) * 2 - 1))
            : i % 97 == 0 ? (float)((g.NextDouble() * 2 - 1) * 3e5) : (float)((g.NextDouble() * 2 - 1) * 7))];
        var x32 = Tensor.From(x, [x.Length], requiresGrad: true);
        var x64 = Tensor.From(x.Select(v => (double)v).ToArray(), [x.Length], requiresGrad: true);
        foreach (var (name, op) in new (string, Func<Tensor, Tensor>)[] { ("erf", F.Erf), ("gelu", t => F.Gelu(t)), ("sin", F.Sin), ("cos", F.Cos) })
        {
            var y32 = op(x32);
            var y64 = op(x64);
            y32.Backward(Tensor.Ones([x.Length]));
            y64.Backward(Tensor.Ones([x.Length]));
            float[] a = y32.ToArray<float>(), d = x32.Grad!.ToArray<float>();
            double[] b = y64.ToDoubleArray(), e = x64.Grad!.ToDoubleArray();
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= (name is "sin" or "cos" ? 2 : 3) * Ulp(b[i]) + (name == "gelu" ? Math.Abs(x[i]) * 5.9604644775390625e-8 : 0), $"{name}({x[i]:R}) = {a[i]:R}, float64 {b[i]:R}");
                Assert.True(Math.Abs(d[i] - e[i]) <= (name is "sin" or "cos" ? 2 * Ulp(e[i]) : 3 * Ulp(Math.Max(Math.Abs(e[i]), 0.5))), $"{name}'({x[i]:R}) = {d[i]:R}, float64 {e[i]:R}");
            }
            x32.Grad = null;
            x64.Grad = null;
        }

        static double Ulp(double v) => Math.Max(MathF.BitIncrement(MathF.Abs((float)v)) - MathF.Abs((float)v), float.Epsilon);
    }

    public static TheoryData<string, string, string> NodeNames => new()
    {
        // PyTorch 2.x: y.grad_fn.name() and, with a grad_output v requiring grad, torch.autograd.grad(y, x, v, create_graph=True)[0].grad_fn.name().
        { "sin", "SinBackward0", "MulBackward0" },
        { "cos", "CosBackward0", "MulBackward0" },
        { "log1p", "Log1PBackward0", "DivBackward0" },
        { "expm1", "Expm1Backward0", "MulBackward0" },
        { "erf", "ErfBackward0", "MulBackward0" },
        { "rsqrt", "RsqrtBackward0", "MulBackward0" },
        { "reciprocal", "ReciprocalBackward0", "MulBackward0" },
        { "softplus", "SoftplusBackward0", "SoftplusBackwardBackward0" },
        { "logsigmoid", "LogSigmoidBackward0", "LogSigmoidBackwardBackward0" },
        { "gelu", "GeluBackward0", "GeluBackwardBackward0" },
        { "leaky_relu", "LeakyReluBackward0", "LeakyReluBackwardBackward0" },
        { "elu", "EluBackward0", "EluBackwardBackward0" },
        { "silu", "SiluBackward0", "SiluBackwardBackward0" },
        { "hardtanh", "HardtanhBackward0", "HardtanhBackwardBackward0" },
        { "maximum", "MaximumBackward0", "MaskedFillBackward0" },
        { "minimum", "MinimumBackward0", "MaskedFillBackward0" },
    };

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "sin" => x.Sin(), "cos" => x.Cos(), "log1p" => x.Log1p(), "expm1" => x.Expm1(), "erf" => x.Erf(),
        "rsqrt" => x.Rsqrt(), "reciprocal" => x.Reciprocal(), "softplus" => x.Softplus(), "logsigmoid" => x.LogSigmoid(),
        "gelu" => x.Gelu(), "leaky_relu" => x.LeakyRelu(), "elu" => x.Elu(), "silu" => x.Silu(), "hardtanh" => x.Hardtanh(),
        "maximum" => x.Maximum(Tensor.From([1.0, 0.5, 0.25])), "minimum" => x.Minimum(Tensor.From([1.0, 0.5, 0.25])),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(NodeNames))]
    public void NodesCarryPyTorchsNames(string op, string node, string doubleNode)
    {
        var x = Tensor.From([0.5, 1.5, 0.75], requiresGrad: true);
        var y = Apply(op, x);
        Assert.Equal(node, y.GradFn?.Name);
        var v = Tensor.OnesLike(y);
        v.RequiresGrad = true;
        Assert.Equal(doubleNode, Grad.Compute([y], [x], [v], createGraph: true)[0]!.GradFn?.Name);
    }

    [Fact]
    public void MaximumSplitsTiesInHalvesAndGivesNaNsGradientToBoth()
    {
        // Hand-derived from derivatives.yaml: where(a == b, g/2, g).masked_fill_(a < b, 0), and for b with a > b.
        var a = Tensor.From([1.0, 2, 3, double.NaN, 5], requiresGrad: true);
        var b = Tensor.From([1.0, 3, 2, 4, double.NaN], requiresGrad: true);
        var y = F.Maximum(a, b);
        Assert.Equal([1.0, 3, 3, double.NaN, double.NaN], y.ToDoubleArray());
        y.Backward(Tensor.From([10.0, 10, 10, 10, 10]));
        Assert.Equal([5.0, 0, 10, 10, 10], a.Grad!.ToDoubleArray());
        Assert.Equal([5.0, 10, 0, 10, 10], b.Grad!.ToDoubleArray());

        var c = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var d = Tensor.From([2.0], requiresGrad: true);   // broadcast: its gradient is summed over the three
        F.Minimum(c, d).Backward(Tensor.From([1.0, 1, 1]));
        Assert.Equal([1.0, 0.5, 0], c.Grad!.ToDoubleArray());
        Assert.Equal([1.5], d.Grad!.ToDoubleArray());
    }

    [Fact]
    public void MaximumPromotesFloat32WithFloat64AsPyTorch()
    {
        // torch.maximum(float32 [2], float64 [2]) is float64; a 0-dim float64 does not raise a dimensioned float32.
        var a = Tensor.From([1f, 5f]);
        Assert.Equal(DType.Float64, F.Maximum(a, Tensor.From([2.0, 3.0])).DType);
        var s = F.Minimum(a, Tensor.Scalar(2.0, DType.Float64));
        Assert.Equal(DType.Float32, s.DType);
        Assert.Equal([1.0, 2.0], s.ToDoubleArray());
    }

    [Fact]
    public void MemberSpellingsAreTheFunctions()
    {
        var x = TestData.Randn([2, 3], 1800);
        var y = TestData.Randn([3], 1801);
        (Tensor, Tensor)[] pairs =
        [
            (x.Add(y), x + y), (x.Add(2.5), x + 2.5), (x.Sub(y), x - y), (x.Sub(2.5), x - 2.5), (x.Mul(y), x * y), (x.Mul(2.5), x * 2.5),
            (x.Div(y), x / y), (x.Div(2.5), x / 2.5), (x.Neg(), -x), (x.Maximum(y), F.Maximum(x, y)), (x.Minimum(y), F.Minimum(x, y)),
        ];
        foreach (var (m, f) in pairs) Assert.Equal(f.ToDoubleArray(), m.ToDoubleArray());
        Assert.Equal("AddBackward0", x.Add(y).GradFn?.Name);
        Assert.Equal("DivBackward0", x.Div(2.0).GradFn?.Name);
        Assert.Equal("NegBackward0", x.Neg().GradFn?.Name);
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithPyTorchsMessages()
    {
        var x = Tensor.From([1.0, 2]);
        Assert.Contains("approximate argument must be either none or tanh", Assert.Throws<ArgumentException>(() => F.Gelu(x, "exact")).Message);
        var e = Assert.Throws<ArgumentException>(() => F.Hardtanh(x, 1, -1));
        Assert.Contains("hardtanh", e.Message);
        Assert.Contains("min_val cannot be greater than max_val", e.Message);
        Assert.Contains("maximum", Assert.Throws<ArgumentException>(() => F.Maximum(Tensor.From([1.0, 2]), Tensor.From([1.0, 2, 3]))).Message);
        Assert.Equal([1.0, 1], F.Hardtanh(x, 1, 1).ToDoubleArray());   // min == max is allowed: every element is that bound
    }
}
