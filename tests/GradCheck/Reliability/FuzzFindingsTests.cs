using Autograd.Oracle;

namespace Autograd.Tests.Reliability;

/// <summary>What the fuzz test (Note [Fuzz test]) found beyond issue 10's list, pinned one by one.</summary>
public class FuzzFindingsTests
{
    [Fact]
    public void MaxPoolWithAKernelWhoseDilatedSpanPassesIntFindsItsRealCells()
    {
        // Fuzz seed 2026 case 302: kernel 2^31−1, dilation 2, padding 2^30−1, ceil mode, on 3×5.
        // By hand: one output per axis (floor((3 + 2(2^30−1) − 2(2^31−2) − 1 + 2^31−2) / (2^31−1)) + 1 = 1);
        // its window starts at −(2^30−1) and steps by 2, so it reads row 1 only and columns 1 and 3.
        // libtorch 1.13 returns −inf here: its kernel computes (k − 1)·d in int (Note [max_pool2d int
        // overflow in libtorch]), so the oracle's guard keeps this configuration from it.
        var data = Enumerable.Range(0, 15).Select(i => (double)((i * 7) % 11)).ToArray();
        var x = Tensor.From(data, [1, 1, 3, 5], requiresGrad: true);
        var (y, idx) = F.MaxPool2dWithIndices(x, int.MaxValue, padding: (1 << 30) - 1, dilation: 2, ceilMode: true);
        Assert.Equal([1, 1, 1, 1], y.Shape.ToArray());
        double expected = Math.Max(data[1 * 5 + 1], data[1 * 5 + 3]);
        int expectedIndex = data[1 * 5 + 3] > data[1 * 5 + 1] ? 8 : 6;
        Assert.Equal(expected, y.Item());
        Assert.Equal(expectedIndex, idx.ItemAs<int>());
        y.Sum().Backward();
        var g = x.Grad!.ToDoubleArray();
        Assert.Equal(1.0, g[expectedIndex]);
        Assert.Equal(1.0, g.Sum());
        Assert.True(MaxPoolGuard.OverflowsLibtorch([1, 1, 3, 5], int.MaxValue, int.MaxValue, (1 << 30) - 1, 2, true));
        Assert.False(MaxPoolGuard.OverflowsLibtorch([1, 1, 3, 5], 3, 3, 1, 2, true));
    }

    [Fact]
    public void AnEmptyResultWhoseStridesOverflowInt64IsRejected()
    {
        // Fuzz seed 3 case 2530: pad (2^31−1, 0, 0, 0, 2^30, 3) of a [0, 2, 4, 0] tensor asks for
        // [0, 1073741829, 4, 2147483647]: no elements, but its first stride 1073741829·4·2147483647
        // passes int64, and PyTorch refuses it (python3-torch 1.13: "IntArrayRef contains an int that
        // cannot be represented as a SymInt: -9223371998200070164"). Note [Strides of empty tensors].
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros([0, 2, 4, 0]), [int.MaxValue, 0, 0, 0, 1 << 30, 3]));
        Assert.Equal("pad: Stride calculation overflowed with sizes=[0, 1073741829, 4, 2147483647]", e.Message);
        // One dim fewer and the strides fit: an empty result, as in PyTorch ([0, 1073741829, 2147483647]).
        Assert.Equal([0, 1073741829, 2147483647], F.Pad(Tensor.Zeros([0, 2, 0]), [int.MaxValue, 0, 1 << 30, 3]).Shape.ToArray());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ConvWithAStrideNearIntMaxEqualsAnyStrideThatGivesOneOutput(DType dtype)
    {
        // Fuzz seed 5 case 3023: 3×3 kernel on 5×3, 'valid', stride 2^31−1 gives one output per image,
        // exactly as stride 1000 does, so output and gradients must be the same. libtorch 1.13's float32
        // input gradient is wrong there (python3-torch: x.grad[0,0,0,0] 0.0315 at stride 2^31−1 and
        // 1.3577 at stride 1000; its float64 path gives 1.3577): the fuzz compares such conv2d cases in
        // float64 and checks ours' float32 against ours' float64.
        var x = Tensor.Randn([2, 3, 5, 3], dtype, generator: new Generator(3));
        var w = Tensor.Randn([3, 3, 3, 3], dtype, generator: new Generator(4));
        (double[] Y, double[] Dx, double[] Dw) Run(int stride)
        {
            var xs = x.CloneData().RequiresGrad_();
            var ws = w.CloneData().RequiresGrad_();
            var y = F.Conv2d(xs, ws, stride: stride, padding: "valid");
            y.Sum().Backward();
            return (y.ToDoubleArray(), xs.Grad!.ToDoubleArray(), ws.Grad!.ToDoubleArray());
        }
        var far = Run(int.MaxValue);
        var near = Run(1000);
        Assert.Equal(near.Y, far.Y);
        Assert.Equal(near.Dx, far.Dx);
        Assert.Equal(near.Dw, far.Dw);
    }

    [Fact]
    public void AnEmptyShapeMayHaveDimsWhoseProductPassesInt()
    {
        // Fuzz seed 6 case 1745 (with the TorchSharp oracle): pad (−1, −2, 1, 0, 2^30, 2) of a [2, 0, 3, 3]
        // tensor is [2, 1073741826, 4, 0], empty; ours counted 2·1073741826 before reaching the zero and
        // refused it ("has more than 2147483647 elements", without the op's name). The reference is
        // libtorch 2.10 through TorchSharp, in this process (1.13 refused the crop to 0 columns itself).
        Assert.Equal(0, Tensor.Zeros([2, 1073741826, 4, 0]).Numel);
        int[] pads = [-1, -2, 1, 0, 1 << 30, 2];
        using var torch = new TorchSharpBackend();
        var ty = torch.Pad(torch.From([], [2, 0, 3, 3], DType.Float64, requiresGrad: true), pads, 1.5);
        var x = Tensor.Ones([2, 0, 3, 3], DType.Float64, requiresGrad: true);
        var y = F.Pad(x, pads, value: 1.5);
        Assert.Equal(ty.Shape, y.Shape.ToArray());
        Assert.Equal([2, 1073741826, 4, 0], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal([2, 0, 3, 3], x.Grad!.Shape.ToArray());
    }
}
