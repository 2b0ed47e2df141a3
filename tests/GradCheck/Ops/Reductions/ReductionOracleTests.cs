using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Reductions;

/// <summary>sum and mean over everything and over dims (negative dims, keepdim) against libtorch.</summary>
[Collection(OracleCollection.Name)]
public class ReductionOracleTests
{
    private static readonly (int[] Shape, int[] Dims)[] Selections =
    [
        ([5], [0]), ([3, 4], [0]), ([3, 4], [1]), ([3, 4], [-1]), ([3, 4], [0, 1]), ([2, 3, 4], [0, 2]),
        ([2, 3, 4], [-2]), ([2, 3, 4, 5], [2, 3]), ([2, 3, 4, 5], [1, -1]), ([1, 6, 1], [0, 2]), ([4, 33], [1]),
        ([2, 3, 4], []),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SumAndMeanMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Cases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Cases()
    {
        foreach (var shape in new[] { new[] { 7 }, [3, 4], [2, 3, 5], [], [2, 1, 65] })
        {
            var s = $"[{string.Join(",", shape)}]";
            yield return (new Case("Sum", s, ["all elements"], [new Input(shape)]), (e, x) => e.Sum(x[0]));
            yield return (new Case("Mean", s, ["all elements"], [new Input(shape)]), (e, x) => e.Mean(x[0]));
        }
        foreach (var (shape, dims) in Selections)
            foreach (var keep in new[] { false, true })
            {
                var cfg = $"[{string.Join(",", shape)}] dims [{string.Join(",", dims)}] keepdim={keep}";
                string[] tags = [keep ? "keepdim" : "no keepdim", dims.Length == 0 ? "dims []" : dims.Any(d => d < 0) ? "negative dim" : dims.Length > 1 ? "several dims" : "one dim"];
                yield return (new Case("Sum", cfg, tags, [new Input(shape)]), (e, x) => e.Sum(x[0], dims, keep));
                yield return (new Case("Mean", cfg, tags, [new Input(shape)]), (e, x) => e.Mean(x[0], dims, keep));
            }
    }
}
