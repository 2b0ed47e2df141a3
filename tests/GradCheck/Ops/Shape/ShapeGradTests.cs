namespace Autograd.Tests.Ops.Shape;

public class ShapeGradTests
{
    private static Tensor Ramp(bool requiresGrad = false) => Tensor.Arange(0, 24, 1, DType.Float64, requiresGrad).Reshape([2, 3, 4]);

    // Expected layouts from PyTorch: torch.arange(24.).reshape(2, 3, 4).permute(...) flattened.
    [Fact]
    public void PermuteAndTransposeReorderLikePyTorch()
    {
        var p = F.Permute(Ramp(), [2, 0, 1]);
        Assert.Equal([4, 2, 3], p.Shape.ToArray());
        Assert.Equal([0.0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23], p.ToDoubleArray());
        double[] swapped = [0, 12, 4, 16, 8, 20, 1, 13, 5, 17, 9, 21, 2, 14, 6, 18, 10, 22, 3, 15, 7, 19, 11, 23];
        var t = Ramp().Transpose(0, -1);
        Assert.Equal([4, 3, 2], t.Shape.ToArray());
        Assert.Equal(swapped, t.ToDoubleArray());
        Assert.Equal(swapped, Ramp().Permute([-1, -2, 0]).ToDoubleArray());
    }

    public static TheoryData<int[], int[], int[]> ReshapeCases => new()
    {
        { [2, 3, 4], [-1, 6], [4, 6] },
        { [2, 3, 4], [24], [24] },
        { [2, 3, 4], [4, -1, 2], [4, 3, 2] },
        { [7], [7, 1], [7, 1] },
        { [], [1, -1], [1, 1] },
        { [1], [], [] },
        { [3, 1, 5], [5, 3], [5, 3] },
    };

    [Theory]
    [MemberData(nameof(ReshapeCases))]
    public void ReshapeAndViewInferMinusOneShareStorageAndPassGradCheck(int[] from, int[] to, int[] expected)
    {
        var x = TestData.Randn(from, 31);
        var r = F.Reshape(x, to);
        var v = x.View(to);
        Assert.Equal(expected, r.Shape.ToArray());
        Assert.Equal(expected, v.Shape.ToArray());
        Assert.Same(x.Storage, r.Storage);
        Assert.Same(x.Storage, v.Storage);
        Assert.Equal(x.ToDoubleArray(), r.ToDoubleArray());
        Assert.Equal("ReshapeAliasBackward0", r.GradFn!.Name);
        Assert.Equal("ViewBackward0", v.GradFn!.Name);
        var w = TestData.Randn(expected, 32, requiresGrad: false);
        Assert.True(GradCheck.Check(t => F.Reshape(t[0], to) * w, [x]));
        Assert.True(GradCheck.Check(t => F.View(t[0], to) * w, [x]));
    }

    public static TheoryData<int[], int, int, int[]> FlattenCases => new()
    {
        { [2, 3, 4], 0, -1, [24] },
        { [2, 3, 4], 1, -1, [2, 12] },
        { [2, 3, 4], 0, 1, [6, 4] },
        { [2, 3, 4], -2, -1, [2, 12] },
        { [3, 1, 5], 1, 1, [3, 1, 5] },
        { [], 0, -1, [1] },
    };

    [Theory]
    [MemberData(nameof(FlattenCases))]
    public void FlattenMergesTheRangeLikePyTorch(int[] from, int start, int end, int[] expected)
    {
        var x = TestData.Randn(from, 33);
        var f = x.Flatten(start, end);
        Assert.Equal(expected, f.Shape.ToArray());
        Assert.Equal(x.ToDoubleArray(), f.ToDoubleArray());
        var w = TestData.Randn(expected, 34, requiresGrad: false);
        Assert.True(GradCheck.Check(t => F.Flatten(t[0], start, end) * w, [x]));
    }

    [Fact]
    public void FlattenOfOneDimReturnsTheInputItselfLikePyTorch()
    {
        var x = TestData.Randn([5], 35);
        Assert.Same(x, F.Flatten(x));
    }

