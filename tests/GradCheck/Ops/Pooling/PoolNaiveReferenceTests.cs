namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// The SIMD, separable, threaded kernels against direct loops transcribed from ATen 1.13's CPU kernels
/// (cpu_max_pool, cpu_avg_pool, cpu_adaptive_avg_pool, cpu_adaptive_max_pool and their backwards), on
/// random inputs big enough to run in parallel and with widths that are not multiples of the SIMD width.
/// Max pooling must agree exactly (values and indices); sums up to rounding (their order differs).
/// The loops: Support/NaivePool.cs.
/// </summary>
public class PoolNaiveReferenceTests
{
    public static TheoryData<int[], (int, int), (int, int), (int, int), (int, int), bool> MaxConfigs() => new()
    {
        { [8, 64, 28, 28], (3, 3), (2, 2), (1, 1), (1, 1), false },
        { [4, 16, 30, 31], (2, 2), (2, 2), (0, 0), (1, 1), true },
        { [3, 5, 33, 41], (3, 2), (1, 2), (1, 1), (2, 3), true },
        { [2, 7, 19, 45], (5, 4), (3, 2), (2, 2), (1, 2), false },
        { [9, 23, 17], (2, 3), (1, 1), (1, 0), (1, 1), false },
        // Rows of 9000 outputs: the uniform layout over three column blocks (ColumnBlock.MaxOutputs).
        { [1, 2, 3, 9000], (2, 3), (1, 1), (1, 1), (1, 1), true },
        // The compact layout (Note [Compact pool axes]): a stride and a kernel far beyond the input. (Adaptive
        // windows, always compact, cover several column blocks below.)
        { [2, 3, 9, 11], (101, 5), (1, 40), (50, 2), (1, 2), true },
    };

