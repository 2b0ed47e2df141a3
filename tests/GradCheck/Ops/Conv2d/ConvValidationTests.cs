namespace Autograd.Tests.Ops.Conv2d;

/// <summary>
/// Every conv2d / pad input PyTorch 1.13 rejects is rejected before any work with an ArgumentException
/// naming the op, the argument and the values. Expected phrases are PyTorch's own messages for the same
/// calls (python3-torch), e.g. F.conv2d(torch.randn(5,5), torch.randn(1,1,3,3)).
/// </summary>
public class ConvValidationTests
{
    private static Tensor X(params int[] shape) => Tensor.Zeros(shape);
    private static readonly Tensor Input = X(1, 4, 5, 5);
    private static readonly Tensor Weight = X(6, 2, 3, 3);

    public static readonly Dictionary<string, (Func<Tensor> Call, string Param, string[] Phrases)> Cases = new()
    {
        ["input rank 2"] = (() => F.Conv2d(X(5, 5), X(1, 1, 3, 3)), "input",
            ["Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]"]),
        ["input rank 5"] = (() => F.Conv2d(X(1, 1, 1, 5, 5), X(1, 1, 3, 3)), "input",
            ["Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 1, 1, 5, 5]"]),
        ["weight rank 3"] = (() => F.Conv2d(Input, X(6, 4, 3)), "weight", ["4-dimensional weight", "[6, 4, 3]"]),
        ["weight rank 5"] = (() => F.Conv2d(Input, X(6, 2, 3, 3, 1), groups: 2), "weight", ["4-dimensional weight", "[6, 2, 3, 3, 1]"]),
        ["in-channels mismatch"] = (() => F.Conv2d(Input, X(6, 3, 3, 3)), "input",
            ["Given groups=1, weight of size [6, 3, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead"]),
        ["in-channels mismatch with groups"] = (() => F.Conv2d(Input, Weight, groups: 3), "input",
            ["Given groups=3, weight of size [6, 2, 3, 3], expected input[1, 4, 5, 5] to have 6 channels, but got 4 channels instead"]),
        ["unbatched in-channels mismatch"] = (() => F.Conv2d(X(4, 5, 5), X(6, 3, 3, 3)), "input",
            ["expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead"]),
        ["out-channels not divisible by groups"] = (() => F.Conv2d(Input, X(5, 2, 3, 3), groups: 2), "weight",
            ["Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [5, 2, 3, 3] instead"]),
        ["zero out-channels"] = (() => F.Conv2d(Input, X(0, 4, 3, 3)), "weight",
            ["Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 4, 3, 3] instead"]),
        ["groups 0"] = (() => F.Conv2d(Input, Weight, groups: 0), "groups", ["non-positive groups is not supported", "groups=0"]),
        ["groups negative"] = (() => F.Conv2d(Input, Weight, groups: -1), "groups", ["non-positive groups is not supported", "groups=-1"]),
        ["stride 0"] = (() => F.Conv2d(Input, Weight, stride: 0, groups: 2), "stride", ["non-positive stride is not supported", "stride=(0, 0)"]),
        ["stride negative width"] = (() => F.Conv2d(Input, Weight, stride: (1, -1), groups: 2), "stride", ["non-positive stride is not supported", "stride=(1, -1)"]),
        ["dilation 0"] = (() => F.Conv2d(Input, Weight, dilation: 0, groups: 2), "dilation", ["non-positive dilation is not supported", "dilation=(0, 0)"]),
        ["dilation negative height"] = (() => F.Conv2d(Input, Weight, dilation: (-2, 1), groups: 2), "dilation", ["non-positive dilation is not supported", "dilation=(-2, 1)"]),
        ["negative padding"] = (() => F.Conv2d(Input, Weight, padding: -1, groups: 2), "padding", ["negative padding is not supported", "padding=(-1, -1)"]),
        ["negative padding width"] = (() => F.Conv2d(Input, Weight, padding: (1, -2), groups: 2), "padding", ["negative padding is not supported", "padding=(1, -2)"]),
        ["same with stride 2"] = (() => F.Conv2d(Input, Weight, stride: 2, padding: "same", groups: 2), "padding",
            ["padding='same' is not supported for strided convolutions", "stride=(2, 2)"]),
        ["same with stride (1, 2)"] = (() => F.Conv2d(Input, Weight, stride: (1, 2), padding: "same", groups: 2), "padding",
            ["padding='same' is not supported for strided convolutions", "stride=(1, 2)"]),
        ["unknown padding string"] = (() => F.Conv2d(Input, Weight, padding: "full", groups: 2), "padding", ["Invalid padding string: 'full'"]),
        ["padding string is case-sensitive"] = (() => F.Conv2d(Input, Weight, padding: "SAME", groups: 2), "padding", ["Invalid padding string: 'SAME'"]),
        ["kernel larger than input"] = (() => F.Conv2d(Input, X(6, 2, 7, 3), groups: 2), "input",
            ["Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 3). Kernel size can't be greater than actual input size"]),
        ["dilated kernel larger than input"] = (() => F.Conv2d(Input, Weight, dilation: 3, groups: 2), "input",
            ["Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 7)."]),
        ["kernel larger than padded input"] = (() => F.Conv2d(X(1, 1, 2, 6), X(1, 1, 5, 1), padding: (1, 0)), "input",
            ["Calculated padded input size per channel: (4 x 6). Kernel size: (5 x 1)."]),
        ["zero-size kernel"] = (() => F.Conv2d(Input, X(6, 2, 0, 3), groups: 2), "weight",
            ["kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 3"]),
        ["empty spatial input"] = (() => F.Conv2d(X(1, 4, 5, 0), Weight, padding: 2, groups: 2), "input",
            ["Only zero batch or zero channel inputs are supported, but got input shape: [1, 4, 5, 0]"]),
        ["bias wrong length"] = (() => F.Conv2d(Input, Weight, X(5), groups: 2), "bias",
            ["Given weight of size [6, 2, 3, 3], expected bias to be 1-dimensional with 6 elements, but got bias of size [5] instead"]),
        ["bias 2-d"] = (() => F.Conv2d(Input, Weight, X(6, 1), groups: 2), "bias", ["expected bias to be 1-dimensional with 6 elements, but got bias of size [6, 1] instead"]),
        ["float32 input, float64 weight"] = (() => F.Conv2d(Input, Tensor.Zeros([6, 2, 3, 3], DType.Float64), groups: 2), "weight",
            ["Input type (Float32) and weight type (Float64) should be the same"]),
        ["float64 input, float32 weight"] = (() => F.Conv2d(Tensor.Zeros([1, 4, 5, 5], DType.Float64), Weight, groups: 2), "weight",
            ["Input type (Float64) and weight type (Float32) should be the same"]),
        ["bias dtype mismatch"] = (() => F.Conv2d(Input, Weight, Tensor.Zeros([6], DType.Float64), groups: 2), "bias",
            ["Input type (Float32) and bias type (Float64) should be the same"]),
        ["pad length odd"] = (() => F.Pad(Input, [1]), "pad", ["Padding length must be divisible by 2"]),
        ["pad length too large"] = (() => F.Pad(X(3, 4), [1, 1, 1, 1, 1, 1]), "pad", ["Padding length too large"]),
        ["pad crops below zero"] = (() => F.Pad(X(3, 4), [-3, -2]), "pad",
            ["The input size 4, plus negative padding -3 and -2 resulted in a negative output size", "dimension 1"]),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RejectsLikePyTorch(string name)
    {
        var (call, param, phrases) = Cases[name];
        var ex = Assert.ThrowsAny<ArgumentException>(() => call());
        Assert.Equal(param, ex.ParamName);
        var op = param == "pad" ? "pad: " : "conv2d: ";
        Assert.StartsWith(op, ex.Message);
        foreach (var p in phrases) Assert.Contains(p, ex.Message);
    }

    [Fact]
    public void NullArgumentsThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => F.Conv2d(null!, Weight));
        Assert.Throws<ArgumentNullException>(() => F.Conv2d(Input, null!));
        Assert.Throws<ArgumentNullException>(() => F.Pad(null!, [1, 1]));
    }

    [Fact]
    public void EmptyBatchIsAcceptedLikePyTorch()
    {
        // F.conv2d(torch.randn(0,2,5,5), torch.randn(3,2,3,3), torch.randn(3), padding=1).shape == (0, 3, 5, 5)
        var x = Tensor.Zeros([0, 2, 5, 5], DType.Float64, requiresGrad: true);
        var w = Tensor.Ones([3, 2, 3, 3], DType.Float64, requiresGrad: true);
        var b = Tensor.Ones([3], DType.Float64, requiresGrad: true);
        var y = F.Conv2d(x, w, b, padding: 1);
        Assert.Equal([0, 3, 5, 5], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal(new double[18 * 3], w.Grad!.ToDoubleArray());
        Assert.Equal(new double[3], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void PaddingLargerThanTheKernelIsAccepted()
    {
        // PyTorch accepts any non-negative padding: F.conv2d(x, w, groups=2, padding=10).shape == (1, 6, 23, 23)
        var y = F.Conv2d(Input, Weight, padding: 10, groups: 2);
        Assert.Equal([1, 6, 23, 23], y.Shape.ToArray());
    }

    [Fact]
    public void ZeroInputChannelsGiveTheBiasEverywhere()
    {
        // A deliberate difference (docs/conv.md): the sum over no input channels is empty, so each output
        // is its bias. PyTorch 1.13 returns a (1, 0, 3, 3) tensor here instead.
        var y = F.Conv2d(X(1, 0, 5, 5), X(3, 0, 3, 3), Tensor.From(new float[] { 1, 2, 3 }, [3]));
        Assert.Equal([1, 3, 3, 3], y.Shape.ToArray());
        Assert.Equal(Enumerable.Range(1, 3).SelectMany(v => Enumerable.Repeat((float)v, 9)).ToArray(), y.ToFloatArray());
    }
}
