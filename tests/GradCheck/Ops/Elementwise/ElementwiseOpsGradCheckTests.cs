namespace Autograd.Tests.Ops.Elementwise;

/// <summary>
/// GradCheck (float64 central differences of the first derivative) and GradGradCheck (of the second) for every
/// new elementwise op over shapes [7], [3,5], [], [2,3,4] and the ops' options. Inputs keep away from the points
/// where an op is not differentiable (kinks, round's half-integers, softplus's threshold switch, ties of
/// maximum/minimum), where finite differences would straddle the jump.
/// </summary>
public class ElementwiseOpsGradCheckTests
{
    private static readonly int[][] Shapes = [[7], [3, 5], [], [2, 3, 4]];

    /// <summary>Normal values × <paramref name="scale"/>, each moved off the listed kinks by at least 0.05.</summary>
    private static Tensor Away(int[] shape, int seed, double scale, params double[] kinks)
    {
        var t = TestData.Randn(shape, seed, requiresGrad: false);
        for (int i = 0; i < t.Numel; i++)
        {
            double v = t.GetDouble(i) * scale;
            while (kinks.Any(k => Math.Abs(v - k) < 0.05)) v += 0.13;
            t.SetDouble(i, v);
        }
        return t.RequiresGrad_(true);
    }

    private static readonly double[] HalfIntegers = [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5];

