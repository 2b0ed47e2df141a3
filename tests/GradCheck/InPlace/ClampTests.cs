namespace Autograd.Tests.InPlace;

/// <summary>
/// F.Clamp / x.Clamp / x.Clamp_ (torch.clamp with scalar bounds, ClampBackward1). The libtorch
/// cross-check over bounds, special values and ties is UnaryOracleTests.ClampMatchesLibtorch.
/// </summary>
public class ClampTests
{
    public static TheoryData<int[], double?, double?> ShapesAndBounds()
    {
        var d = new TheoryData<int[], double?, double?>();
        (double?, double?)[] bounds = [(-0.5, 0.5), (0.0, null), (null, 0.3), (1.0, -1.0), (double.NegativeInfinity, 0.0), (-0.2, -0.2)];
        foreach (var shape in new[] { new int[0], [1], [7], [3, 1, 5], [2, 3, 4] })
            foreach (var (min, max) in bounds) d.Add(shape, min, max);
        return d;
    }

    // PyTorch: torch.autograd.gradcheck(lambda x: x.clamp(min, max), x) passes for scalar bounds, one side
    // only, and min > max (ClampBackward1's mask min ≤ x ≤ max is the exact derivative off the bounds).
    // Finite differences cannot straddle a kink, so inputs within 1e-3 of a bound are moved off it.
    [Theory]
    [MemberData(nameof(ShapesAndBounds))]
    public void ClampPassesGradCheck(int[] shape, double? min, double? max)
    {
        var x = TestData.Randn(shape, 41);
        for (int i = 0; i < x.Numel; i++)
        {
            double v = x.GetDouble(i);
            foreach (var b in new[] { min, max })
                if (b is { } bound && Math.Abs(v - bound) < 1e-3) x.SetDouble(i, v + 0.01);
        }
        Assert.True(GradCheck.Check(t => F.Clamp(t[0], min, max), [x]));
        Assert.True(GradCheck.Check(t => (t[0] * 1.0).Clamp_(min, max), [x]));
    }

    // PyTorch 1.13, x.clamp(min, max).backward(ones) on [nan, -inf, -2, -0.5, 0.3, 0.5, 5, inf]: NaN stays
    // NaN with gradient 0 (the mask min ≤ x ≤ max is false at NaN); x at a bound passes the gradient; with
    // min > max every element is max and no gradient passes; one-sided bounds leave ±inf on the open side.
    [Theory]
    [InlineData(-0.5, 0.5, new[] { double.NaN, -0.5, -0.5, -0.5, 0.3, 0.5, 0.5, 0.5 }, new[] { 0.0, 0, 0, 1, 1, 1, 0, 0 })]
    [InlineData(0.0, null, new[] { double.NaN, 0, 0, 0, 0.3, 0.5, 5, double.PositiveInfinity }, new[] { 0.0, 0, 0, 0, 1, 1, 1, 1 })]
    [InlineData(null, 0.0, new[] { double.NaN, double.NegativeInfinity, -2, -0.5, 0, 0, 0, 0 }, new[] { 0.0, 1, 1, 1, 0, 0, 0, 0 })]
    [InlineData(1.0, -1.0, new[] { double.NaN, -1.0, -1, -1, -1, -1, -1, -1 }, new[] { 0.0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(0.3, 0.3, new[] { double.NaN, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3 }, new[] { 0.0, 0, 0, 0, 1, 0, 0, 0 })]
    public void ClampValuesAndGradientMatchPyTorch(double? min, double? max, double[] expected, double[] expectedGrad)
    {
        double[] input = [double.NaN, double.NegativeInfinity, -2, -0.5, 0.3, 0.5, 5, double.PositiveInfinity];
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.From(input, [8]).ConvertData(dtype).RequiresGrad_();
            var y = x.Clamp(min, max);
            Assert.Equal(dtype, y.DType);
            Assert.Equal("ClampBackward1", y.GradFn!.Name);
            y.Backward(Tensor.Ones([8], dtype));
            double tol = dtype == DType.Float32 ? 1e-7 : 0;   // 0.3 rounds to float32 on both sides
            TestData.AssertClose(expected, y, tol);
            Assert.Equal(expectedGrad, x.Grad!.ToDoubleArray());
        }
    }

    // PyTorch: a float32 tensor is clamped to the float32 rounding of the bound (clamp(min=0.1) gives
    // 0.10000000149011612, float(torch.tensor(0.1))).
    [Fact]
    public void Float32BoundsRoundToFloat32()
    {
        var y = Tensor.From([0.05f, 0.2f]).Clamp(0.1);
        Assert.Equal([0.1f, 0.2f], y.ToFloatArray());
    }

    // PyTorch: torch.clamp(x) / x.clamp_() raise "At least one of 'min' or 'max' must not be None".
    [Fact]
    public void ClampNeedsABound()
    {
        var x = Tensor.From([1.0, 2]);
        foreach (var call in new Action[] { () => F.Clamp(x), () => x.Clamp(), () => x.Clamp_() })
            Assert.Contains("At least one of 'min' or 'max' must not be None", Assert.Throws<ArgumentException>(call).Message);
        Assert.Equal(0, x.Version);
    }
}