    public static TheoryData<int[]> PermuteCases => new()
    {
        new[] { 0, 1, 2 }, new[] { 2, 0, 1 }, new[] { 1, 2, 0 }, new[] { -1, 0, -2 }, new[] { 2, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(PermuteCases))]
    public void PermutePassesGradCheck(int[] dims)
    {
        var x = TestData.Randn([2, 3, 5], 36);
        var w = TestData.Randn(F.Permute(x, dims).Shape.ToArray(), 37, requiresGrad: false);
        Assert.True(GradCheck.Check(t => F.Permute(t[0], dims) * w, [x]));
        Assert.Equal("PermuteBackward0", F.Permute(x, dims).GradFn!.Name);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 0)]
    [InlineData(1, 1)]
    [InlineData(2, -2)]
    public void TransposePassesGradCheck(int d0, int d1)
    {
        var x = TestData.Randn([3, 1, 4], 38);
        var w = TestData.Randn(F.Transpose(x, d0, d1).Shape.ToArray(), 39, requiresGrad: false);
        Assert.True(GradCheck.Check(t => F.Transpose(t[0], d0, d1) * w, [x]));
        Assert.Equal("TransposeBackward0", x.Transpose(d0, d1).GradFn!.Name);
    }

    // Shapes from PyTorch for torch.zeros(1, 3, 1, 2).squeeze(...) / .unsqueeze(...).
    [Fact]
    public void SqueezeAndUnsqueezeShapesMatchPyTorch()
    {
        var y = TestData.Randn([1, 3, 1, 2], 40);
        Assert.Equal([3, 2], y.Squeeze().Shape.ToArray());
        Assert.Equal([3, 1, 2], y.Squeeze(0).Shape.ToArray());
        Assert.Equal([1, 3, 1, 2], y.Squeeze(1).Shape.ToArray());
        Assert.Equal([1, 3, 2], y.Squeeze(-2).Shape.ToArray());
        Assert.Equal([1, 3, 1, 2, 1], y.Unsqueeze(4).Shape.ToArray());
        Assert.Equal([1, 3, 1, 2, 1], y.Unsqueeze(-1).Shape.ToArray());
        Assert.Equal([1, 1, 3, 1, 2], y.Unsqueeze(0).Shape.ToArray());
        Assert.Equal([1, 1, 3, 1, 2], y.Unsqueeze(-5).Shape.ToArray());
        Assert.Equal([1], Tensor.Scalar(1).Unsqueeze(0).Shape.ToArray());
        Assert.Equal(Array.Empty<int>(), Tensor.Scalar(1).Squeeze().Shape.ToArray());
        Assert.Equal("SqueezeBackward0", y.Squeeze().GradFn!.Name);
        Assert.Equal("SqueezeBackward1", y.Squeeze(0).GradFn!.Name);
        Assert.Equal("UnsqueezeBackward0", y.Unsqueeze(0).GradFn!.Name);
        Assert.Same(y.Storage, y.Unsqueeze(2).Squeeze().Storage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(-4)]
    public void SqueezeUnsqueezePassGradCheck(int dim)
    {
        var x = TestData.Randn([1, 3, 1], 41);
        var w = TestData.Randn([3], 42, requiresGrad: false);
        Assert.True(GradCheck.Check(t => F.Squeeze(t[0]) * w, [x]));
        Assert.True(GradCheck.Check(t => F.Squeeze(F.Unsqueeze(t[0], dim), dim).Sum([1]) * F.Squeeze(t[0]).Sum(), [x]));
        if (dim > -4) Assert.True(GradCheck.Check(t => F.Squeeze(t[0], dim).Sum() * t[0], [x]));
    }

    [Fact]
    public void BadArgumentsThrowWithPyTorchWording()
    {
        var x = Tensor.Zeros([2, 3]);
        Assert.Contains("shape '[4, -1]' is invalid for input of size 6", Assert.Throws<ArgumentException>(() => F.Reshape(x, [4, -1])).Message);
        Assert.Contains("shape '[5]' is invalid for input of size 6", Assert.Throws<ArgumentException>(() => x.View([5])).Message);
        Assert.Contains("only one dimension can be inferred", Assert.Throws<ArgumentException>(() => F.Reshape(x, [-1, -1])).Message);
        Assert.Contains("invalid shape dimension -2", Assert.Throws<ArgumentException>(() => F.Reshape(x, [-2, 3])).Message);
        Assert.Contains("because the unspecified dimension size -1 can be any value and is ambiguous",
            Assert.Throws<ArgumentException>(() => F.Reshape(Tensor.Zeros([2, 0]), [-1, 0])).Message);
        Assert.Contains("input.dim() = 2 is not equal to len(dims) = 1", Assert.Throws<ArgumentException>(() => F.Permute(x, [0])).Message);
        Assert.Contains("duplicate dims are not allowed", Assert.Throws<ArgumentException>(() => F.Permute(x, [0, -2])).Message);
        Assert.Contains("start_dim cannot come after end_dim", Assert.Throws<ArgumentException>(() => F.Flatten(x, 1, 0)).Message);
        Assert.Contains("expected to be in range of [-3, 2], but got 3", Assert.Throws<ArgumentOutOfRangeException>(() => F.Unsqueeze(x, 3)).Message);
        Assert.Contains("expected to be in range of [-2, 1], but got 2", Assert.Throws<ArgumentOutOfRangeException>(() => F.Squeeze(x, 2)).Message);
        Assert.Contains("expected to be in range of [-2, 1], but got -3", Assert.Throws<ArgumentOutOfRangeException>(() => F.Transpose(x, 0, -3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Permute(x, [0, 2]));
    }
}
