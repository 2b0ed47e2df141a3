namespace Autograd.Tests.Ops.Pooling;

// Note [Adaptive backward of an empty output], found by the fuzz test (libtorch rejected backward
// where ours returned a zero gradient). Expected messages: libtorch 2.10's (PoolErrorOracleTests checks
// them against TorchSharp in the same run); python3-torch 1.13 says the same but spells the max one
// "adaptive_max_pooling2d_backward", e.g.
//   F.adaptive_avg_pool2d(torch.ones(2,3,4,5, requires_grad=True), (0,2)).sum().backward()
//   -> "adaptive_avg_pool2d_backward(): Expected grad_output to have non-zero size for non-batch
//       dimensions, but grad_output has sizes [2, 3, 0, 2] with dimension 2 being empty"
public class AdaptiveEmptyOutputTests
{
    [Theory]
    [InlineData(false, new[] { 2, 3, 4, 5 }, 0, 2, "[2, 3, 0, 2] with dimension 2 being empty")]
    [InlineData(false, new[] { 3, 4, 5 }, 2, 0, "[3, 2, 0] with dimension 2 being empty")]
    [InlineData(false, new[] { 2, 0, 4, 5 }, 2, 2, "[2, 0, 2, 2] with dimension 1 being empty")]
    [InlineData(true, new[] { 2, 3, 4, 5 }, 0, 2, "[2, 3, 0, 2] with dimension 2 being empty")]
    [InlineData(true, new[] { 3, 4, 5 }, 2, 0, "[3, 2, 0] with dimension 2 being empty")]
    public void BackwardOfAnEmptyOutputIsRejectedAsInPyTorch(bool max, int[] shape, int oh, int ow, string sizes)
    {
        var x = Tensor.Ones(shape, requiresGrad: true);
        var y = max ? F.AdaptiveMaxPool2d(x, (oh, ow)) : F.AdaptiveAvgPool2d(x, (oh, ow));
        Assert.Equal(0, y.Numel);   // the forward is accepted, as in PyTorch
        var e = Assert.Throws<ArgumentException>(() => y.Sum().Backward());
        Assert.Equal($"{(max ? "adaptive_max_pool2d_backward" : "adaptive_avg_pool2d_backward")}(): Expected grad_output to have non-zero size for non-batch dimensions, but grad_output has sizes {sizes}", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnEmptyBatchStillHasABackward(bool max)
    {
        // PyTorch: (0, 3, 4, 5) to (2, 2) gives a (0, 3, 2, 2) output and a (0, 3, 4, 5) gradient.
        var x = Tensor.Ones([0, 3, 4, 5], requiresGrad: true);
        var y = max ? F.AdaptiveMaxPool2d(x, 2) : F.AdaptiveAvgPool2d(x, 2);
        y.Sum().Backward();
        Assert.Equal([0, 3, 4, 5], x.Grad!.Shape.ToArray());
    }
}
