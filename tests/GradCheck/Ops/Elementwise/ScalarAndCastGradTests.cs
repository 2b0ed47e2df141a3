namespace Autograd.Tests.Ops.Elementwise;

public class ScalarAndCastGradTests
{
    [Fact]
    public void ScalarOperatorsMatchPyTorch()
    {
        // PyTorch: x = [1, 2, 4]; y = (2 - x) * 3 + x / 2 - 1 + 4 / x → [6.5, 2, -4]; dy/dx summed → [-6.5, -3.5, -2.75].
        var x = Tensor.From([1.0, 2.0, 4.0], requiresGrad: true);
        var y = (2 - x) * 3 + x / 2 - 1 + 4 / x;
        Assert.Equal([6.5, 2, -4], y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal([-6.5, -3.5, -2.75], x.Grad!.ToDoubleArray());
        Assert.Equal(DType.Float64, y.DType);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ScalarOperandsOverManyBlocksEqualElementByElementArithmetic(DType dtype)
    {
        // Note [Parallel binary ops]: a single-number operand (a C# number, a [1] or [1, 1] tensor, either side)
        // and -x run in parallel blocks; each element must equal the same IEEE operation done one by one.
        int n = 70_007;   // 7 rows of 10,001: several 16K blocks and a ragged last one
        var data = Enumerable.Range(0, n).Select(i => Math.Sin(i * 0.37) * (i % 11 - 5)).ToArray();
        var x = Tensor.From(data, [7, n / 7]).To(dtype);
        var xs = x.ToDoubleArray();
        double s = dtype == DType.Float32 ? (float)1.7 : 1.7;
        var one = Tensor.From([1.7], [1, 1]).To(dtype);
        (Tensor Got, Func<double, double> Want)[] cases =
        [
            (x * 1.7, v => v * s), (1.7 * x, v => s * v), (x + 1.7, v => v + s), (x - 1.7, v => v - s), (1.7 - x, v => s - v),
            (x / 1.7, v => v / s), (1.7 / x, v => s / v), (x * one, v => v * s), (one - x, v => s - v), (-x, v => -v),
            // unary ops in blocks (UnaryKernel): the correctly rounded ones, so one-by-one arithmetic is the exact answer
            (F.Relu(x), v => v > 0 || double.IsNaN(v) ? v : 0), (F.Abs(x), Math.Abs), (F.Sqrt(F.Abs(x)), v => Math.Sqrt(Math.Abs(v))),
        ];
        foreach (var (got, want) in cases)
        {
            Assert.Equal(x.Dims, got.Dims);
            var g = got.ToDoubleArray();
            for (int i = 0; i < n; i++)
            {
                double w = dtype == DType.Float32 ? (float)want(xs[i]) : want(xs[i]);
                if (BitConverter.DoubleToInt64Bits(g[i]) != BitConverter.DoubleToInt64Bits(w))
                    Assert.Fail($"element {i} of {dtype}: got {g[i]:R}, want {w:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Shapes), MemberType = typeof(TestData))]
    public void ScalarOperatorsPassGradCheck(int[] shape)
    {
        var x = TestData.Positive(shape, 71);
        Assert.True(GradCheck.Check(t => 2.5 * t[0] - 1.5, [x]));
        Assert.True(GradCheck.Check(t => 3.0 / t[0] + t[0] / 4, [x]));
        Assert.True(GradCheck.Check(t => 1.0 - t[0] * 0.5 + (-t[0]), [x]));
    }

    [Fact]
    public void ZeroDimFloat64DoesNotPromoteADimensionedFloat32()
    {
        // PyTorch: ones(2, 3) * tensor(3., float64) is float32; a.grad float32, s.grad = 6 (float64).
        var a = Tensor.Ones([2, 3], requiresGrad: true);
        var s = Tensor.Scalar(3, DType.Float64, requiresGrad: true);
        var z = a * s;
        Assert.Equal(DType.Float32, z.DType);
        z.Sum().Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Assert.Equal(DType.Float64, s.Grad!.DType);
        Assert.Equal(6, s.Grad.Item());
        Assert.Equal(DType.Float64, (Tensor.Ones([2]) + Tensor.Ones([2], DType.Float64)).DType);
        Assert.Equal(DType.Float64, (Tensor.Scalar(1) + Tensor.Scalar(1, DType.Float64)).DType);
        Assert.Equal(DType.Float64, (Tensor.Ones([2], DType.Float64) - Tensor.Scalar(1)).DType);
    }

    [Fact]
    public void CastBackwardReturnsTheGradientInTheSourceDType()
    {
        // PyTorch: d = [1.5, -2] float64; (d.float() * [2, 3]).sum().backward() → d.grad = [2, 3] float64.
        var d = Tensor.From([1.5, -2.0], requiresGrad: true);
        var f = d.Float();
        Assert.Equal("ToCopyBackward0", f.GradFn!.Name);
        (f * Tensor.From([2f, 3f])).Sum().Backward();
        Assert.Equal(DType.Float64, d.Grad!.DType);
        Assert.Equal([2.0, 3.0], d.Grad.ToDoubleArray());
        // float32 rounding makes eps = 1e-6 differences noisy; a larger step keeps the check meaningful.
        Assert.True(GradCheck.Check(t => t[0].Float().Double() * t[0], [TestData.Randn([4], 72)], eps: 1e-3, atol: 1e-3, rtol: 1e-3));
        Assert.Same(d, d.Double());
    }
}