    // name → (function of the inputs, inputs for a shape and seed)
    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Func<int[], int, Tensor[]> Inputs)> Ops = new()
    {
        ["sin"] = (t => t[0].Sin(), (s, k) => [Away(s, k, 2)]),
        ["cos"] = (t => t[0].Cos(), (s, k) => [Away(s, k, 2)]),
        ["log1p"] = (t => t[0].Log1p(), (s, k) => [TestData.Positive(s, k)]),
        ["log1p near zero"] = (t => (t[0] * 1e-3).Log1p(), (s, k) => [Away(s, k, 1)]),
        ["expm1"] = (t => t[0].Expm1(), (s, k) => [Away(s, k, 1)]),
        ["erf"] = (t => t[0].Erf(), (s, k) => [Away(s, k, 1.5)]),
        ["erf tails"] = (t => t[0].Erf(), (s, k) => [Away(s, k, 3, 0)]),   // values around ±2.5..6: the continued-fraction branch
        ["rsqrt"] = (t => t[0].Rsqrt(), (s, k) => [TestData.Positive(s, k)]),
        ["reciprocal"] = (t => t[0].Reciprocal(), (s, k) => [TestData.AwayFromZero(s, k)]),
        ["sign (zero gradient)"] = (t => t[0].Sign(), (s, k) => [TestData.AwayFromZero(s, k)]),
        ["round (zero gradient)"] = (t => t[0].Round(), (s, k) => [Away(s, k, 2, HalfIntegers)]),
        ["softplus"] = (t => F.Softplus(t[0]), (s, k) => [Away(s, k, 3)]),
        ["softplus beta 2 threshold 1"] = (t => F.Softplus(t[0], beta: 2, threshold: 1), (s, k) => [Away(s, k, 1.5, 0.5)]),
        ["softplus beta 0.5"] = (t => t[0].Softplus(0.5), (s, k) => [Away(s, k, 3)]),
        ["logsigmoid"] = (t => F.LogSigmoid(t[0]), (s, k) => [Away(s, k, 3)]),
        ["gelu"] = (t => F.Gelu(t[0]), (s, k) => [Away(s, k, 2)]),
        ["gelu tanh"] = (t => F.Gelu(t[0], approximate: "tanh"), (s, k) => [Away(s, k, 2)]),
        ["leaky_relu"] = (t => F.LeakyRelu(t[0]), (s, k) => [TestData.AwayFromZero(s, k)]),
        ["leaky_relu slope 0.3"] = (t => t[0].LeakyRelu(0.3), (s, k) => [TestData.AwayFromZero(s, k)]),
        ["leaky_relu slope -1.5"] = (t => F.LeakyRelu(t[0], -1.5), (s, k) => [TestData.AwayFromZero(s, k)]),
        ["elu"] = (t => F.Elu(t[0]), (s, k) => [TestData.AwayFromZero(s, k)]),
        ["elu alpha 2.5"] = (t => t[0].Elu(2.5), (s, k) => [TestData.AwayFromZero(s, k)]),
        ["silu"] = (t => F.Silu(t[0]), (s, k) => [Away(s, k, 3)]),
        ["hardtanh"] = (t => F.Hardtanh(t[0]), (s, k) => [Away(s, k, 1.5, -1, 1)]),
        ["hardtanh -0.5..2"] = (t => t[0].Hardtanh(-0.5, 2), (s, k) => [Away(s, k, 1.5, -0.5, 2)]),
        ["maximum"] = (t => F.Maximum(t[0], t[1]), (s, k) => [TestData.Randn(s, k), TestData.Randn(s, k + 50)]),
        ["minimum"] = (t => t[0].Minimum(t[1]), (s, k) => [TestData.Randn(s, k), TestData.Randn(s, k + 50)]),
        ["maximum broadcast"] = (t => t[0].Maximum(t[1]), (s, k) => [TestData.Randn(s, k), TestData.Randn(s.Length == 0 ? [] : [s[^1]], k + 50)]),
        ["minimum broadcast"] = (t => F.Minimum(t[0], t[1]), (s, k) => [TestData.Randn([1], k + 50), TestData.Randn(s, k)]),
    };

    public static TheoryData<string, int> Grid()
    {
        var d = new TheoryData<string, int>();
        foreach (var name in Ops.Keys)
            for (int i = 0; i < Shapes.Length; i++) d.Add(name, i);
        return d;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void FirstDerivativesMatchFiniteDifferences(string op, int shape)
    {
        var (f, inputs) = Ops[op];
        Assert.True(GradCheck.Check(f, inputs(Shapes[shape], 1500 + shape)), $"{op} {string.Join(",", Shapes[shape])}");
    }

    /// <summary>
    /// Second derivatives. Each op is applied to a product of two inputs (so mixed second derivatives appear) and
    /// multiplied by an input (so piecewise-linear ops have a non-zero Hessian); inputs are the same kink-free values.
    /// </summary>
    [Theory]
    [MemberData(nameof(Grid))]
    public void SecondDerivativesMatchFiniteDifferences(string op, int shape)
    {
        var (f, inputs) = Ops[op];
        var x = inputs(Shapes[shape], 1600 + shape);
        var c = Tensor.Uniform(x[0].Shape, 0.9, 1.1, DType.Float64, requiresGrad: true, new Generator(1700 + shape));   // a scale near 1 keeps the inputs off the kinks
        Func<Tensor[], Tensor> g = t => f([t[0] * t[^1], .. t[1..^1]]) * t[0];
        Assert.True(GradGradCheck.Check(g, [.. x, c]), $"{op} {string.Join(",", Shapes[shape])}");
    }

    [Fact]
    public void GradientsOfSignAndRoundAreZerosThatDoNotRequireGrad()
    {
        // PyTorch: SignBackward0 and RoundBackward0 return zeros_like(grad), a constant even under create_graph.
        var x = Tensor.From([-1.5, 0.0, 0.4, 2.5, -2.5], requiresGrad: true);
        foreach (var (y, node) in new[] { (x.Sign(), "SignBackward0"), (x.Round(), "RoundBackward0") })
        {
            Assert.Equal(node, y.GradFn?.Name);
            var g = Grad.Compute([y], [x], [Tensor.OnesLike(y)], createGraph: true)[0]!;
            Assert.Equal(new double[5], g.ToDoubleArray());
            Assert.False(g.RequiresGrad);
        }
    }
}
