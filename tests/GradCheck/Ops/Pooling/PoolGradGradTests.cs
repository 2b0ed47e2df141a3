using Autograd.Oracle;

namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// GradGradCheck (finite differences of the first-order gradient, float64) of the pooling ops over grids
/// of shapes and options. Each checked function is y·y for the pooled y, so the second derivative runs
/// both through the double-backward node (with respect to the output gradient v) and back through the
/// forward (with respect to x). Max pooling inputs are a permutation of 0.1·(0..n−1) (PoolGradCheckTests.Distinct):
/// no ties, and no argmax moves under the 1e-6 step, so the derivative of the argmax is really zero.
/// </summary>
public class PoolGradGradTests
{
    private static readonly int[][] Shapes = [[1, 1, 5, 6], [2, 4, 5], [2, 2, 4, 5]];

    private static Tensor Square(Tensor y) => y * y;

    private static bool Valid(int[] shape, Pair k, Pair s, Pair p, Pair d, bool ceil) =>
        p.H <= k.H / 2 && p.W <= k.W / 2 &&
        PoolAxis.OutputSize(shape[^2], k.H, s.H, p.H, d.H, ceil) >= 1 &&
        PoolAxis.OutputSize(shape[^1], k.W, s.W, p.W, d.W, ceil) >= 1;

    /// <summary>Kernel × stride × four (padding, dilation, ceil) combinations, cycling the shapes (batched and unbatched).</summary>
    public static TheoryData<int, (int, int), (int, int), (int, int), (int, int), bool> MaxGrid()
    {
        var data = new TheoryData<int, (int, int), (int, int), (int, int), (int, int), bool>();
        (int, int)[] kernels = [(2, 2), (3, 2), (3, 3)];
        (int, int)[] strides = [(1, 1), (2, 2), (1, 2)];
        int i = 0;
        foreach (var k in kernels)
            foreach (var s in strides)
                foreach (var (p, d, ceil) in new[] { ((0, 0), (1, 1), false), ((k.Item1 / 2, k.Item2 / 2), (1, 1), true), ((0, 0), (2, 1), true), ((k.Item1 / 2, k.Item2 / 2), (1, 2), false) })
                {
                    int shape = i++ % Shapes.Length;
                    // A window of padding only outputs −∞, and y·y would be ∞: MaxPool2dPaddingOnlyWindow covers those.
                    if (Valid(Shapes[shape], k, s, p, d, ceil) && !MaxPoolGuard.HasPaddingOnlyWindow(Shapes[shape], k, s, p, d, ceil))
                        data.Add(shape, k, s, p, d, ceil);
                }
        return data;
    }

    [Theory]
    [MemberData(nameof(MaxGrid))]
    public void MaxPool2d(int shape, (int, int) k, (int, int) s, (int, int) p, (int, int) d, bool ceil)
    {
        var x = PoolGradCheckTests.Distinct(Shapes[shape], shape * 31 + k.Item1);
        Assert.True(GradGradCheck.Check(t => Square(F.MaxPool2d(t[0], k, s, p, d, ceil)), [x]));
    }

