namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// Finite-difference checks (float64) of every pooling op over a grid of configurations. Max pooling is
/// not differentiable at ties, so its inputs are a random permutation of 0.1·(0..n−1): every window
/// holds distinct values at least 0.1 apart, far beyond the 1e-6 step.
/// </summary>
public class PoolGradCheckTests
{
    private static readonly int[][] Shapes = [[1, 1, 7, 9], [2, 7, 5], [2, 3, 6, 7]];

    /// <summary>A random permutation of 0.1·(0..n−1), shaped.</summary>
    internal static Tensor Distinct(int[] shape, int seed)
    {
        int n = ShapeUtil.Numel(shape);
        var v = Enumerable.Range(0, n).Select(i => 0.1 * i).ToArray();
        new Random(seed).Shuffle(v);
        return Tensor.From(v, shape, requiresGrad: true);
    }

    /// <summary>Whether PyTorch accepts the configuration (pad ≤ k/2, output ≥ 1), so the grid holds only valid ones.</summary>
    private static bool Valid(int[] shape, Pair k, Pair s, Pair p, Pair d, bool ceil) =>
        p.H <= k.H / 2 && p.W <= k.W / 2 &&
        PoolAxis.OutputSize(shape[^2], k.H, s.H, p.H, d.H, ceil) >= 1 &&
        PoolAxis.OutputSize(shape[^1], k.W, s.W, p.W, d.W, ceil) >= 1;

