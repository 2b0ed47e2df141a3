namespace Autograd.Tests;

public class TapeSnapshotTests
{
    /// <summary>
    /// z = sum(y * y) + mean(y), y = relu(x @ w + b). PyTorch 1.13 runs this graph's nodes in the order
    /// AddBackward0, MeanBackward0, SumBackward0, MulBackward0, ReluBackward0, AddBackward0,
    /// AccumulateGrad(b), MmBackward0, AccumulateGrad(x), AccumulateGrad(w) (recorded with
    /// grad_fn.register_hook on every node); the listing was checked against that by hand.
    /// </summary>
    private static Tensor SmallGraph(out Tensor x, out Tensor w, out Tensor b)
    {
        x = Tensor.From([1f, -2f, 0.5f, 3f, 0f, -1f], [2, 3], requiresGrad: true);
        w = Tensor.From([0.5f, -1f, 0.25f, 2f, 1f, 0f, -0.5f, 1.5f, -1f, 0.5f, 2f, -2f], [3, 4], requiresGrad: true);
        b = Tensor.From([0.1f, 0.2f, -0.3f, 0.4f], requiresGrad: true);
        var y = (F.Matmul(x, w) + b).Relu();
        return (y * y).Sum() + y.Mean();
    }

    [Fact]
    public void SmallGraphTape()
    {
        var z = SmallGraph(out _, out _, out _);
        var tape = Tape.Format(z);
        Approval.Verify("Tape.SmallGraph", tape);
        var names = tape.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToArray();
        Assert.Equal(["AddBackward0", "MeanBackward0", "SumBackward0", "MulBackward0", "ReluBackward0", "AddBackward0",
                      "AccumulateGrad", "MmBackward0", "AccumulateGrad", "AccumulateGrad"], names);
    }

    [Fact]
    public void SmallGraphValuesAndGradientsMatchPyTorch()
    {
        // PyTorch 1.13, same float32 inputs: z.item() and the leaves' .grad after z.backward().
        var z = SmallGraph(out var x, out var w, out var b);
        z.Backward();
        Assert.Equal(ExpectedZ, z.Item(), 4);
        AssertClose(ExpectedGradX, x.Grad!);
        AssertClose(ExpectedGradW, w.Grad!);
        AssertClose(ExpectedGradB, b.Grad!);
    }

    private static void AssertClose(double[] expected, Tensor actual)
    {
        var a = actual.ToDoubleArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {a[i]}");
    }

    private const double ExpectedZ = 82.74124145507812;
    private static readonly double[] ExpectedGradX = [1.006250023841858, -2.012500047683716, 8.050000190734863, 36.51249694824219, 30.71249771118164, -39.17499923706055];
    private static readonly double[] ExpectedGradW = [15.97499942779541, 0.0, 4.025000095367432, 50.77499771118164, 0.0, 0.0, -8.050000190734863, 0.0, -5.324999809265137, 0.0, 2.012500047683716, -16.924999237060547];
    private static readonly double[] ExpectedGradB = [5.324999809265137, 0.0, 4.025000095367432, 16.924999237060547];
}
