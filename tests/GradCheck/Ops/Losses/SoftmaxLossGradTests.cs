namespace Autograd.Tests.Ops.Losses;

public class SoftmaxLossGradTests
{
    // Every expected value below is PyTorch 1.13's output for the same float64 (or float32) inputs.
    private static Tensor X => Tensor.From([1.0, 2.0, 3.0, -1.0, 0.5, 4.0], [2, 3]);

    private static Tensor Logits(bool g = true)
        => Tensor.From([1.0, 2.0, 0.5, -1.0, 0.1, -0.3, 2.2, 1.0, 3.0, 0.0, -2.0, 1.5], [3, 4], g);

    [Fact]
    public void SoftmaxAndLogSoftmaxValuesMatchPyTorch()
    {
        TestData.AssertClose([0.8807970779778823, 0.8175744761936437, 0.2689414213699951, 0.11920292202211755, 0.18242552380635632, 0.7310585786300049], F.Softmax(X, 0));
        TestData.AssertClose([0.09003057317038045, 0.2447284710547976, 0.6652409557748218, 0.00649794331566194, 0.0291217615374784, 0.9643802951468596], X.Softmax(-1));
        TestData.AssertClose([-0.1269280110429726, -0.20141327798275246, -1.3132616875182228, -2.1269280110429727, -1.7014132779827524, -0.31326168751822286], F.LogSoftmax(X, 0));
        TestData.AssertClose([-2.4076059644443806, -1.4076059644443804, -0.4076059644443804, -5.036269565124779, -3.5362695651247793, -0.03626956512477912], X.LogSoftmax(1));
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogits()
    {
        // float32 inputs where a naive exp overflows (exp(1000) = inf).
        TestData.AssertClose([0.09003057330846786, 0.2447284758090973, 0.6652409434318542], F.Softmax(Tensor.From([1000f, 1001f, 1002f]), 0), 1e-6);
        TestData.AssertClose([-2.4076058864593506, -1.4076058864593506, -0.40760594606399536], F.LogSoftmax(Tensor.From([1000f, 1001f, 1002f]), 0), 1e-6);
        TestData.AssertClose([-0.40760594606399536, -1.4076058864593506, -2.4076058864593506], F.LogSoftmax(Tensor.From([-1000f, -1001f, -1002f]), 0), 1e-6);
    }

    [Fact]
    public void InfinitiesAndNaNFollowPyTorch()
    {
        // PyTorch: softmax([inf, 1]) = [nan, nan]; softmax([-inf, 1]) = [0, 1]; log_softmax([-inf, 1]) = [-inf, 0].
        Assert.All(F.Softmax(Tensor.From([double.PositiveInfinity, 1]), 0).ToDoubleArray(), v => Assert.True(double.IsNaN(v)));
        Assert.Equal([0.0, 1.0], F.Softmax(Tensor.From([double.NegativeInfinity, 1]), 0).ToDoubleArray());
        Assert.Equal([double.NegativeInfinity, 0.0], F.LogSoftmax(Tensor.From([double.NegativeInfinity, 1]), 0).ToDoubleArray());
        Assert.All(F.Softmax(Tensor.From([double.NaN, 1]), 0).ToDoubleArray(), v => Assert.True(double.IsNaN(v)));
    }

    public static TheoryData<int[], int> SoftmaxCases => new()
    {
        { [7], 0 }, { [7], -1 }, { [2, 3], 0 }, { [2, 3], 1 }, { [3, 1, 5], 1 }, { [3, 1, 5], -1 }, { [2, 3, 4], 1 }, { [2, 3, 4], -3 }, { [], 0 },
    };

    [Theory]
    [MemberData(nameof(SoftmaxCases))]
    public void SoftmaxAndLogSoftmaxPassGradCheck(int[] shape, int dim)
    {
        var x = TestData.Randn(shape, 61);
        Assert.True(GradCheck.Check(t => F.Softmax(t[0], dim), [x]));
        Assert.True(GradCheck.Check(t => F.LogSoftmax(t[0], dim), [x]));
        var s = F.Softmax(x, dim).Sum([dim]).ToDoubleArray();
        Assert.All(s, v => Assert.Equal(1.0, v, 12));
    }

    [Fact]
    public void CrossEntropyValuesAndGradientMatchPyTorch()
    {
        int[] t = [1, 2, 0];
        TestData.AssertClose([0.38368470697065904], F.CrossEntropy(Logits(false), t));
        TestData.AssertClose([1.1510541209119771], F.CrossEntropy(Logits(false), t, Reduction.Sum));
        var none = F.CrossEntropy(Logits(false), t, Reduction.None);
        Assert.Equal([3], none.Shape.ToArray());
        TestData.AssertClose([0.49518189808585605, 0.4092815753163218, 0.24659064750979923], none);

        var logits = Logits();
        var loss = F.CrossEntropy(logits, t);
        Assert.Equal("NllLossBackward0", loss.GradFn!.Name);
        Assert.Equal("LogSoftmaxBackward0", loss.GradFn.NextFunctions[0]!.Name);
        loss.Backward();
        TestData.AssertClose([0.07473593934940037, -0.13017998746704096, 0.045329638597835176, 0.010114409519805408, 0.027108881775878835, 0.018171626879981802, -0.11195759861179813, 0.06667708995593749, -0.07284649304131181, 0.012968876126547728, 0.001755146523846882, 0.058122470390917225], logits.Grad!);
    }

    [Fact]
    public void CrossEntropyIgnoresMinus100LikePyTorchAndUnbatchedInputWorks()
    {
        TestData.AssertClose([0.37088627279782765], F.CrossEntropy(Logits(false), [1, -100, 0]));
        TestData.AssertClose([0.49518189808585605, 0.0, 0.24659064750979923], F.CrossEntropy(Logits(false), [1, -100, 0], Reduction.None));
        Assert.True(double.IsNaN(F.CrossEntropy(Logits(false), [-100, -100, -100]).Item()));
        var row = Tensor.From([0.1, -0.3, 2.2, 1.0]);
        TestData.AssertClose([0.4092815753163218], F.CrossEntropy(row, [2]));
        Assert.Equal(Array.Empty<int>(), F.CrossEntropy(row, [2], Reduction.None).Shape.ToArray());
        TestData.AssertClose([-2.4], F.NllLoss(Logits(false), [1, 2, 0]));
    }

    public static TheoryData<int[], int[], Reduction> CrossEntropyCases => new()
    {
        { [3, 4], [1, 2, 0], Reduction.Mean },
        { [3, 4], [3, 3, 0], Reduction.Sum },
        { [3, 4], [1, 2, 0], Reduction.None },
        { [5, 1], [0, 0, 0, 0, 0], Reduction.Mean },
        { [1, 7], [6], Reduction.Mean },
        { [7], [3], Reduction.None },
        { [4, 3], [2, -100, 0, 1], Reduction.Mean },
        { [4, 3], [2, -100, 0, 1], Reduction.None },
    };

    [Theory]
    [MemberData(nameof(CrossEntropyCases))]
    public void CrossEntropyAndNllLossPassGradCheck(int[] shape, int[] target, Reduction reduction)
    {
        var x = TestData.Randn(shape, 62);
        Assert.True(GradCheck.Check(t => F.CrossEntropy(t[0], target, reduction), [x]));
        Assert.True(GradCheck.Check(t => F.NllLoss(t[0], target, reduction), [x]));
    }

    [Fact]
    public void MseLossValuesMatchPyTorch()
    {
        var a = Tensor.From([1.0, 2.0, 3.0, -1.0], [2, 2]);
        var b = Tensor.From([0.5, 2.5, 1.0, 1.0], [2, 2]);
        Assert.Equal(2.125, F.MseLoss(a, b).Item());
        Assert.Equal(8.5, F.MseLoss(a, b, Reduction.Sum).Item());
        var none = F.MseLoss(a, b, Reduction.None);
        Assert.Equal([2, 2], none.Shape.ToArray());
        Assert.Equal([0.25, 0.25, 4.0, 4.0], none.ToDoubleArray());
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void MseLossPassesGradCheckForBothInputs(Reduction reduction)
    {
        foreach (var shape in new[] { new int[0], [1], [7], [3, 1, 5] })
        {
            var x = TestData.Randn(shape, 63);
            var y = TestData.Randn(shape, 64);
            Assert.True(GradCheck.Check(t => F.MseLoss(t[0], t[1], reduction), [x, y]));
            Assert.Equal("MseLossBackward0", F.MseLoss(x, y, reduction).GradFn!.Name);
        }
    }

    [Fact]
    public void BadTargetsAndShapesThrowWithClearMessages()
    {
        var x = Tensor.Zeros([3, 5]);
        Assert.Contains("Expected input batch_size (3) to match target batch_size (2).",
            Assert.Throws<ArgumentException>(() => F.CrossEntropy(x, [1, 2])).Message);
        Assert.Contains("Target 5 is out of bounds",
            Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(x, [1, 2, 5])).Message);
        Assert.Contains("Target -1 is out of bounds",
            Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(x, [1, -1, 0])).Message);
        Assert.Contains("Target 7 is out of bounds", Assert.Throws<ArgumentOutOfRangeException>(() => F.NllLoss(x, [7, 0, 0])).Message);
        Assert.Contains("exactly one target", Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([5]), [1, 2])).Message);
        Assert.Contains("(C) or (N, C)", Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([2, 3, 4]), [0, 0])).Message);
        Assert.Throws<ArgumentNullException>(() => F.CrossEntropy(x, (int[])null!));
        Assert.Throws<ArgumentNullException>(() => F.CrossEntropy(x, (Tensor)null!));
        Assert.Contains("mse_loss", Assert.Throws<ArgumentException>(() => F.MseLoss(Tensor.Zeros([3, 2]), Tensor.Zeros([3]))).Message);
        Assert.Contains("expected to be in range of [-2, 1], but got 2", Assert.Throws<ArgumentOutOfRangeException>(() => F.Softmax(x, 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.LogSoftmax(x, -3));
    }
}
