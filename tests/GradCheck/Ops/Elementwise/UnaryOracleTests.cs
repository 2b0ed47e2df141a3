using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Elementwise;

/// <summary>pow, exp, log, sqrt, abs, relu, sigmoid, tanh, clamp, max/min against libtorch, special values included.</summary>
[Collection(OracleCollection.Name)]
public class UnaryOracleTests
{
    private static readonly int[][] Shapes = [[7], [3, 5], [], [2, 3, 4], [33], [2, 1, 17]];

    private static readonly (string Op, Data[] Kinds, Func<IOracleBackend, OracleTensor, OracleTensor> F)[] Ops =
    [
        ("Exp", [Data.Normal, Data.Special], (e, x) => e.Exp(x)),
        ("Log", [Data.Positive, Data.Special, Data.Ties], (e, x) => e.Log(x)),
        ("Sqrt", [Data.Positive, Data.Special, Data.Ties], (e, x) => e.Sqrt(x)),
        ("Abs", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Abs(x)),
        ("Relu", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Relu(x)),
        ("Sigmoid", [Data.Normal, Data.Special], (e, x) => e.Sigmoid(x)),
        ("Tanh", [Data.Normal, Data.Special], (e, x) => e.Tanh(x)),
        ("Neg", [Data.Special], (e, x) => e.Neg(x)),
        ("Clamp", [Data.Normal, Data.Special, Data.Ties], (e, x) => e.Clamp(x, -1, 1)),
    ];

    private static string Tag(Data d) => d switch
    {
        Data.Special => "±inf/NaN inputs",
        Data.Ties => "integer inputs (zeros, ties)",
        Data.Positive => "positive inputs",
        _ => "normal inputs",
    };

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void UnaryOpsMatchLibtorch(DType dtype) => CrossCheck.All(dtype,
        from op in Ops
        from kind in op.Kinds
        from shape in Shapes
        select (new Case(op.Op, $"[{string.Join(",", shape)}] {kind}", [Tag(kind)], [new Input(shape, kind)]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => op.F(e, x[0]))));

    /// <summary>NaN and ±∞ arriving as the upstream gradient (as they do inside lp_pool2d): products vs selects in the rules.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void UnaryBackwardWithNonFiniteUpstreamGradientsMatchesLibtorch(DType dtype) => CrossCheck.All(dtype,
        from op in Ops.Concat([("Pow", [Data.Ties], (e, x) => e.Pow(x, 2.5)), ("Pow", [Data.Ties], (e, x) => e.Pow(x, 0))])
        from kind in op.Kinds.Append(Data.Ties).Distinct()
        select (new Case(op.Op, $"[4,9] {kind}, upstream ±inf/NaN", ["±inf/NaN upstream gradient"], [new Input([4, 9], kind)]) { Upstream = Data.Special },
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => op.F(e, x[0]))));

    /// <summary>
    /// torch.clamp over its bound options: both, one side, min > max (every element becomes max), bounds
    /// on integer inputs (x == bound passes the gradient: PyTorch's mask is min ≤ x ≤ max), ±∞/NaN inputs.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ClampMatchesLibtorch(DType dtype) => CrossCheck.All(dtype,
        from b in new (double? Min, double? Max, string Tag)[]
        {
            (-0.5, 0.5, "min and max"), (-1, 1, "min and max"), (0, null, "min only"), (null, 0.25, "max only"),
            (1, -1, "min > max"), (0.3, 0.3, "min = max"), (double.NegativeInfinity, 2, "infinite bound"),
        }
        from kind in new[] { Data.Normal, Data.Ties, Data.Special }
        from shape in new[] { new[] { 9 }, [2, 5], [] }
        select (new Case("Clamp", $"[{string.Join(",", shape)}] min {b.Min?.ToString() ?? "None"} max {b.Max?.ToString() ?? "None"} {kind}", [b.Tag, Tag(kind)], [new Input(shape, kind)]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => e.Clamp(x[0], b.Min, b.Max))));

    /// <summary>clamp with neither bound: both engines refuse it ("At least one of 'min' or 'max' must not be None").</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ClampWithoutBoundsIsRejectedByBoth(DType dtype)
    {
        const string Phrase = "At least one of 'min' or 'max' must not be None";
        using (var torch = new TorchSharpBackend())
            Assert.Contains(Phrase, Assert.Throws<TorchException>(() => torch.Clamp(torch.From([1, 2], [2], dtype))).Message);
        Assert.Contains(Phrase, Assert.Throws<ArgumentException>(() => AutogradBackend.Instance.Clamp(AutogradBackend.Instance.From([1, 2], [2], dtype))).Message);
        // Agree also counts the rejection in the conformance report's error-agreement table.
        var c = new Case("Clamp", "[4] min None max None", ["no bound"], [new Input([4])]);
        Assert.Null(CrossCheck.Agree(c, dtype, (e, x) => e.Clamp(x[0]), 0));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void PowMatchesLibtorch(DType dtype) => CrossCheck.All(dtype,
        from p in new[] { 2.0, 3, 1, 0, -1, 0.5, 1.5, -2.5, 4 }
        from kind in new[] { Data.Normal, Data.Positive, Data.Ties, Data.Special }
        where kind != Data.Normal || p == Math.Floor(p) // fractional powers of negatives are NaN: covered by Ties/Special
        from shape in new[] { new[] { 9 }, [2, 5] }
        select (new Case("Pow", $"[{string.Join(",", shape)}] ^ {p} {kind}",
                [Tag(kind), p == Math.Floor(p) ? (p < 0 ? "negative integer exponent" : "integer exponent") : "fractional exponent"],
                [new Input(shape, kind)]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => e.Pow(x[0], p))));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxMinMatchLibtorch(DType dtype)
    {
        var cases = new List<(Case, CrossCheck.Graph)>();
        foreach (var kind in new[] { Data.Normal, Data.Ties, Data.Special })
        {
            foreach (var shape in new[] { new[] { 7 }, [3, 4], [2, 3, 5], [] })
            {
                var s = $"[{string.Join(",", shape)}] {kind}";
                cases.Add((new Case("Max", s, ["all elements", Tag(kind)], [new Input(shape, kind)]), (e, x) => (e.Max(x[0]), null)));
                cases.Add((new Case("Min", s, ["all elements", Tag(kind)], [new Input(shape, kind)]), (e, x) => (e.Min(x[0]), null)));
            }
            foreach (var (shape, dim) in new[] { (new[] { 7 }, 0), ([3, 4], 1), ([3, 4], 0), ([2, 3, 5], -1), ([2, 3, 5], 1), ([4, 1, 3], 1) })
                foreach (var keep in new[] { false, true })
                {
                    var s = $"[{string.Join(",", shape)}] dim {dim} keepdim={keep} {kind}";
                    string[] tags = ["over a dim", keep ? "keepdim" : "no keepdim", Tag(kind)];
                    cases.Add((new Case("Max", s, tags, [new Input(shape, kind)]), (e, x) => e.Max(x[0], dim, keep)));
                    cases.Add((new Case("Min", s, tags, [new Input(shape, kind)]), (e, x) => e.Min(x[0], dim, keep)));
                }
        }
        var failures = new List<string>();
        int n = 0;
        foreach (var (c, f) in cases)
            if (CrossCheck.CompareWithIndices(c, dtype, f, n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }
}
