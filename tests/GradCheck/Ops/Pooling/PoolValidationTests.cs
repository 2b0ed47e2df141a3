namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// Every configuration PyTorch 1.13 rejects is rejected with an ArgumentException naming the op, the
/// argument and the values. The quoted PyTorch messages are python3-torch 1.13's own, from calling the
/// same configuration (torch.nn.functional.*, float32 and float64 inputs, with and without requires_grad).
/// </summary>
public class PoolValidationTests
{
    private static Tensor X(params int[] shape) => Tensor.Zeros(shape, DType.Float64, requiresGrad: true);

    private static readonly Dictionary<string, (Action Call, string[] Expected)> Rejected = new()
    {
        // "non-empty 3D or 4D (batch mode) tensor expected for input" / "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 0, 6, 6]"
        ["MaxRank2"] = (() => F.MaxPool2d(X(6, 6), 2), ["max_pool2d", "3D or 4D", "[6, 6]"]),
        ["MaxRank5"] = (() => F.MaxPool2d(X(1, 1, 1, 6, 6), 2), ["max_pool2d", "3D or 4D", "[1, 1, 1, 6, 6]"]),
        ["MaxZeroChannels"] = (() => F.MaxPool2d(X(1, 0, 6, 6), 2), ["max_pool2d", "optional 0 dim batch size", "[1, 0, 6, 6]"]),
        ["MaxZeroHeight"] = (() => F.MaxPool2d(X(1, 1, 0, 6), 2), ["max_pool2d", "[1, 1, 0, 6]"]),
        ["MaxUnbatchedZeroChannels"] = (() => F.MaxPool2d(X(0, 6, 6), 2), ["max_pool2d", "[0, 6, 6]"]),
        // "kernel size should be greater than zero, but got kH: -1 kW: 2"
        ["MaxNegativeKernel"] = (() => F.MaxPool2d(X(1, 1, 6, 6), (-1, 2)), ["max_pool2d", "kernel size should be greater than zero, but got kH: -1 kW: 2"]),
        ["MaxZeroKernel"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 0), ["max_pool2d", "kernel size should be greater than zero, but got kH: 0 kW: 0"]),
        // "stride should not be zero" / "stride should be greater than zero, but got dH: -1 dW: -1"
        ["MaxZeroStride"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 2, 0), ["max_pool2d", "stride should be greater than zero, but got dH: 0 dW: 0"]),
        ["MaxNegativeStride"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 2, (1, -1)), ["max_pool2d", "stride", "dH: 1 dW: -1"]),
        // "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"
        ["MaxZeroDilation"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 2, dilation: 0), ["max_pool2d", "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"]),
        // "pad must be non-negative, but got pad: -1"
        ["MaxNegativePadding"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 2, padding: (0, -1)), ["max_pool2d", "pad must be non-negative", "padW: -1"]),
        // "pad should be at most half of kernel size, but got pad=2 and kernel_size=2"
        ["MaxPaddingOverHalfKernel"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 2, padding: 2), ["max_pool2d", "pad should be at most half of kernel size, but got pad=(2, 2) and kernel_size=(2, 2)"]),
        // Dilation does not relax it: k=2, d=3 (effective 4) with pad 2 is rejected by PyTorch 1.13 too.
        ["MaxPaddingOverHalfKernelDilated"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 2, padding: 2, dilation: 3), ["max_pool2d", "pad should be at most half of kernel size"]),
        ["MaxPaddingOverHalfKernelOneAxis"] = (() => F.MaxPool2d(X(1, 1, 6, 6), (3, 2), padding: (1, 2)), ["max_pool2d", "pad=(1, 2) and kernel_size=(3, 2)"]),
        // "Given input size: (1x6x6). Calculated output size: (1x0x0). Output size is too small"
        ["MaxOutputTooSmall"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 7), ["max_pool2d", "Given input size: (1x6x6). Calculated output size: (1x0x0). Output size is too small"]),
        ["MaxOutputTooSmallDilated"] = (() => F.MaxPool2d(X(1, 1, 6, 6), 3, dilation: 3), ["max_pool2d", "Calculated output size: (1x0x0)"]),
        ["MaxOutputTooSmallOneAxis"] = (() => F.MaxPool2d(X(2, 3, 6, 4), (2, 5)), ["max_pool2d", "Given input size: (3x6x4). Calculated output size: (3x3x0)"]),
        ["MaxWithIndicesChecksToo"] = (() => F.MaxPool2dWithIndices(X(1, 1, 6, 6), 2, padding: 2), ["max_pool2d", "pad should be at most half of kernel size"]),

        ["AvgRank2"] = (() => F.AvgPool2d(X(6, 6), 2), ["avg_pool2d", "3D or 4D", "[6, 6]"]),
        ["AvgZeroChannels"] = (() => F.AvgPool2d(X(1, 0, 6, 6), 2), ["avg_pool2d", "[1, 0, 6, 6]"]),
        ["AvgZeroKernel"] = (() => F.AvgPool2d(X(1, 1, 6, 6), 0), ["avg_pool2d", "kernel size should be greater than zero"]),
        ["AvgZeroStride"] = (() => F.AvgPool2d(X(1, 1, 6, 6), 2, 0), ["avg_pool2d", "stride should be greater than zero"]),
        ["AvgNegativePadding"] = (() => F.AvgPool2d(X(1, 1, 6, 6), 2, padding: -1), ["avg_pool2d", "pad must be non-negative", "padH: -1"]),
        ["AvgPaddingOverHalfKernel"] = (() => F.AvgPool2d(X(1, 1, 6, 6), 2, padding: 2), ["avg_pool2d", "pad should be at most half of kernel size"]),
        ["AvgOutputTooSmall"] = (() => F.AvgPool2d(X(1, 1, 6, 6), 7), ["avg_pool2d", "Output size is too small"]),
        // "divisor must be not zero"
        ["AvgZeroDivisor"] = (() => F.AvgPool2d(X(1, 1, 6, 6), 2, divisorOverride: 0), ["avg_pool2d", "divisor must be not zero", "divisor_override=0"]),

        // "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [6, 6]"
        ["AdaptiveAvgRank2"] = (() => F.AdaptiveAvgPool2d(X(6, 6), 2), ["adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [6, 6]"]),
        // "... Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 1, 0, 6] with dimension 2 being empty"
        ["AdaptiveAvgZeroHeight"] = (() => F.AdaptiveAvgPool2d(X(1, 1, 0, 6), 2), ["adaptive_avg_pool2d()", "[1, 1, 0, 6] with dimension 2 being empty"]),
        // "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, -1}"
        ["AdaptiveAvgNegativeSize"] = (() => F.AdaptiveAvgPool2d(X(1, 1, 6, 6), (2, -1)), ["adaptive_avg_pool2d", "greater than or equal to 0", "(2, -1)"]),
        // "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [6, 6]"
        ["AdaptiveMaxRank2"] = (() => F.AdaptiveMaxPool2d(X(6, 6), 2), ["adaptive_max_pool2d", "3D or 4D", "[6, 6]"]),
        // "... non-zero size for non-batch dimensions, but input has sizes [1, 0, 6, 6] with dimension 1 being empty"
        ["AdaptiveMaxZeroChannels"] = (() => F.AdaptiveMaxPool2d(X(1, 0, 6, 6), 2), ["adaptive_max_pool2d", "[1, 0, 6, 6] with dimension 1 being empty"]),
        // PyTorch: "Trying to create tensor with negative dimension -1: [1, 1, -1, -1]"
        ["AdaptiveMaxNegativeSize"] = (() => F.AdaptiveMaxPool2d(X(1, 1, 6, 6), -1), ["adaptive_max_pool2d", "(-1, -1)"]),
        ["AdaptiveMaxWithIndicesNegativeSize"] = (() => F.AdaptiveMaxPool2dWithIndices(X(1, 1, 6, 6), -1), ["adaptive_max_pool2d", "(-1, -1)"]),

        // lp_pool2d: PyTorch reports avg_pool2d's checks ("stride should not be zero", ...) and, for norm_type 0,
        // Python's "ZeroDivisionError: float division by zero"; we name lp_pool2d.
        ["LpRank2"] = (() => F.LpPool2d(X(6, 6), 2, 2), ["lp_pool2d", "3D or 4D", "[6, 6]"]),
        ["LpZeroKernel"] = (() => F.LpPool2d(X(1, 1, 6, 6), 2, 0), ["lp_pool2d", "kernel size should be greater than zero"]),
        ["LpZeroStride"] = (() => F.LpPool2d(X(1, 1, 6, 6), 2, 2, 0), ["lp_pool2d", "stride should be greater than zero"]),
        ["LpOutputTooSmall"] = (() => F.LpPool2d(X(1, 1, 6, 6), 2, 7), ["lp_pool2d", "Output size is too small"]),
        ["LpZeroNorm"] = (() => F.LpPool2d(X(1, 1, 6, 6), 0, 2), ["lp_pool2d", "norm_type", "got 0"]),

        // "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2 dimensions."
        ["UnpoolRank2"] = (() => F.MaxUnpool2d(X(3, 3), new int[9], 2), ["max_unpool2d", "3d or 4d Tensor, but got a tensor with 2 dimensions"]),
        // "Expected shape of indices to be same as that of the input tensor ([1, 1, 3, 3]) but got indices tensor with shape: [1, 1, 2, 3]"
        ["UnpoolIndicesLength"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), new int[6], 2), ["max_unpool2d", "indices", "[1, 1, 3, 3]", "got 6"]),
        // "Found an invalid max index: 2800 (output volumes are of size 6x6"
        ["UnpoolIndexTooLarge"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), [0, 1, 2, 3, 4, 5, 6, 7, 36], 2), ["max_unpool2d", "Found an invalid max index: 36 (output volumes are of size 6x6)"]),
        ["UnpoolNegativeIndex"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), [0, 1, 2, 3, -72, 5, 6, 7, 8], 2), ["max_unpool2d", "invalid max index: -72"]),
        // 'invalid output_size "(8, 8)" (dim 0 must be between 4 and 8)'
        ["UnpoolOutputSizeTooLarge"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), new int[9], 2, outputSize: [8, 8]), ["max_unpool2d", "invalid output_size \"(8, 8)\" (dim 0 must be between 4 and 8)"]),
        ["UnpoolOutputSizeTooSmall"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), new int[9], 2, outputSize: [6, 4]), ["max_unpool2d", "(dim 1 must be between 4 and 8)"]),
        // "output_size should be a sequence containing 2 or 4 elements, but it has a length of '3'"
        ["UnpoolOutputSizeLength"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), new int[9], 2, outputSize: [1, 6, 6]), ["max_unpool2d", "2 or 4 elements, but it has a length of '3'"]),
        // "max_unpooling2d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got [1, 0, 3, 3] with dimension 1 being empty."
        ["UnpoolZeroChannels"] = (() => F.MaxUnpool2d(X(1, 0, 3, 3), [], 2), ["max_unpool2d", "[1, 0, 3, 3] with dimension 1 being empty"]),
        ["UnpoolZeroHeight"] = (() => F.MaxUnpool2d(X(1, 1, 0, 3), [], 2), ["max_unpool2d", "[1, 1, 0, 3] with dimension 2 being empty"]),
        // PyTorch: "numel: integer multiplication overflow" for a negative default size.
        ["UnpoolOutputNegative"] = (() => F.MaxUnpool2d(X(1, 1, 1, 1), [0], 1, padding: 1), ["max_unpool2d", "(-1x-1) is too small"]),
        // Not checked by PyTorch (degenerate results there); rejected here, see docs/pooling.md.
        ["UnpoolZeroKernel"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), new int[9], 0), ["max_unpool2d", "kernel size should be greater than zero"]),
        ["UnpoolZeroStride"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), new int[9], 2, 0), ["max_unpool2d", "stride should be greater than zero"]),
        ["UnpoolNegativePadding"] = (() => F.MaxUnpool2d(X(1, 1, 3, 3), new int[9], 2, padding: -1), ["max_unpool2d", "pad must be non-negative"]),
    };

    public static TheoryData<string> RejectedNames() => new(Rejected.Keys);

    [Theory]
    [MemberData(nameof(RejectedNames))]
    public void RejectsWhatPyTorchRejects(string name)
    {
        var (call, expected) = Rejected[name];
        var e = Assert.ThrowsAny<ArgumentException>(call);
        foreach (var part in expected) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void InvalidCallRecordsNothingAndLeavesInputUntouched()
    {
        var x = Tensor.From(new double[] { 1, 2, 3, 4 }, [1, 1, 2, 2], requiresGrad: true);
        Assert.ThrowsAny<ArgumentException>(() => F.MaxPool2d(x, 3));
        Assert.Equal([1.0, 2, 3, 4], x.ToDoubleArray());
        Assert.Null(x.Grad);
    }

    // Configurations PyTorch 1.13 accepts, with the shapes it returns.
    [Fact]
    public void EmptyBatchGivesEmptyOutputs()
    {
        var x = X(0, 1, 6, 6);
        Assert.Equal([0, 1, 3, 3], F.MaxPool2d(x, 2).Shape.ToArray());
        Assert.Equal([0, 1, 3, 3], F.AvgPool2d(x, 2).Shape.ToArray());
        Assert.Equal([0, 1, 2, 2], F.AdaptiveAvgPool2d(x, 2).Shape.ToArray());
        Assert.Equal([0, 1, 2, 2], F.AdaptiveMaxPool2d(x, 2).Shape.ToArray());
        var y = F.MaxPool2d(x, 2);
        y.Sum().Backward();
        Assert.Equal([0, 1, 6, 6], x.Grad!.Shape.ToArray());
    }

    [Fact]
    public void AdaptiveOutputSizeZeroIsEmpty()
    {
        Assert.Equal([1, 1, 0, 0], F.AdaptiveAvgPool2d(X(1, 1, 6, 6), 0).Shape.ToArray());
        Assert.Equal([1, 1, 0, 2], F.AdaptiveAvgPool2d(X(1, 1, 6, 6), (0, 2)).Shape.ToArray());
        Assert.Equal([1, 1, 0, 0], F.AdaptiveMaxPool2d(X(1, 1, 6, 6), 0).Shape.ToArray());
    }

    [Fact]
    public void AdaptiveAvgAcceptsZeroChannels()
    {
        Assert.Equal([1, 0, 2, 2], F.AdaptiveAvgPool2d(X(1, 0, 6, 6), 2).Shape.ToArray());
        Assert.Equal([0, 2, 2], F.AdaptiveAvgPool2d(X(0, 6, 6), 2).Shape.ToArray());
    }

    [Fact]
    public void PaddingUpToHalfKernelIsAcceptedWithDilation()
        => Assert.Equal([1, 1, 3, 3], F.MaxPool2d(X(1, 1, 6, 6), 2, padding: 1, dilation: 3).Shape.ToArray());
}
