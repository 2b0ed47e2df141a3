using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Elementwise;

/// <summary>add, sub, mul, div (tensor and scalar forms, broadcasting) and the unary ops against libtorch.</summary>
[Collection(OracleCollection.Name)]
public class ElementwiseOracleTests
{
    private static readonly (int[] A, int[] B)[] BroadcastShapes =
    [
        ([5], [5]), ([2, 3], [3]), ([2, 1, 4], [3, 1]), ([1], [2, 5]), ([], [2, 3]), ([4, 1], [1, 5]),
        ([3, 17], [3, 17]), ([2, 3, 1, 5], [4, 1]), ([7], []), ([2, 1, 3], [2, 4, 1]),
    ];

    private static readonly (string Name, Func<IOracleBackend, OracleTensor, OracleTensor, OracleTensor> F)[] Binary =
    [
        ("Add", (e, a, b) => e.Add(a, b)), ("Sub", (e, a, b) => e.Sub(a, b)),
        ("Mul", (e, a, b) => e.Mul(a, b)), ("Div", (e, a, b) => e.Div(a, b)),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BinaryOpsWithBroadcastingMatchLibtorch(DType dtype) => CrossCheck.All(dtype, BinaryCases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> BinaryCases()
    {
        foreach (var (name, op) in Binary)
            foreach (var (a, b) in BroadcastShapes)
                foreach (var (ga, gb) in new[] { (true, true), (true, false), (false, true) })
                {
                    var bKind = name == "Div" ? Data.Positive : Data.Normal;
                    var tags = new[] { a.SequenceEqual(b) ? "same shape" : "broadcast", ga && gb ? "both need grad" : "one needs grad" };
                    yield return (new Case(name, $"[{string.Join(",", a)}] [{string.Join(",", b)}] grad {ga}/{gb}", tags,
                        [new Input(a, Data.Normal, ga), new Input(b, bKind, gb)]), (e, x) => op(e, x[0], x[1]));
                    yield return (new Case(name, $"[{string.Join(",", b)}] [{string.Join(",", a)}] (swapped) grad {gb}/{ga}", tags,
                        [new Input(b, Data.Normal, gb), new Input(a, bKind, ga)]), (e, x) => op(e, x[0], x[1]));
                }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ScalarOperandsMatchLibtorch(DType dtype)
    {
        double[] scalars = [2.5, -0.75, 1e-3, 3];
        var cases = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        foreach (var s in scalars)
        {
            var x = new[] { new Input([3, 4]) };
            cases.Add((new Case("Add", $"x + {s}", ["scalar"], x), (e, t) => t[0] + s));
            cases.Add((new Case("Sub", $"x - {s}", ["scalar"], x), (e, t) => t[0] - s));
            cases.Add((new Case("Mul", $"x * {s}", ["scalar"], x), (e, t) => t[0] * s));
            cases.Add((new Case("Div", $"x / {s}", ["scalar"], x), (e, t) => t[0] / s));
            cases.Add((new Case("Mul", $"{s} * x", ["scalar"], x), (e, t) => s * t[0]));
        }
        CrossCheck.All(dtype, cases);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NegMatchesLibtorch(DType dtype) => CrossCheck.All(dtype,
        new[] { new[] { 5 }, [2, 3], [], [2, 1, 4] }.Select(s =>
            (new Case("Neg", $"[{string.Join(",", s)}]", [s.Length == 0 ? "0-dim" : "n-dim"], [new Input(s)]),
             (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => -x[0]))));
}