    [Theory]
    [MemberData(nameof(MaxConfigs))]
    public void MaxPoolMatchesDirectLoops(int[] shape, (int, int) k, (int, int) s, (int, int) p, (int, int) d, bool ceil)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = RandomWithTies(shape, dtype, seed: shape[^1]);
            var (y, indices) = F.MaxPool2dWithIndices(x, k, s, p, d, ceil);
            int h = shape[^2], w = shape[^1], oh = y.Shape[^2], ow = y.Shape[^1], planes = x.Numel / (h * w);
            var (ny, nidx) = NaivePool.Max(x.ToDoubleArray(), planes, h, w, oh, ow,
                i => (i * s.Item1 - p.Item1, i * s.Item1 - p.Item1 + (k.Item1 - 1) * d.Item1 + 1, d.Item1),
                j => (j * s.Item2 - p.Item2, j * s.Item2 - p.Item2 + (k.Item2 - 1) * d.Item2 + 1, d.Item2));
            Assert.Equal(ny, y.ToDoubleArray());
            Assert.Equal(nidx, indices.ToArray<int>());
            var gy = Tensor.Randn(y.Shape, dtype, generator: new Generator(1));
            (y * gy).Sum().Backward();
            TestData.AssertClose(NaivePool.MaxBackward(gy.ToDoubleArray(), nidx, planes, h * w), x.Grad!.ToDoubleArray(), dtype == DType.Float32 ? 1e-5 : 1e-12, "grad");
        }
    }

    [Theory]
    [InlineData(new[] { 8, 64, 28, 28 }, 1, 1)]
    [InlineData(new[] { 4, 16, 30, 31 }, 7, 9)]
    [InlineData(new[] { 3, 5, 13, 11 }, 20, 30)]
    [InlineData(new[] { 9, 23, 17 }, 5, 4)]
    [InlineData(new[] { 1, 2, 3, 7 }, 2, 5000)]
    public void AdaptiveMaxMatchesDirectLoops(int[] shape, int oh, int ow)
    {
        var x = RandomWithTies(shape, DType.Float32, seed: shape[0]);
        int h = shape[^2], w = shape[^1], planes = x.Numel / (h * w);
        var (y, indices) = F.AdaptiveMaxPool2dWithIndices(x, (oh, ow));
        var (ny, nidx) = NaivePool.Max(x.ToDoubleArray(), planes, h, w, oh, ow,
            i => (i * h / oh, ((i + 1) * h + oh - 1) / oh, 1), j => (j * w / ow, ((j + 1) * w + ow - 1) / ow, 1));
        Assert.Equal(ny, y.ToDoubleArray());
        Assert.Equal(nidx, indices.ToArray<int>());
    }

    public static TheoryData<int[], (int, int), (int, int), (int, int), bool, bool, int?> AvgConfigs() => new()
    {
        { [8, 64, 28, 28], (3, 3), (2, 2), (1, 1), false, true, null },
        { [4, 16, 30, 31], (2, 2), (2, 2), (0, 0), true, true, null },
        { [3, 5, 33, 41], (3, 2), (1, 2), (1, 1), true, false, null },
        { [2, 7, 19, 45], (5, 4), (3, 2), (2, 2), true, true, null },
        { [2, 7, 19, 45], (5, 4), (3, 2), (2, 2), true, false, 7 },
        { [9, 23, 17], (2, 3), (1, 1), (1, 0), false, false, null },
        { [1, 2, 3, 9000], (2, 3), (1, 1), (1, 1), true, false, null },
        { [2, 3, 9, 11], (101, 5), (1, 40), (50, 2), true, false, null },
        { [2, 3, 9, 11], (101, 5), (1, 40), (50, 2), true, true, null },
    };

    [Theory]
    [MemberData(nameof(AvgConfigs))]
    public void AvgPoolMatchesDirectLoops(int[] shape, (int, int) k, (int, int) s, (int, int) p, bool ceil, bool include, int? divisor)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.Randn(shape, dtype, requiresGrad: true, generator: new Generator(shape[^1]));
            var y = F.AvgPool2d(x, k, s, p, ceil, include, divisor);
            int h = shape[^2], w = shape[^1], oh = y.Shape[^2], ow = y.Shape[^1], planes = x.Numel / (h * w);
            var gy = Tensor.Randn(y.Shape, dtype, generator: new Generator(2));
            var (ny, ngx) = NaivePool.Avg(x.ToDoubleArray(), gy.ToDoubleArray(), planes, h, w, oh, ow, (i, j) =>
            {
                // cpu_avg_pool: end clipped to the padded input first (pool_size), then to the input.
                int r0 = i * s.Item1 - p.Item1, c0 = j * s.Item2 - p.Item2;
                int r1 = Math.Min(r0 + k.Item1, h + p.Item1), c1 = Math.Min(c0 + k.Item2, w + p.Item2);
                int poolSize = (r1 - r0) * (c1 - c0);
                r0 = Math.Max(r0, 0); c0 = Math.Max(c0, 0); r1 = Math.Min(r1, h); c1 = Math.Min(c1, w);
                return (r0, r1, c0, c1, divisor ?? (include ? poolSize : (r1 - r0) * (c1 - c0)));
            });
            double tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
            TestData.AssertClose(ny, y.ToDoubleArray(), tol, "output");
            (y * gy).Sum().Backward();
            TestData.AssertClose(ngx, x.Grad!.ToDoubleArray(), tol, "grad");
        }
    }

    [Theory]
    [InlineData(new[] { 8, 64, 28, 28 }, 1, 1)]
    [InlineData(new[] { 4, 16, 30, 31 }, 7, 9)]
    [InlineData(new[] { 3, 5, 13, 11 }, 20, 30)]
    [InlineData(new[] { 9, 23, 17 }, 5, 4)]
    [InlineData(new[] { 1, 2, 3, 7 }, 2, 5000)]
    public void AdaptiveAvgMatchesDirectLoops(int[] shape, int oh, int ow)
    {
        var x = Tensor.Randn(shape, DType.Float64, requiresGrad: true, generator: new Generator(3));
        var y = F.AdaptiveAvgPool2d(x, (oh, ow));
        int h = shape[^2], w = shape[^1], planes = x.Numel / (h * w);
        var gy = Tensor.Randn(y.Shape, DType.Float64, generator: new Generator(4));
        var (ny, ngx) = NaivePool.Avg(x.ToDoubleArray(), gy.ToDoubleArray(), planes, h, w, oh, ow, (i, j) =>
        {
            int r0 = i * h / oh, r1 = ((i + 1) * h + oh - 1) / oh, c0 = j * w / ow, c1 = ((j + 1) * w + ow - 1) / ow;
            return (r0, r1, c0, c1, (r1 - r0) * (c1 - c0));
        });
        TestData.AssertClose(ny, y.ToDoubleArray(), 1e-12, "output");
        (y * gy).Sum().Backward();
        TestData.AssertClose(ngx, x.Grad!.ToDoubleArray(), 1e-12, "grad");
    }

    /// <summary>Random values rounded to quarters, so windows often hold equal maxima (and the tie rule matters).</summary>
    private static Tensor RandomWithTies(int[] shape, DType dtype, int seed)
    {
        var r = new Random(seed);
        var v = new double[ShapeUtil.Numel(shape)];
        for (int i = 0; i < v.Length; i++) v[i] = Math.Round(r.NextDouble() * 16) / 4;
        var t = Tensor.From(v, shape);
        return (dtype == DType.Float64 ? t : t.To(dtype)).Detach().RequiresGrad_();
    }
}