    [Fact]
    public void MaxPool2dPaddingOnlyWindow()
    {
        // H = 2, kernel 2, dilation 3, padding 1: the window reads rows −1 and 2 only, outputs −∞ with index −1
        // (Note [Window of padding only]). Its gradient goes nowhere, and the double backward's gather must
        // give it 0 (not read index −1); the other axis has real windows.
        Pair k = 2, s = 1, p = 1, d = (3, 1);
        int[] shape = [1, 2, 2, 4];
        Assert.True(MaxPoolGuard.HasPaddingOnlyWindow(shape, k, s, p, d, false));
        var x = PoolGradCheckTests.Distinct(shape, 5);
        Assert.True(GradGradCheck.Check(t => F.MaxPool2d(t[0], k, s, p, d), [x]));
        var v = Tensor.Ones(F.MaxPool2d(x, k, s, p, d).Shape, DType.Float64, requiresGrad: true);
        var g = Grad.Compute([F.MaxPool2d(x, k, s, p, d)], [x], [v], createGraph: true)[0]!;
        var w = Tensor.Ones(g.Shape, DType.Float64);
        var gv = Grad.Compute([g], [v], [w])[0]!;
        // Hand derivation: d⟨scatter(v), w⟩/dv = w[argmax] = 1 for each real window, 0 for the padding-only ones (rows of −∞).
        var y = F.MaxPool2d(x.Detach(), k, s, p, d);
        for (int i = 0; i < y.Numel; i++)
            Assert.Equal(double.IsNegativeInfinity(y.GetDouble(i)) ? 0.0 : 1.0, gv.GetDouble(i));
    }

    public static TheoryData<int, (int, int), (int, int), (int, int), bool, bool, int?> AvgGrid()
    {
        var data = new TheoryData<int, (int, int), (int, int), (int, int), bool, bool, int?>();
        ((int, int) K, (int, int) S)[] windows = [((2, 2), (1, 1)), ((3, 3), (2, 2)), ((3, 2), (2, 3)), ((2, 3), (3, 1))];
        int i = 0;
        foreach (var (k, s) in windows)
            foreach (var p in new[] { (0, 0), (k.Item1 / 2, k.Item2 / 2) })
                foreach (var (ceil, include, div) in new (bool, bool, int?)[] { (false, true, null), (true, false, null), (true, true, 3), (false, false, -2) })
                {
                    int shape = i++ % Shapes.Length;
                    if (Valid(Shapes[shape], k, s, p, 1, ceil)) data.Add(shape, k, s, p, ceil, include, div);
                }
        return data;
    }

    [Theory]
    [MemberData(nameof(AvgGrid))]
    public void AvgPool2d(int shape, (int, int) k, (int, int) s, (int, int) p, bool ceil, bool countIncludePad, int? divisorOverride)
    {
        var x = TestData.Randn(Shapes[shape], 40 + shape);
        Assert.True(GradGradCheck.Check(t => Square(F.AvgPool2d(t[0], k, s, p, ceil, countIncludePad, divisorOverride)), [x]));
    }

    public static TheoryData<int, (int, int)> AdaptiveGrid() => new()
    {
        { 0, (3, 4) }, { 0, (1, 1) }, { 0, (5, 6) }, { 0, (7, 9) },
        { 1, (3, 2) }, { 1, (1, 3) },
        { 2, (3, 3) }, { 2, (2, 4) },
    };

    [Theory]
    [MemberData(nameof(AdaptiveGrid))]
    public void AdaptiveAvgPool2d(int shape, (int, int) outputSize)
    {
        var x = TestData.Randn(Shapes[shape], 50 + shape);
        Assert.True(GradGradCheck.Check(t => Square(F.AdaptiveAvgPool2d(t[0], outputSize)), [x]));
    }

    [Theory]
    [MemberData(nameof(AdaptiveGrid))]
    public void AdaptiveMaxPool2d(int shape, (int, int) outputSize)
    {
        var x = PoolGradCheckTests.Distinct(Shapes[shape], 60 + shape);
        Assert.True(GradGradCheck.Check(t => Square(F.AdaptiveMaxPool2d(t[0], outputSize)), [x]));
    }

    // Non-overlapping windows only: with repeated indices max_unpool2d keeps the last value but, like
    // PyTorch, sends the gradient to every input with that index, which is not the derivative of the
    // forward, so finite differences disagree already at first order (PoolGradCheckTests).
    public static TheoryData<int, (int, int), (int, int), (int, int)> UnpoolGrid() => new()
    {
        { 0, (2, 2), (2, 2), (0, 0) },
        { 1, (3, 3), (3, 3), (1, 1) },
        { 2, (2, 3), (3, 3), (1, 1) },
        { 2, (2, 2), (3, 2), (0, 0) },
    };

