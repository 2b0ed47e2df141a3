namespace Autograd.Tests.Ops.Pooling;

/// <summary>Pooling behaviours the reference cases do not pin: padding-only windows, node names, threads, aliasing.</summary>
public class PoolBehaviourTests
{
    private static Tensor Range(int[] shape, DType dtype = DType.Float64, bool requiresGrad = false)
    {
        var t = Tensor.From(Enumerable.Range(0, ShapeUtil.Numel(shape)).Select(i => (double)i).ToArray(), shape);
        return (dtype == DType.Float64 ? t : t.To(dtype)).Detach().RequiresGrad_(requiresGrad);
    }

    // PyTorch 1.13: max_pool2d(arange(4.).reshape(1,1,2,2), 2, 1, 1, dilation=3, return_indices=True)
    // gives (tensor([[[[-inf]]]]), tensor([[[[6]]]])): the window reads rows/cols −1 and 2, all padding,
    // and index 6 lies outside the 2×2 plane (libtorch's backward then writes out of bounds).
    // Ours (Note [Window of padding only]): −∞, index −1, and the gradient goes nowhere.
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void WindowOfPaddingOnlyGivesNegativeInfinityIndexMinusOneAndNoGradient(DType dtype)
    {
        var x = Range([2, 3, 2, 2], dtype, requiresGrad: true);

        var (y, indices) = F.MaxPool2dWithIndices(x, 2, 1, 1, 3);

        Assert.Equal([2, 3, 1, 1], y.Shape.ToArray());
        Assert.All(y.ToDoubleArray(), v => Assert.Equal(double.NegativeInfinity, v));
        Assert.All(indices.ToArray<int>(), i => Assert.Equal(-1, i));
        y.Sum().Backward();
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void WindowOfPaddingOnlyOnOneAxisOnly()
    {
        // Rows −1 and 2 of a 2-row input are padding whatever the columns: every window is padding only.
        var x = Range([1, 2, 5], requiresGrad: true);
        var (y, indices) = F.MaxPool2dWithIndices(x, 2, 1, 1, (3, 1));
        Assert.Equal([1, 1, 6], y.Shape.ToArray());
        Assert.All(indices.ToArray<int>(), i => Assert.Equal(-1, i));
        F.MaxPool2d(x, 2, 1, 1, (3, 1)).Sum().Backward();
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void UnpoolRejectsTheIndexOfAPaddingOnlyWindow()
    {
        var x = Range([1, 1, 2, 2]);
        var (y, indices) = F.MaxPool2dWithIndices(x, 2, 1, 1, 3);
        var e = Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(y, indices, 2));
        Assert.Contains("invalid max index: -1", e.Message);
    }

    // PyTorch 1.13: a = [[1, 2], [3, 4]] (1×1×2×2), indices [[0, 0], [3, 3]]:
    // max_unpool2d(a, indices, 2) = [[2, 0, 0, 4], 0, 0, 0] (the last write wins) and backward of
    // (out * arange(16).reshape(1, 1, 4, 4)).sum() gives a.grad = [[0, 0], [3, 3]] (a gather).
    [Fact]
    public void UnpoolRepeatedIndicesFollowPyTorch()
    {
        var a = Tensor.From(new double[] { 1, 2, 3, 4 }, [1, 1, 2, 2], requiresGrad: true);
        var u = F.MaxUnpool2d(a, [0, 0, 3, 3], 2);
        Assert.Equal([2.0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], u.ToDoubleArray());
        (u * Range([1, 1, 4, 4])).Sum().Backward();
        Assert.Equal([0.0, 0, 3, 3], a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NodesAreNamedLikePyTorch()
    {
        var x = Tensor.Randn([1, 2, 6, 6], DType.Float64, requiresGrad: true, generator: new Generator(1));
        Assert.Equal("MaxPool2DWithIndicesBackward0", F.MaxPool2d(x, 2).GradFn!.Name);
        Assert.Equal("MaxPool2DWithIndicesBackward0", F.MaxPool2dWithIndices(x, 2).Output.GradFn!.Name);
        Assert.Equal("AvgPool2DBackward0", F.AvgPool2d(x, 2).GradFn!.Name);
        Assert.Equal("AdaptiveAvgPool2DBackward0", F.AdaptiveAvgPool2d(x, 2).GradFn!.Name);
        Assert.Equal("AdaptiveMaxPool2DBackward0", F.AdaptiveMaxPool2d(x, 2).GradFn!.Name);
        var (y, i) = F.MaxPool2dWithIndices(x, 2);
        Assert.Equal("MaxUnpool2DBackward0", F.MaxUnpool2d(y, i, 2).GradFn!.Name);
        Assert.Equal("PowBackward0", F.LpPool2d(x, 2, 2).GradFn!.Name);   // PyTorch's lp_pool2d ends in pow too
    }

    [Fact]
    public void NoGraphWithoutRequiresGradOrUnderNoGrad()
    {
        var x = Tensor.Randn([1, 2, 6, 6], DType.Float64, generator: new Generator(2));
        Assert.Null(F.MaxPool2d(x, 2).GradFn);
        var xg = x.Detach().RequiresGrad_();
        using (Grad.NoGrad())
        {
            Assert.Null(F.AvgPool2d(xg, 2).GradFn);
            Assert.False(F.MaxPool2d(xg, 2).RequiresGrad);
        }
    }

    [Fact]
    public void ChangingReturnedIndicesDoesNotChangeTheGradient()
    {
        var x = Tensor.Randn([1, 1, 4, 4], DType.Float64, requiresGrad: true, generator: new Generator(3));
        var (y, indices) = F.MaxPool2dWithIndices(x, 2);
        var expected = indices.ToArray<int>();
        Array.Fill(indices.Array<long>(), 0);
        y.Sum().Backward();
        var g = x.Grad!.ToDoubleArray();
        foreach (var i in expected) Assert.Equal(1.0, g[i]);
        Assert.Equal(4.0, g.Sum());
    }

    public static TheoryData<string> ThreadedOps() => new(["max", "avg", "adaptiveMax", "adaptiveAvg", "unpool"]);

    // Note [Deterministic parallelism]: planes are split over threads, each plane computed in a fixed order.
    [Theory]
    [MemberData(nameof(ThreadedOps))]
    public void ResultsAreBitIdenticalForAnyThreadCount(string op)
    {
        Func<Tensor, Tensor> f = op switch
        {
            "max" => x => F.MaxPool2d(x, 3, 2, 1),
            "avg" => x => F.AvgPool2d(x, 3, 1, 1, ceilMode: true, countIncludePad: false),
            "adaptiveMax" => x => F.AdaptiveMaxPool2d(x, (5, 7)),
            "adaptiveAvg" => x => F.AdaptiveAvgPool2d(x, (5, 7)),
            _ => x => { var (y, i) = F.MaxPool2dWithIndices(x, 2); return F.MaxUnpool2d(y, i, 2); },
        };
        (double[] Y, double[] G) Run(int threads)
        {
            int saved = Threading.NumThreads;
            Threading.NumThreads = threads;
            try
            {
                var x = Tensor.Randn([4, 16, 24, 24], DType.Float32, requiresGrad: true, generator: new Generator(4));
                var y = f(x);
                (y * Tensor.Randn(y.Shape, DType.Float32, generator: new Generator(5))).Sum().Backward();
                return (y.ToDoubleArray(), x.Grad!.ToDoubleArray());
            }
            finally { Threading.NumThreads = saved; }
        }
        var one = Run(1);
        var four = Run(4);
        Assert.Equal(one.Y, four.Y);
        Assert.Equal(one.G, four.G);
    }
}
