namespace Autograd.Tests.Ops.Conv2d;

/// <summary>conv2d gradients against central finite differences (float64) over a grid of configurations.</summary>
public class ConvGradCheckTests
{
    // x shape, w shape, bias, stride, padding, dilation, groups
    public static TheoryData<string, int[], int[], bool, Pair, Padding, Pair, int> Grid => new()
    {
        { "odd sizes", [1, 1, 5, 5], [1, 1, 3, 3], true, 1, 0, 1, 1 },
        { "stride < kernel", [2, 2, 6, 5], [3, 2, 3, 3], true, 2, 1, 1, 1 },
        { "stride > kernel", [1, 2, 7, 8], [2, 2, 2, 2], true, 3, 0, 1, 1 },
        { "padding pair", [1, 1, 5, 4], [2, 1, 3, 2], true, 1, (2, 1), 1, 1 },
        { "same odd kernel", [1, 2, 5, 5], [2, 2, 3, 3], true, 1, "same", 1, 1 },
        { "same even kernel", [1, 1, 4, 5], [2, 1, 2, 4], true, 1, "same", 1, 1 },
        { "same dilated", [1, 1, 6, 6], [1, 1, 2, 2], false, 1, "same", (2, 3), 1 },
        { "valid", [2, 1, 5, 6], [1, 1, 4, 3], true, (1, 2), "valid", 1, 1 },
        { "dilation", [1, 2, 7, 7], [2, 2, 2, 3], true, 1, 1, 2, 1 },
        { "groups", [1, 4, 5, 5], [6, 2, 3, 3], true, 1, 0, 1, 2 },
        { "depthwise", [2, 3, 5, 4], [3, 1, 3, 3], true, 1, 1, 1, 3 },
        { "depthwise multiplier", [1, 2, 4, 4], [4, 1, 2, 2], true, 2, 0, 1, 2 },
        { "unbatched", [2, 5, 6], [3, 2, 3, 2], true, (1, 2), 0, 1, 1 },
        { "unbatched groups same", [4, 4, 5], [2, 2, 2, 3], false, 1, "same", 1, 2 },
        { "1x1 no bias", [2, 3, 4, 3], [2, 3, 1, 1], false, 1, 0, 1, 1 },
        { "1x1 strided", [1, 2, 5, 5], [2, 2, 1, 1], true, 2, 0, 1, 1 },
        { "1x1 padded", [1, 2, 3, 2], [2, 2, 1, 1], true, 1, 1, 1, 1 },
        { "non-square everything", [1, 3, 7, 5], [2, 3, 2, 3], true, (3, 1), (1, 0), (2, 1), 1 },
        { "kernel fills padded input", [1, 1, 3, 3], [1, 1, 5, 5], true, 1, 1, 1, 1 },
        { "padding beyond kernel", [1, 1, 3, 3], [1, 1, 2, 2], true, 2, 3, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Grid))]
    public void Conv2dPassesGradCheck(string name, int[] xs, int[] ws, bool hasBias, Pair stride, Padding padding, Pair dilation, int groups)
    {
        var g = new Generator(name.Length * 31 + xs.Sum());
        var x = Tensor.Randn(xs, DType.Float64, requiresGrad: true, generator: g);
        var w = Tensor.Randn(ws, DType.Float64, requiresGrad: true, generator: g);
        Tensor[] inputs = hasBias ? [x, w, Tensor.Randn([ws[0]], DType.Float64, requiresGrad: true, generator: g)] : [x, w];
        Assert.Null(GradCheck.Run(t => F.Conv2d(t[0], t[1], hasBias ? t[2] : null, stride, padding, dilation, groups), inputs));
    }

    [Fact]
    public void OnlyTheInputsThatRequireGradGetOne()
    {
        var g = new Generator(3);
        var x = Tensor.Randn([1, 2, 4, 4], DType.Float64, generator: g);
        var w = Tensor.Randn([3, 2, 2, 2], DType.Float64, requiresGrad: true, generator: g);
        var b = Tensor.Randn([3], DType.Float64, generator: g);
        F.Conv2d(x, w, b, padding: 1).Sum().Backward();
        Assert.Null(x.Grad);
        Assert.Null(b.Grad);
        Assert.NotNull(w.Grad);
        Assert.Null(GradCheck.Run(t => F.Conv2d(x, t[0], b, padding: 1), [w]));
    }

    [Fact]
    public void NoGraphIsRecordedWhenNothingRequiresGrad()
    {
        var y = F.Conv2d(Tensor.Ones([1, 1, 3, 3]), Tensor.Ones([1, 1, 2, 2]));
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        Assert.Equal([4f, 4, 4, 4], y.ToFloatArray());
    }

    [Fact]
    public void PadPassesGradCheck()
    {
        var x = Tensor.Randn([2, 3, 4], DType.Float64, requiresGrad: true, generator: new Generator(5));
        Assert.Null(GradCheck.Run(t => F.Pad(t[0], [1, -2, -1, 2], 3.0), [x]));
        Assert.Null(GradCheck.Run(t => F.Pad(t[0], [0, 1, 0, 1, 1, 0]), [x]));
    }

    [Fact]
    public void TensorFlowSamePaddingIsPadThenValidConvAndPassesGradCheck()
    {
        var g = new Generator(11);
        var x = Tensor.Randn([1, 2, 5, 4], DType.Float64, requiresGrad: true, generator: g);
        var w = Tensor.Randn([3, 2, 2, 2], DType.Float64, requiresGrad: true, generator: g);
        Assert.Null(GradCheck.Run(t => F.Conv2d(F.Pad(t[0], [0, 1, 0, 1]), t[1], stride: 2), [x, w]));
    }
}