    [Theory]
    [MemberData(nameof(UnpoolGrid))]
    public void MaxUnpool2d(int shape, (int, int) k, (int, int) s, (int, int) p)
    {
        var source = PoolGradCheckTests.Distinct(Shapes[shape], 70 + shape);
        var (pooled, indices) = F.MaxPool2dWithIndices(source, k, s, p);
        int[] outputSize = [Shapes[shape][^2], Shapes[shape][^1]];
        var x = pooled.Detach().RequiresGrad_();
        Assert.True(GradGradCheck.Check(t => Square(F.MaxUnpool2d(t[0], indices, k, s, p, outputSize)), [x]));
    }

    [Fact]
    public void MaxUnpool2dOfMaxPool2d()
    {
        // The round trip: unpool(pool(x)) with the pool's own indices, so x reaches the output through both ops.
        var x = PoolGradCheckTests.Distinct([2, 2, 4, 6], 80);
        Assert.True(GradGradCheck.Check(t =>
        {
            var (y, idx) = F.MaxPool2dWithIndices(t[0], 2);
            return Square(F.MaxUnpool2d(y, idx, 2, outputSize: [4, 6]));
        }, [x]));
    }

    public static TheoryData<string, string, string, string> NodeNameCases() => new()
    {
        // op, then PyTorch 1.13's nodes: g = torch.autograd.grad(y, x, v, create_graph=True)[0], then
        // grad(g, v, w, create_graph=True) and grad(that, w, u, create_graph=True), v, w, u requiring grad.
        // Unpool's and the max pools' gathers and scatter-adds are composites there (ViewBackward0 or
        // ReshapeAliasBackward0 around GatherBackward0 / ScatterAddBackward0), named here by their core node.
        { "max_pool2d", "MaxPool2DWithIndicesBackwardBackward0", "GatherBackward0", "ScatterAddBackward0" },
        { "adaptive_max_pool2d", "AdaptiveMaxPool2DBackwardBackward0", "GatherBackward0", "ScatterAddBackward0" },
        { "avg_pool2d", "AvgPool2DBackwardBackward0", "AvgPool2DBackward0", "AvgPool2DBackwardBackward0" },
        { "adaptive_avg_pool2d", "AdaptiveAvgPool2DBackwardBackward0", "AdaptiveAvgPool2DBackward0", "AdaptiveAvgPool2DBackwardBackward0" },
        { "max_unpool2d", "GatherBackward0", "ScatterAddBackward0", "GatherBackward0" },
    };

    private static Tensor Pool(string op, Tensor x) => op switch
    {
        "max_pool2d" => F.MaxPool2d(x, 2, 1),
        "adaptive_max_pool2d" => F.AdaptiveMaxPool2d(x, (2, 3)),
        "avg_pool2d" => F.AvgPool2d(x, 2, 1),
        "adaptive_avg_pool2d" => F.AdaptiveAvgPool2d(x, (2, 3)),
        _ => F.MaxUnpool2d(x, [0, 3, 5, 6, 0, 1, 2, 3], 2, 2),   // x is (2, 2, 2): a 4×4 output per plane
    };