    public static TheoryData<int, (int, int), (int, int), (int, int), (int, int), bool> MaxGrid()
    {
        var data = new TheoryData<int, (int, int), (int, int), (int, int), (int, int), bool>();
        (int, int)[] kernels = [(2, 2), (3, 3), (3, 2), (1, 1)];
        (int, int)[] strides = [(1, 1), (2, 2), (3, 3), (1, 2)];
        int i = 0;
        foreach (var k in kernels)
            foreach (var s in strides)
                foreach (var p in new[] { (0, 0), (k.Item1 / 2, k.Item2 / 2) })
                    foreach (var d in new[] { (1, 1), (2, 1) })
                        foreach (var ceil in new[] { false, true })
                        {
                            int shape = i++ % Shapes.Length;
                            if (p == (0, 0) && k == (1, 1) && d != (1, 1)) continue;   // same as d = 1
                            if (Valid(Shapes[shape], k, s, p, d, ceil)) data.Add(shape, k, s, p, d, ceil);
                        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MaxGrid))]
    public void MaxPool2dGradCheck(int shape, (int, int) k, (int, int) s, (int, int) p, (int, int) d, bool ceil)
    {
        var x = Distinct(Shapes[shape], shape * 31 + k.Item1);
        Assert.True(GradCheck.Check(t => F.MaxPool2d(t[0], k, s, p, d, ceil), [x]));
    }

    public static TheoryData<int, (int, int), (int, int), (int, int), bool, bool, int?> AvgGrid()
    {
        var data = new TheoryData<int, (int, int), (int, int), (int, int), bool, bool, int?>();
        ((int, int) K, (int, int) S)[] windows = [((2, 2), (1, 1)), ((3, 3), (2, 2)), ((3, 2), (2, 3)), ((2, 3), (3, 1))];
        int i = 0;
        foreach (var (k, s) in windows)
            foreach (var p in new[] { (0, 0), (k.Item1 / 2, k.Item2 / 2) })
                foreach (var ceil in new[] { false, true })
                    foreach (var include in new[] { true, false })
                        foreach (var div in new int?[] { null, 3 })
                        {
                            int shape = i++ % Shapes.Length;
                            if (Valid(Shapes[shape], k, s, p, 1, ceil)) data.Add(shape, k, s, p, ceil, include, div);
                        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AvgGrid))]
    public void AvgPool2dGradCheck(int shape, (int, int) k, (int, int) s, (int, int) p, bool ceil, bool countIncludePad, int? divisorOverride)
    {
        var x = Tensor.Randn(Shapes[shape], DType.Float64, requiresGrad: true, generator: new Generator(shape + 7));
        Assert.True(GradCheck.Check(t => F.AvgPool2d(t[0], k, s, p, ceil, countIncludePad, divisorOverride), [x]));
    }

    public static TheoryData<int, double, (int, int), (int, int), bool> LpGrid() => new()
    {
        { 0, 2, (2, 2), (2, 2), false },
        { 0, 1, (3, 2), (1, 2), false },
        { 1, 3, (3, 3), (2, 2), true },
        { 2, 1.5, (2, 3), (3, 1), true },
        { 2, -1, (2, 2), (1, 1), false },
    };

    [Theory]
    [MemberData(nameof(LpGrid))]
    public void LpPool2dGradCheck(int shape, double p, (int, int) k, (int, int) s, bool ceil)
    {
        // Positive inputs (0.5..1.5): x^p is defined for every p and no window sum sits at relu's kink.
        var x = (Tensor.Rand(Shapes[shape], DType.Float64, generator: new Generator(shape + 23)) + 0.5).Detach().RequiresGrad_();
        Assert.True(GradCheck.Check(t => F.LpPool2d(t[0], p, k, s, ceil), [x]));
    }

    public static TheoryData<int, (int, int)> AdaptiveGrid() => new()
    {
        { 0, (3, 4) }, { 0, (1, 1) }, { 0, (7, 9) }, { 0, (10, 11) },
        { 1, (4, 2) }, { 1, (1, 1) }, { 1, (3, 5) },
        { 2, (4, 3) }, { 2, (2, 7) },
    };

    [Theory]
    [MemberData(nameof(AdaptiveGrid))]
    public void AdaptiveAvgPool2dGradCheck(int shape, (int, int) outputSize)
    {
        var x = Tensor.Randn(Shapes[shape], DType.Float64, requiresGrad: true, generator: new Generator(shape + 11));
        Assert.True(GradCheck.Check(t => F.AdaptiveAvgPool2d(t[0], outputSize), [x]));
    }

    [Theory]
    [MemberData(nameof(AdaptiveGrid))]
    public void AdaptiveMaxPool2dGradCheck(int shape, (int, int) outputSize)
    {
        var x = Distinct(Shapes[shape], shape + 13);
        Assert.True(GradCheck.Check(t => F.AdaptiveMaxPool2d(t[0], outputSize), [x]));
    }

    // Non-overlapping windows only: with repeated indices max_unpool2d keeps the last value but, like
    // PyTorch, sends the gradient to every input with that index, which is not the derivative of the
    // forward (see PoolBehaviourTests.UnpoolRepeatedIndicesFollowPyTorch and docs/pooling.md).
    public static TheoryData<int, (int, int), (int, int), (int, int)> UnpoolGrid() => new()
    {
        { 0, (2, 2), (2, 2), (0, 0) },
        { 1, (3, 3), (3, 3), (1, 1) },
        { 2, (2, 3), (3, 3), (1, 1) },
        { 2, (2, 2), (3, 2), (0, 0) },
    };

    [Theory]
    [MemberData(nameof(UnpoolGrid))]
    public void MaxUnpool2dGradCheck(int shape, (int, int) k, (int, int) s, (int, int) p)
    {
        var source = Distinct(Shapes[shape], shape + 17);
        var (pooled, indices) = F.MaxPool2dWithIndices(source, k, s, p);
        int[] outputSize = [Shapes[shape][^2], Shapes[shape][^1]];
        var x = pooled.Detach().RequiresGrad_();
        Assert.True(GradCheck.Check(t => F.MaxUnpool2d(t[0], indices, k, s, p, outputSize), [x]));
    }

    [Fact]
    public void PoolUnpoolChainGradCheck()
    {
        var x = Distinct([2, 2, 6, 6], 19);
        Assert.True(GradCheck.Check(t =>
        {
            var (y, i) = F.MaxPool2dWithIndices(t[0], 3, 3, 1);
            return F.AvgPool2d(F.MaxUnpool2d(y, i, 3, 3, 1, [6, 6]), 2, 1);
        }, [x]));
    }
}
