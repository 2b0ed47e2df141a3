using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Elementwise;

/// <summary>
/// sin ... round, the activations (softplus, logsigmoid, gelu, leaky_relu, elu, silu, hardtanh) and
/// maximum/minimum against libtorch 2.10: values and every input gradient, float32 and float64, over shapes,
/// options, ±∞/NaN inputs, integer inputs (kinks and ties hit exactly) and ±∞/NaN upstream gradients.
/// </summary>
[Collection(OracleCollection.Name)]
public class ElementwiseOpsOracleTests
{
    private static readonly int[][] Shapes = [[7], [3, 5], [], [2, 3, 4], [33]];

    // Positive: inside the domain of rsqrt (and away from reciprocal's pole); Ties: integers −2..2, so x = 0,
    // x = −1 (log1p's pole) and the kinks of sign, hardtanh, leaky_relu and elu are hit exactly.
    internal static readonly (string Op, Data[] Kinds, Func<IOracleBackend, OracleTensor, OracleTensor> F)[] Unary =
    [
        ("Sin", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Sin(x)),
        ("Cos", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Cos(x)),
        ("Log1p", [Data.Positive, Data.Normal, Data.Special, Data.Ties], (e, x) => e.Log1p(x)),
        ("Expm1", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Expm1(x)),
        ("Erf", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Erf(x)),
        ("Rsqrt", [Data.Positive, Data.Special, Data.Ties], (e, x) => e.Rsqrt(x)),
        ("Reciprocal", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Reciprocal(x)),
        ("Sign", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Sign(x)),
        ("Round", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Round(e.Mul(x, 2.5))),
        ("Softplus", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Softplus(x)),
        ("LogSigmoid", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.LogSigmoid(x)),
        ("Gelu", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Gelu(x)),
        ("LeakyRelu", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.LeakyRelu(x)),
        ("Elu", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Elu(x)),
        ("Silu", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Silu(x)),
        ("Hardtanh", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Hardtanh(x)),
    ];

    private static string Tag(Data d) => d switch
    {
        Data.Special => "±inf/NaN inputs",
        Data.Ties => "integer inputs (kinks hit exactly)",
        Data.Positive => "positive inputs",
        _ => "normal inputs",
    };

    /// <summary>
    /// Note [Vector and tail lanes]: libtorch's elu_backward and hardtanh_backward treat a NaN input differently in
    /// their vectorised loop (NaN gradient for elu, 0 for hardtanh) and in the scalar loop over the last few
    /// elements (the upstream gradient passes). Ours follows the vector form, which covers all but the tail of
    /// a tensor; NaN inputs to these two are compared in shapes whose every element lies in vector lanes
    /// (multiples of 32: two AVX-512 float32 vectors).
    /// </summary>
    internal static int[][] ShapesFor(string op, Data kind)
        => kind == Data.Special && op is "Elu" or "Hardtanh" ? [[64], [2, 32]] : Shapes;

    private static string S(int[] shape) => $"[{string.Join(",", shape)}]";

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void UnaryOpsMatchLibtorch(DType dtype) => CrossCheck.All(dtype,
        from op in Unary
        from kind in op.Kinds
        from shape in ShapesFor(op.Op, kind)
        select (new Case(op.Op, $"{S(shape)} {kind}", [Tag(kind)], [new Input(shape, kind)]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => op.F(e, x[0]))));

