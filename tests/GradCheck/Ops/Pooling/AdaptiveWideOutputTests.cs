namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// Adaptive pooling to very wide outputs. One cell to a 2^24-wide output (64 MB in float32): the
/// temporaries must stay a small part of the output (Note [Compact pool axes], Note [Pool divisors]), so
/// that an output too large for memory fails on its own allocation and not on per-output tables built
/// first. Before, the forward of (1, 2^26) peaked at 2 GB for a 256 MB output. Kept out of the "Pool"
/// classes that SimdFallbackTests re-runs in a child process: these allocate hundreds of MB or take a second.
/// Expected values are by hand: every window is the single input cell (start = floor(o·1/2^24) = 0,
/// end = ceil((o+1)/2^24) = 1), so each output is the input, each argmax index 0, and the gradient of the
/// sum is 2^24 · 1 / 1 (exact in float32, whose integers are exact up to 2^24).
/// </summary>
public class AdaptiveWideOutputTests
{
    private const int Width = 1 << 24;
    private const long Slack = 1 << 20;   // scratch and bookkeeping: blocks of 4096 outputs, tensors, the graph

    /// <summary>Bytes this thread allocated while running <paramref name="call"/> under the hang guard (the calls here are one plane: inline).</summary>
    private static (T Result, long Bytes) Measured<T>(Func<T> call, string what) => PoolExtremeArgumentTests.Within(() =>
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = call();
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }, what);

    [Fact]
    public void AdaptiveAvgToAVeryWideOutputAllocatesLittleBeyondIt()
    {
        var x = Tensor.Ones([1, 1, 1, 1], DType.Float32, requiresGrad: true);
        var (y, forward) = Measured(() => F.AdaptiveAvgPool2d(x, (1, Width)), "adaptive_avg_pool2d forward");
        Assert.Equal([1, 1, 1, Width], y.Shape.ToArray());
        Assert.True(forward <= 4L * Width + Slack, $"forward allocated {forward} bytes for a {4L * Width}-byte output");
        Assert.True(y.ToFloatArray().All(v => v == 1f));

        var g = Tensor.Ones([1, 1, 1, Width]);
        var (_, backward) = Measured(() => { y.Backward(g); return 0; }, "adaptive_avg_pool2d backward");
        Assert.True(backward <= Slack, $"backward allocated {backward} bytes");
        Assert.Equal((double)Width, x.Grad!.GetDouble(0));
    }

    [Fact]
    public void AdaptiveMaxToAVeryWideOutputAllocatesLittleBeyondIt()
    {
        var x = Tensor.Ones([1, 1, 1, 1], DType.Float32, requiresGrad: true);
        var ((y, indices), forward) = Measured(() => F.AdaptiveMaxPool2dWithIndices(x, (1, Width)), "adaptive_max_pool2d forward");
        Assert.Equal([1, 1, 1, Width], y.Shape.ToArray());
        // the output (4 bytes each), the backward's int32 indices (4) and the int64 index tensor handed to the caller (8, PyTorch's dtype)
        Assert.True(forward <= 16L * Width + Slack, $"forward allocated {forward} bytes for a {4L * Width}-byte output");
        Assert.True(y.ToFloatArray().All(v => v == 1f));
        Assert.True(indices.ToArray<int>().All(i => i == 0));

        var g = Tensor.Ones([1, 1, 1, Width]);
        var (_, backward) = Measured(() => { y.Backward(g); return 0; }, "adaptive_max_pool2d backward");
        Assert.True(backward <= Slack, $"backward allocated {backward} bytes");
        Assert.Equal((double)Width, x.Grad!.GetDouble(0));
    }

    // Finite differences (float64) through the compact layout over several column blocks: adaptive windows
    // are always compact, and 4100 outputs per row span two blocks (ColumnBlock.MaxOutputs). Here rather than
    // in PoolExtremeArgumentTests because its 2 × 4100 backward passes take a second.
    [Fact]
    public void CompactLayoutOverSeveralColumnBlocksGradCheck()
    {
        Assert.Equal(2, new ColumnBlock(PoolAxis.Adaptive(3, 4100)).Count);
        var x = PoolGradCheckTests.Distinct([1, 1, 2, 3], 43);
        Assert.True(GradCheck.Check(t => F.AdaptiveMaxPool2d(t[0], (1, 4100)), [x]));
        Assert.True(GradCheck.Check(t => F.AdaptiveAvgPool2d(t[0], (1, 4100)), [x]));
    }
}
