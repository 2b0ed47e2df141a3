using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Pooling;

// lp_pool2d is composed of recorded ops (pow, avg_pool2d, abs, relu, mul; F.LpPool2d), so its double
// backward is theirs: these tests need abs's and relu's double backward (AbsBackward0, ReluBackward0 →
// ThresholdBackwardBackward0) besides avg_pool2d's and pow's.

/// <summary>GradGradCheck of lp_pool2d (float64, finite differences of the first-order gradient).</summary>
public class PoolLpGradGradTests
{
    private static readonly int[][] Shapes = [[1, 1, 5, 6], [2, 4, 5], [2, 2, 4, 5]];

    public static TheoryData<int, double, (int, int), (int, int), bool> LpGrid() => new()
    {
        { 0, 2, (2, 2), (2, 2), false },
        { 1, 3, (3, 3), (2, 2), true },
        { 2, 1.5, (2, 3), (3, 1), true },
    };

    [Theory]
    [MemberData(nameof(LpGrid))]
    public void LpPool2d(int shape, double p, (int, int) k, (int, int) s, bool ceil)
    {
        // Positive inputs (0.5..1.5): x^p is defined for every p and no window sum sits at relu's or abs's kink.
        var x = (Tensor.Rand(Shapes[shape], DType.Float64, generator: new Generator(shape + 90)) + 0.5).Detach().RequiresGrad_();
        Assert.True(GradGradCheck.Check(t => F.LpPool2d(t[0], p, k, s, ceil), [x]));
    }
}

/// <summary>lp_pool2d's first-order gradient and Hessian-vector product against libtorch (CrossCheck.CompareHvp).</summary>
[Collection(OracleCollection.Name)]
public class PoolLpHvpOracleTests
{
    private static string Shape(int[] s) => $"x[{string.Join(",", s)}]";

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Lp()
    {
        (int[] Shape, double P, Pair K, Pair? S, bool Ceil)[] grid =
        [
            ([1, 2, 4, 6], 2, 2, null, false), ([2, 5, 5], 3, 3, 2, true), ([1, 2, 5, 6], 1.5, (2, 3), (3, 1), true),
            ([1, 1, 4, 4], 1, 2, 1, false), ([2, 4, 7], 4, (2, 2), (1, 3), false),
        ];
        foreach (var (shape, norm, k, s, ceil) in grid)
            // Positive inputs: fractional powers are defined, and no window sum sits at abs's or relu's kink.
            yield return (new Case("LpPool2d", $"{Shape(shape)} Positive p {norm} kernel {k} stride {s?.ToString() ?? "default"} ceil_mode={ceil}",
                    [$"norm_type {norm}", ceil ? "ceil_mode" : "floor mode"], [new Input(shape, Data.Positive)]),
                (e, x) => e.LpPool2d(x[0], norm, k, s, ceil));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LpPoolingAgreesWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Lp());
}
