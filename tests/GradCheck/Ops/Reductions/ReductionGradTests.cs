namespace Autograd.Tests.Ops.Reductions;

public class ReductionGradTests
{
    // A 2×3×4 tensor with ties; every expected value below is PyTorch 1.13's output for it.
    private static readonly double[] T = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4];
    private static Tensor Ties(bool requiresGrad = false) => Tensor.From(T, [2, 3, 4], requiresGrad);

    public static TheoryData<int, bool, int[], double[], int[], double[], int[]> MaxMinCases => new()
    {
        { 0, false, [3, 4], [9, 7, 9, 3, 5, 9, 8, 6, 6, 3, 6, 8], [1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0], [3, 1, 4, 1, 2, 3, 2, 4, 5, 2, 5, 4], [0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1] },
        { 0, true, [1, 3, 4], [9, 7, 9, 3, 5, 9, 8, 6, 6, 3, 6, 8], [1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0], [3, 1, 4, 1, 2, 3, 2, 4, 5, 2, 5, 4], [0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1] },
        { 1, false, [2, 4], [5, 9, 5, 8, 9, 7, 9, 4], [1, 1, 2, 2, 0, 0, 0, 1], [3, 1, 2, 1, 2, 2, 6, 3], [0, 0, 1, 0, 1, 2, 2, 0] },
        { 1, true, [2, 1, 4], [5, 9, 5, 8, 9, 7, 9, 4], [1, 1, 2, 2, 0, 0, 0, 1], [3, 1, 2, 1, 2, 2, 6, 3], [0, 0, 1, 0, 1, 2, 2, 0] },
        { -1, false, [2, 3], [4, 9, 8, 9, 8, 6], [2, 1, 3, 0, 2, 0], [1, 2, 3, 3, 2, 2], [1, 2, 1, 3, 0, 1] },
        { -1, true, [2, 3, 1], [4, 9, 8, 9, 8, 6], [2, 1, 3, 0, 2, 0], [1, 2, 3, 3, 2, 2], [1, 2, 1, 3, 0, 1] },
    };

    [Theory]
    [MemberData(nameof(MaxMinCases))]
    public void MaxMinOverDimMatchPyTorchIncludingFirstIndexOnTies(int dim, bool keepDim, int[] shape, double[] maxV, int[] maxI, double[] minV, int[] minI)
    {
        var (mv, mi) = F.Max(Ties(), dim, keepDim);
        Assert.Equal(shape, mv.Shape.ToArray());
        Assert.Equal(maxV, mv.ToDoubleArray());
        Assert.Equal(maxI, mi.ToArray<int>());
        var (nv, ni) = Ties().Min(dim, keepDim);
        Assert.Equal(shape, nv.Shape.ToArray());
        Assert.Equal(minV, nv.ToDoubleArray());
        Assert.Equal(minI, ni.ToArray<int>());
    }

    [Fact]
    public void MaxOverDimSendsTheGradientToTheSelectedIndexOnly()
    {
        var x = Ties(requiresGrad: true);
        F.Max(x, 1).Values.Sum().Backward();
        Assert.Equal([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AllElementMaxAndMinSplitTheGradientEvenlyAmongTies()
    {
        var x = Ties(requiresGrad: true);
        F.Max(x).Backward();
        var expected = new double[24];
        expected[5] = expected[12] = expected[14] = 1.0 / 3;   // the three 9s
        Assert.Equal(expected, x.Grad!.ToDoubleArray());
        Assert.Equal(9, F.Max(x).Item());

        var y = Ties(requiresGrad: true);
        y.Min().Backward();
        expected = new double[24];
        expected[1] = expected[3] = 0.5;                        // the two 1s
        Assert.Equal(expected, y.Grad!.ToDoubleArray());
        Assert.Equal(1, F.Min(y).Item());
    }

    [Fact]
    public void NaNWinsMaxAndMinAndTakesTheGradient()
    {
        // PyTorch: max/min over dim 1 of [[1,3,3,2],[nan,1,nan,0]] give [3, nan] / [1, nan], indices [1, 0] / [0, 0].
        var x = Tensor.From([1, 3, 3, 2, double.NaN, 1, double.NaN, 0], [2, 4]);
        var (mv, mi) = F.Max(x, 1);
        Assert.Equal(3, mv.ToDoubleArray()[0]);
        Assert.True(double.IsNaN(mv.ToDoubleArray()[1]));
        Assert.Equal([1, 0], mi.ToArray<int>());
        var (nv, ni) = F.Min(x, 1);
        Assert.Equal(1, nv.ToDoubleArray()[0]);
        Assert.Equal([0, 0], ni.ToArray<int>());
        Assert.True(double.IsNaN(F.Max(x).Item()));
        Assert.True(double.IsNaN(F.Min(x).Item()));

        // PyTorch: [[1, nan, nan, 2]].max().backward() gives [0, 0.5, 0.5, 0].
        var z = Tensor.From([1, double.NaN, double.NaN, 2], [1, 4], requiresGrad: true);
        F.Max(z).Backward();
        Assert.Equal([0, 0.5, 0.5, 0], z.Grad!.ToDoubleArray());
    }

    public static TheoryData<int[], int, bool> DimCases => new()
    {
        { [7], 0, false }, { [7], -1, true }, { [3, 1, 5], 1, false }, { [3, 1, 5], 2, true },
        { [2, 3, 4], 0, true }, { [2, 3, 4], -2, false }, { [5, 3], -1, false }, { [], 0, false }, { [], -1, true },
    };

    [Theory]
    [MemberData(nameof(DimCases))]
    public void MaxMinOverDimPassGradCheck(int[] shape, int dim, bool keepDim)
    {
        var x = TestData.Distinct(shape, 21);
        Assert.True(GradCheck.Check(t => F.Max(t[0], dim, keepDim).Values, [x]));
        Assert.True(GradCheck.Check(t => F.Min(t[0], dim, keepDim).Values, [x]));
    }

    [Theory]
    [MemberData(nameof(TestData.Shapes), MemberType = typeof(TestData))]
    public void AllElementReductionsPassGradCheck(int[] shape)
    {
        var x = TestData.Distinct(shape, 22);
        Assert.True(GradCheck.Check(t => F.Max(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Min(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Sum(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Mean(t[0]), [x]));
    }

    [Theory]
    [MemberData(nameof(DimCases))]
    public void SumAndMeanOverDimPassGradCheck(int[] shape, int dim, bool keepDim)
    {
        var x = TestData.Randn(shape, 23);
        Assert.True(GradCheck.Check(t => F.Sum(t[0], [dim], keepDim), [x]));
        Assert.True(GradCheck.Check(t => t[0].Mean([dim], keepDim), [x]));
    }

    [Fact]
    public void SumAndMeanOverSeveralDimsMatchPyTorch()
    {
        // PyTorch: x.sum((0, 2)), x.sum(-1, keepdim=True), x.sum(), x.mean(1), x.mean().
        Assert.Equal([37.0, 39, 39], F.Sum(Ties(), [0, 2]).ToDoubleArray());
        var s = F.Sum(Ties(), [-1], keepDim: true);
        Assert.Equal([2, 3, 1], s.Shape.ToArray());
        Assert.Equal([9.0, 22, 21, 28, 17, 18], s.ToDoubleArray());
        Assert.Equal(115, Ties().Sum().Item());
        TestData.AssertClose([4.333333333333333, 4.333333333333333, 3.6666666666666665, 5.0, 5.666666666666667, 4.0, 7.666666666666667, 3.6666666666666665], Ties().Mean([1]));
        TestData.AssertClose([4.791666666666667], Ties().Mean());
        var x = TestData.Randn([2, 3, 4], 24);
        Assert.True(GradCheck.Check(t => F.Sum(t[0], [0, -1], keepDim: true), [x]));
        Assert.True(GradCheck.Check(t => F.Mean(t[0], [2, 0]), [x]));
    }

    [Fact]
    public void MeanOfEmptyIsNaNLikePyTorch()
    {
        Assert.True(double.IsNaN(F.Mean(Tensor.Zeros([0])).Item()));
        Assert.True(double.IsNaN(F.Mean(Tensor.Zeros([2, 0]), [1]).ToDoubleArray()[0]));
    }

    [Fact]
    public void NodeNamesFollowPyTorch()
    {
        var x = TestData.Distinct([2, 3], 25);
        Assert.Equal("MaxBackward1", F.Max(x).GradFn!.Name);
        Assert.Equal("MinBackward1", F.Min(x).GradFn!.Name);
        Assert.Equal("MaxBackward0", F.Max(x, 1).Values.GradFn!.Name);
        Assert.Equal("MinBackward0", F.Min(x, 1).Values.GradFn!.Name);
        Assert.Equal("SumBackward0", F.Sum(x).GradFn!.Name);
        Assert.Equal("SumBackward1", F.Sum(x, [1]).GradFn!.Name);
        Assert.Equal("MeanBackward0", F.Mean(x).GradFn!.Name);
        Assert.Equal("MeanBackward1", F.Mean(x, [1]).GradFn!.Name);
    }

    [Fact]
    public void ReturnedIndicesAreTheCallersToChange()
    {
        var x = TestData.Distinct([2, 3], 26);
        var (v, idx) = F.Max(x, 1);
        var expected = x.ToDoubleArray().Chunk(3).Select(r => r.Max()).ToArray();
        Array.Fill(idx.Array<long>(), 0L);   // must not redirect the gradient
        v.Sum().Backward();
        var grad = x.Grad!.ToDoubleArray();
        var xs = x.ToDoubleArray();
        for (int i = 0; i < 6; i++) Assert.Equal(xs[i] == expected[i / 3] ? 1.0 : 0.0, grad[i]);
    }

    [Fact]
    public void BadArgumentsThrowWithPyTorchWording()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Max(Tensor.Zeros([2, 0])));
        Assert.Contains("max(): Expected reduction dim to be specified for input.numel() == 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.Min(Tensor.Zeros([2, 0]), 1));
        Assert.Contains("min(): Expected reduction dim 1 to have non-zero size", e.Message);
        Assert.Equal([0], F.Max(Tensor.Zeros([3, 0]), 0).Values.Shape.ToArray());   // PyTorch allows this
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => F.Max(Tensor.Zeros([2, 3]), 2));
        Assert.Contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Sum(Tensor.Zeros([2, 3]), [-3]));
        e = Assert.Throws<ArgumentException>(() => F.Sum(Tensor.Zeros([2, 3]), [1, -1]));
        Assert.Contains("appears multiple times", e.Message);
    }
}