    [Theory]
    [MemberData(nameof(NodeNameCases))]
    public void NodesCarryPyTorchNamesAndAnOrdinaryBackwardRecordsNothing(string op, string second, string third, string fourth)
    {
        var x = PoolGradCheckTests.Distinct(op == "max_unpool2d" ? [2, 2, 2] : [1, 2, 4, 5], 11);
        var v = Tensor.Randn(Pool(op, x).Shape, DType.Float64, requiresGrad: true, generator: new Generator(12));
        var g = Grad.Compute([Pool(op, x)], [x], [v], createGraph: true)[0]!;
        Assert.Equal(second, g.GradFn?.Name);
        var w = Tensor.Randn(g.Shape, DType.Float64, requiresGrad: true, generator: new Generator(13));
        var gv = Grad.Compute([g], [v], [w], createGraph: true)[0]!;
        Assert.Equal(third, gv.GradFn?.Name);
        var u = Tensor.Randn(gv.Shape, DType.Float64, requiresGrad: true, generator: new Generator(14));
        var gw = Grad.Compute([gv], [w], [u], createGraph: true)[0]!;
        Assert.Equal(fourth, gw.GradFn?.Name);

        // createGraph: false (the default) leaves the gradient without history, as before.
        var plain = Grad.Compute([Pool(op, x)], [x], [v.Detach()])[0]!;
        Assert.Null(plain.GradFn);
        Assert.False(plain.RequiresGrad);
        Assert.Equal(g.ToDoubleArray(), plain.ToDoubleArray());
    }

    [Fact]
    public void PoolingGradientRequiresGradWhenTheInputDoes()
    {
        // PyTorch's max/avg pool double-backward nodes take the forward input too (self: zeros_like(self)),
        // so with a constant v the gradient still requires grad; max_unpool2d's gather takes only v.
        var x = PoolGradCheckTests.Distinct([1, 2, 4, 5], 14);
        foreach (var op in new[] { "max_pool2d", "adaptive_max_pool2d", "avg_pool2d", "adaptive_avg_pool2d" })
        {
            var v = Tensor.OnesLike(Pool(op, x).Detach());
            var g = Grad.Compute([Pool(op, x)], [x], [v], createGraph: true)[0]!;
            Assert.True(g.RequiresGrad, op);
            // ... and its derivative with respect to x is zero: Σ g depends on x only through the (piecewise constant) windows.
            var h = Grad.Compute([g.Sum()], [x], allowUnused: true)[0];
            Assert.True(h is null || h.ToDoubleArray().All(e => e == 0), op);
        }
        var u = PoolGradCheckTests.Distinct([2, 2, 2], 15);
        var gu = Grad.Compute([Pool("max_unpool2d", u)], [u], [Tensor.Ones([2, 4, 4], DType.Float64)], createGraph: true)[0]!;
        Assert.False(gu.RequiresGrad);
    }

    /// <summary>A first-order gradient taken with createGraph, as a function of x: GradGradCheck of it checks third derivatives.</summary>
    private static Func<Tensor[], Tensor> GradientOf(Func<Tensor, Tensor> f) => t =>
        Grad.Compute([(f(t[0]) * f(t[0]) * f(t[0])).Sum()], [t[0]], createGraph: true)[0]!;

    [Fact]
    public void ThirdDerivatives()
    {
        // Σ pool(x)³ differentiated three times: the double-backward nodes' own backward (the forward op
        // again for average pooling; the scatter-add / gather pair for max pooling and unpooling) are recorded too.
        var r = TestData.Randn([1, 2, 4, 5], 95);
        var d = PoolGradCheckTests.Distinct([1, 2, 4, 5], 96);
        Assert.True(GradGradCheck.Check(GradientOf(x => F.AvgPool2d(x, 2, 1, 1, ceilMode: true, countIncludePad: false)), [r]));
        Assert.True(GradGradCheck.Check(GradientOf(x => F.AdaptiveAvgPool2d(x, (3, 2))), [r]));
        Assert.True(GradGradCheck.Check(GradientOf(x => F.MaxPool2d(x, 2, 1, 1)), [d]));
        Assert.True(GradGradCheck.Check(GradientOf(x => F.AdaptiveMaxPool2d(x, (3, 2))), [d]));
        var (pooled, idx) = F.MaxPool2dWithIndices(d, 2, 2);
        var u = pooled.Detach().RequiresGrad_();
        Assert.True(GradGradCheck.Check(GradientOf(x => F.MaxUnpool2d(x, idx, 2, 2, outputSize: [4, 5])), [u]));
    }
}