    /// <summary>NaN and ±∞ arriving as the upstream gradient: products and selects in the rules must match PyTorch's.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BackwardWithNonFiniteUpstreamGradientsMatchesLibtorch(DType dtype) => CrossCheck.All(dtype,
        from op in Unary
        from kind in new[] { Data.Normal, Data.Ties }
        select (new Case(op.Op, $"[4,8] {kind}, upstream ±inf/NaN", ["±inf/NaN upstream gradient"], [new Input([4, 8], kind)]) { Upstream = Data.Special },
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => op.F(e, x[0]))));

    /// <summary>Large and tiny magnitudes: erf's tails and series/fraction switch, log1p/expm1 near 0, softplus's overflow guard.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ScaledInputsMatchLibtorch(DType dtype) => CrossCheck.All(dtype,
        from scale in new[] { 1e-9, 1e-4, 0.3, 3.0, 12.0, 40.0 }
        from op in Unary
        where op.Op is not ("Rsqrt" or "Round" or "Sign")
        select (new Case(op.Op, $"[40] normal × {scale}", ["scaled inputs"], [new Input([40])]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => op.F(e, e.Mul(x[0], scale)))));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ActivationOptionsMatchLibtorch(DType dtype)
    {
        var items = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        void Add(string op, string config, string tag, Func<IOracleBackend, OracleTensor, OracleTensor> f)
        {
            foreach (var kind in new[] { Data.Normal, Data.Ties, Data.Special })
                foreach (var shape in kind == Data.Special ? [[64]] : new[] { new[] { 11 }, [2, 5], [] })
                    items.Add((new Case(op, $"{S(shape)} {config} {kind}", [tag, Tag(kind)], [new Input(shape, kind)]), (e, x) => f(e, e.Mul(x[0], 3.0))));
        }
        foreach (var (beta, threshold) in new[] { (1.0, 20.0), (2.0, 20.0), (0.5, 1.0), (1.0, 2.0), (3.0, 0.5), (-1.0, 20.0) })
            Add("Softplus", $"beta {beta} threshold {threshold}", beta == 1 && threshold == 20 ? "defaults" : "beta/threshold", (e, x) => e.Softplus(x, beta, threshold));
        foreach (var approximate in new[] { "none", "tanh" })
            Add("Gelu", $"approximate {approximate}", $"approximate={approximate}", (e, x) => e.Gelu(x, approximate));
        foreach (var slope in new[] { 0.01, 0.2, 0.0, -0.5, 1.5 })
            Add("LeakyRelu", $"slope {slope}", slope == 0.01 ? "defaults" : "negative_slope", (e, x) => e.LeakyRelu(x, slope));
        foreach (var alpha in new[] { 1.0, 0.5, 2.0, 0.0 })
            Add("Elu", $"alpha {alpha}", alpha == 1 ? "defaults" : "alpha", (e, x) => e.Elu(x, alpha));
        foreach (var (lo, hi) in new[] { (-1.0, 1.0), (-0.5, 2.0), (0.0, 6.0), (1.0, 1.0), (-3.0, -1.0) })
            Add("Hardtanh", $"min {lo} max {hi}", lo == -1 && hi == 1 ? "defaults" : "min_val/max_val", (e, x) => e.Hardtanh(x, lo, hi));
        CrossCheck.All(dtype, items);
    }

    private static readonly (int[] A, int[] B)[] BroadcastShapes =
    [
        ([5], [5]), ([2, 3], [3]), ([2, 1, 4], [3, 1]), ([1], [2, 5]), ([], [2, 3]), ([4, 1], [1, 5]), ([7], []), ([], []), ([3, 17], [3, 17]),
    ];

    /// <summary>maximum/minimum: broadcasting both ways, one or both inputs needing grad, ties (halved gradients) and NaN (both get all of it).</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaximumMinimumMatchLibtorch(DType dtype)
    {
        var items = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        foreach (var (name, op) in new (string, Func<IOracleBackend, OracleTensor, OracleTensor, OracleTensor>)[] { ("Maximum", (e, a, b) => e.Maximum(a, b)), ("Minimum", (e, a, b) => e.Minimum(a, b)) })
            foreach (var (a, b) in BroadcastShapes)
                foreach (var kind in new[] { Data.Normal, Data.Ties, Data.Special })
                    foreach (var (ga, gb) in new[] { (true, true), (true, false), (false, true) })
                    {
                        string[] tags = [a.SequenceEqual(b) ? "same shape" : "broadcast", Tag(kind) + (kind == Data.Ties ? " (ties halve the gradient)" : "")];
                        items.Add((new Case(name, $"{S(a)} {S(b)} {kind} grad {ga}/{gb}", tags, [new Input(a, kind, ga), new Input(b, kind, gb)]), (e, x) => op(e, x[0], x[1])));
                        items.Add((new Case(name, $"{S(b)} {S(a)} {kind} grad {gb}/{ga} (swapped)", tags, [new Input(b, kind, gb), new Input(a, kind, ga)]), (e, x) => op(e, x[0], x[1])));
                    }
        // x against itself: every element is a tie, so each operand gets half and their sum is the whole gradient.
        foreach (var shape in Shapes)
            items.Add((new Case("Maximum", $"{S(shape)} maximum(x, x)", ["same tensor"], [new Input(shape)]), (e, x) => e.Maximum(x[0], x[0])));
        CrossCheck.All(dtype, items);
    }

    /// <summary>Invalid configurations: both engines reject them (with an error naming the op), or both accept them.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void InvalidConfigurationsAreRejectedByBoth(DType dtype)
    {
        var configs = new (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[]
        {
            ("Gelu", "approximate 'foo'", [new Input([4])], (e, x) => e.Gelu(x[0], "foo")),
            ("Gelu", "approximate 'Tanh' (case-sensitive)", [new Input([4])], (e, x) => e.Gelu(x[0], "Tanh")),
            ("Gelu", "approximate ''", [new Input([2, 3])], (e, x) => e.Gelu(x[0], "")),
            ("Maximum", "shapes do not broadcast", [new Input([2, 3]), new Input([4])], (e, x) => e.Maximum(x[0], x[1])),
            ("Minimum", "shapes do not broadcast", [new Input([3, 2]), new Input([2, 3])], (e, x) => e.Minimum(x[0], x[1])),
            ("Maximum", "valid: broadcast to a larger rank", [new Input([3]), new Input([2, 1, 3])], (e, x) => e.Maximum(x[0], x[1])),
        };
        CrossCheck.AllAgree(dtype, configs);
    }

    [Fact]
    public void GeluRejectsAnUnknownApproximationWithPyTorchsMessage()
    {
        const string Phrase = "approximate argument must be either none or tanh";
        using (var torch = new TorchSharpBackend())
            Assert.Contains(Phrase, Assert.Throws<TorchException>(() => torch.Gelu(torch.From([1, 2], [2], DType.Float64), "foo")).Message);
        var e = Assert.Throws<ArgumentException>(() => F.Gelu(Tensor.From([1.0, 2]), "foo"));
        Assert.Contains(Phrase, e.Message);
        Assert.Contains("'foo'", e.Message);
    }

    /// <summary>
    /// erf, log1p and expm1 at 20 000 points each against libtorch's float64 kernels (glibc/SLEEF, ≤ 1 ulp), to a
    /// few ulp: far tighter than the oracle tolerance, so a weak spot of our erf table (a centre, an interval
    /// edge, the tails) would show.
    /// </summary>
    [Fact]
    public void Float64ErfLog1pExpm1AreWithinAFewUlpOfLibtorch()
    {
        var g = new Random(2024);
        double[] erfX = [.. Enumerable.Range(0, 20000).Select(i => i % 4 == 0 ? Math.Pow(10, -12 + 12 * g.NextDouble()) * (g.Next(2) * 2 - 1) : (g.NextDouble() * 2 - 1) * 6.5)];
        double[] smallX = [.. Enumerable.Range(0, 20000).Select(i => Math.Pow(10, -15 + 16 * g.NextDouble()) * (g.Next(2) * 2 - 1) * (i % 2 == 0 ? 1 : 0.9))];
        using var torch = new TorchSharpBackend();
        foreach (var (name, x, ours, theirs) in new (string, double[], Func<Tensor, Tensor>, Func<OracleTensor, OracleTensor>)[]
                 { ("erf", erfX, F.Erf, torch.Erf), ("log1p", smallX, F.Log1p, torch.Log1p), ("expm1", smallX, F.Expm1, torch.Expm1) })
        {
            var o = ours(Tensor.From(x)).ToDoubleArray();
            var t = theirs(torch.From(x, [x.Length], DType.Float64)).Values();
            double worst = 0;
            for (int i = 0; i < x.Length; i++)
                if (double.IsNaN(t[i])) Assert.True(double.IsNaN(o[i]), $"{name}({x[i]:R}): libtorch NaN, ours {o[i]:R}");   // log1p below −1
                else worst = Math.Max(worst, Math.Abs(o[i] - t[i]) / Math.Max(Math.Abs(t[i]), double.Epsilon));
            Assert.True(worst <= 8e-16, $"{name}: worst relative difference from libtorch {worst:e2}");
        }
    }
}
