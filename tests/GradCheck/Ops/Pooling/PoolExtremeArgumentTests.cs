namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// Pooling, max_unpool2d and pad with arguments at the ends of int (issue 10): sizes computed without
/// overflow, work and memory bounded by the input and output rather than by stride, kernel or padding
/// (Note [Compact pool axes]), divisors as int64 products (Note [Pool divisors]). Expected values are
/// PyTorch 1.13's (python3-torch, the call quoted beside each) or derived by hand where every window
/// covers the whole input. More extreme-argument cases with PyTorch's values and gradients are in
/// PoolTorchCases (PoolTorchReference.py: MaxStride2Pow22, AvgKernel46341DivisorOverInt, ...).
/// Calls that used to hang or exhaust memory run under <see cref="Within"/>, a hang guard.
/// </summary>
public class PoolExtremeArgumentTests
{
    private static readonly DType[] DTypes = [DType.Float64, DType.Float32];

    /// <summary>
    /// Runs <paramref name="call"/> on its own thread and fails if it does not finish in 20 s (a hang guard,
    /// not a speed test). Not on the thread pool: the test blocks a pool thread waiting, and on a 2-core
    /// machine the pool then takes ~0.5 s to inject another thread for the call.
    /// </summary>
    internal static T Within<T>(Func<T> call, string what)
    {
        var task = Task.Factory.StartNew(call, TaskCreationOptions.LongRunning);
        try { task.Wait(TimeSpan.FromSeconds(20)); } catch (AggregateException) { }
        Assert.True(task.IsCompleted, $"{what} did not finish within 20 s");
        return task.GetAwaiter().GetResult();   // rethrows the call's own exception, unwrapped
    }

    private static Tensor Arange35(DType dtype) => Tensor.Arange(0, 35, 1, dtype).Reshape([1, 1, 5, 7]).Detach().RequiresGrad_();

    // ---- layouts: ordinary geometries stay uniform (the fast path), extreme ones are compact ----

    [Fact]
    public void OrdinaryGeometriesKeepTheUniformLayout()
    {
        int checkedCount = 0;
        int[] sizes = [.. Enumerable.Range(1, 20), 28, 56, 112, 224];
        foreach (int n in sizes)
            for (int k = 1; k <= 7; k++)
                for (int s = 1; s <= 4; s++)
                    for (int d = 1; d <= 3; d++)
                        for (int p = 0; p <= k / 2; p++)
                            foreach (bool ceil in new[] { false, true })
                            {
                                long o = PoolAxis.OutputSize(n, k, s, p, d, ceil);
                                if (o < 1) continue;
                                var axis = PoolAxis.Fixed(n, (int)o, k, s, p, d);
                                Assert.True(axis.Uniform, $"in {n} kernel {k} stride {s} padding {p} dilation {d} ceil {ceil}");
                                checkedCount++;
                            }
        Assert.True(checkedCount > 5000, $"{checkedCount} geometries");
        // Global pooling with the kernel as stride (a ResNet's final avg_pool2d(x, 7)), and the benchmark's geometries.
        for (int n = 1; n <= 8; n++) Assert.True(PoolAxis.Fixed(n, 1, n, n, 0, 1).Uniform, $"global {n}");
        Assert.True(PoolAxis.Fixed(112, 56, 3, 2, 1, 1).Uniform);
        Assert.True(PoolAxis.Fixed(112, 56, 2, 2, 0, 1).Uniform);
    }

    public static TheoryData<int, int, int, int, int> CompactGeometries() => new()
    {
        // in, kernel, stride, padding, dilation
        { 7, 2, 1 << 22, 0, 1 },
        { 7, 3, int.MaxValue, 1, 3 },
        { 1, 1 << 30, 1, 1 << 29, 1 },
        { 7, int.MaxValue, 1, (1 << 30) - 1, 1 },
        { 7, 201, 3, 100, 1 },
    };

    [Theory]
    [MemberData(nameof(CompactGeometries))]
    public void ExtremeGeometriesTakeTheCompactLayoutBoundedByTheInput(int n, int k, int s, int p, int d)
    {
        long o = PoolAxis.OutputSize(n, k, s, p, d, ceilMode: false);
        var axis = PoolAxis.Fixed(n, (int)o, k, s, p, d);
        Assert.False(axis.Uniform);
        Assert.Equal(n + 1, axis.BufferLength);   // the input row and an identity cell
        Assert.True(axis.Taps <= n);
    }

    // ---- max_pool2d: stride, kernel and dilation extremes ----

    // Every window holds x[1, 1] = 8 as its largest real cell (kernel 2 at the origin); hand-derived, and
    // torch.nn.functional.max_pool2d(torch.arange(35.).reshape(1, 1, 5, 7), 2, 2**22 or 2**31-1,
    // return_indices=True) gives ([8.], [8]) with gradient 1 at flat position 8. Stride 2^22 took 1.6 s and
    // 1.3 GB of row buffers; int.MaxValue threw OutOfMemoryException.
    [Theory]
    [InlineData(1 << 22)]
    [InlineData(int.MaxValue)]
    public void MaxPoolHugeStrideIsInstantAndSmall(int stride)
    {
        foreach (var dtype in DTypes)
        {
            var x = Arange35(dtype);
            var ((y, indices), bytes) = Within(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();   // one plane: the kernel runs on this thread
                var result = F.MaxPool2dWithIndices(x, 2, stride);
                return (result, GC.GetAllocatedBytesForCurrentThread() - before);
            }, $"max_pool2d stride {stride}");
            Assert.True(bytes < 1 << 20, $"allocated {bytes} bytes for a 1×1 output");
            Assert.Equal([1, 1, 1, 1], y.Shape.ToArray());
            Assert.Equal([8.0], y.ToDoubleArray());
            Assert.Equal([8], indices.ToArray<int>());
            Within(() => { y.Sum().Backward(); return 0; }, "backward");
            var g = new double[35];
            g[8] = 1;
            Assert.Equal(g, x.Grad!.ToDoubleArray());
        }
    }

    // Kernel 2^30 with padding 2^29 (and kernel int.MaxValue with padding 2^30 − 1) on 5×7: every window
    // covers the whole input, so each output is 34 at flat index 34 and the gradient of the sum puts the
    // output count at 34. PyTorch agrees (it takes 13.7 s and 21.5 s, walking every kernel tap):
    // max_pool2d(torch.arange(35.).reshape(1,1,5,7), 2**30, 1, 2**29) is 6×8 of 34, indices 34, grad[34] = 48;
    // max_pool2d(..., 2**31-1, 1, 2**30-1) is 5×7 of 34, grad[34] = 35.
    [Theory]
    [InlineData(1 << 30, 1 << 29, 6, 8)]
    [InlineData(int.MaxValue, (1 << 30) - 1, 5, 7)]
    public void MaxPoolHugeKernelWalksOnlyRealTaps(int kernel, int padding, int oh, int ow)
    {
        foreach (var dtype in DTypes)
        {
            var x = Arange35(dtype);
            var (y, indices) = Within(() => F.MaxPool2dWithIndices(x, kernel, 1, padding), $"max_pool2d kernel {kernel}");
            Assert.Equal([1, 1, oh, ow], y.Shape.ToArray());
            Assert.All(y.ToDoubleArray(), v => Assert.Equal(34.0, v));
            Assert.All(indices.ToArray<int>(), i => Assert.Equal(34, i));
            Within(() => { y.Sum().Backward(); return 0; }, "backward");
            var g = new double[35];
            g[34] = oh * ow;
            Assert.Equal(g, x.Grad!.ToDoubleArray());
        }
    }

    // torch: max_pool2d(torch.ones(1,1,1,1), 2**30, 1, 2**29, return_indices=True) is 2×2 of 1 with indices 0;
    // with stride 2**30 it is 1×1.
    [Theory]
    [InlineData(1, 2)]
    [InlineData(1 << 30, 1)]
    public void MaxPoolHugeKernelOnOneCell(int stride, int size)
    {
        var x = Tensor.Ones([1, 1, 1, 1], DType.Float64, requiresGrad: true);
        var (y, indices) = Within(() => F.MaxPool2dWithIndices(x, 1 << 30, stride, 1 << 29), "max_pool2d 1×1");
        Assert.Equal([1, 1, size, size], y.Shape.ToArray());
        Assert.All(y.ToDoubleArray(), v => Assert.Equal(1.0, v));
        Assert.All(indices.ToArray<int>(), i => Assert.Equal(0, i));
        y.Sum().Backward();
        Assert.Equal([(double)(size * size)], x.Grad!.ToDoubleArray());
    }

    // d·(k−1) beyond int: torch says "Given input size: (1x5x7). Calculated output size: (1x-2147483640x-2147483638).
    // Output size is too small" for max_pool2d(x, 2, 1, 1, dilation=2**31-1), and (1x-2147483641x-2147483639) for kernel 3, dilation 2**30.
    [Theory]
    [InlineData(2, int.MaxValue, "(1x-2147483640x-2147483638)")]
    [InlineData(3, 1 << 30, "(1x-2147483641x-2147483639)")]
    public void MaxPoolDilationOverflowIsRejectedWithPyTorchsSizes(int kernel, int dilation, string sizes)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => F.MaxPool2d(Arange35(DType.Float64), kernel, 1, 1, dilation));
        Assert.Contains("max_pool2d", e.Message);
        Assert.Contains($"Calculated output size: {sizes}. Output size is too small", e.Message);
    }

    // ---- avg_pool2d and lp_pool2d divisors (Note [Pool divisors]) ----

    // torch: avg_pool2d(torch.ones(1,1,1,1), 46341, padding=23170): divisor 46341² = 2147488281 (beyond int),
    // output and gradient 4.656602826881736e-10 (float64) / 4.656602881070171e-10 (float32); kernel 65536,
    // padding 32768: divisor 2^32, 2.3283064365386963e-10 in both; count_include_pad=False: 1.
    [Theory]
    [InlineData(46341, 23170, true, 4.656602826881736e-10, 4.656602881070171e-10)]
    [InlineData(65536, 32768, true, 2.3283064365386963e-10, 2.3283064365386963e-10)]
    [InlineData(46341, 23170, false, 1.0, 1.0)]
    public void AvgPoolDivisorIsAnInt64Product(int kernel, int padding, bool includePad, double f64, double f32)
    {
        foreach (var dtype in DTypes)
        {
            var x = Tensor.Ones([1, 1, 1, 1], dtype, requiresGrad: true);
            var y = F.AvgPool2d(x, kernel, padding: padding, countIncludePad: includePad);
            double expected = dtype == DType.Float64 ? f64 : f32;
            Assert.Equal([1, 1, 1, 1], y.Shape.ToArray());
            Assert.Equal(expected, y.GetDouble(0));
            y.Sum().Backward();
            Assert.Equal(expected, x.Grad!.GetDouble(0));
        }
    }

    // torch: avg_pool2d(torch.ones(1,1,1,1), 1, divisor_override=2**31-1) is 4.656612875245797e-10 in float64,
    // 4.656612873077393e-10 in float32; divisor_override=-2**31 is -4.656612873077393e-10 in both. The
    // gradient is the same (1 / divisor). PyTorch also takes int64 overrides; ours is an int.
    [Theory]
    [InlineData(int.MaxValue, 4.656612875245797e-10, 4.656612873077393e-10)]
    [InlineData(int.MinValue, -4.656612873077393e-10, -4.656612873077393e-10)]
    public void AvgPoolDivisorOverrideAtTheEndsOfInt(int divisor, double f64, double f32)
    {
        foreach (var dtype in DTypes)
        {
            var x = Tensor.Ones([1, 1, 1, 1], dtype, requiresGrad: true);
            var y = F.AvgPool2d(x, 1, divisorOverride: divisor);
            double expected = dtype == DType.Float64 ? f64 : f32;
            Assert.Equal(expected, y.GetDouble(0));
            y.Sum().Backward();
            Assert.Equal(expected, x.Grad!.GetDouble(0));
        }
    }

    // torch: lp_pool2d(torch.ones(1,1,1,1), 2, 46341, 46341, ceil_mode=True) multiplies the (clipped) window
    // mean 1 by kW·kH = 2147488281 as a Python int: output 46341 in both dtypes, gradient 46341 (float64)
    // and 46340.99609375 (float32).
    [Fact]
    public void LpPoolKernelProductIsNotAnIntProduct()
    {
        foreach (var dtype in DTypes)
        {
            var x = Tensor.Ones([1, 1, 1, 1], dtype, requiresGrad: true);
            var y = F.LpPool2d(x, 2, 46341, 46341, ceilMode: true);
            Assert.Equal(46341.0, y.GetDouble(0));
            y.Sum().Backward();
            Assert.Equal(dtype == DType.Float64 ? 46341.0 : 46340.99609375, x.Grad!.GetDouble(0));
        }
    }

    // ---- adaptive pooling: output sizes whose element count overflows ----

    // torch: adaptive_avg_pool2d(torch.ones(1,4,1,1), (2**31-1, 2**31-1)) raises "numel: integer multiplication
    // overflow"; with one channel "Storage size calculation overflowed with sizes=[1, 1, 2147483647, 2147483647]";
    // with an empty batch it returns an empty tensor of size [0, 1, 2147483647, 2147483647].
    [Fact]
    public void AdaptiveOutputBeyondInt64IsRejectedWithPyTorchsMessages()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Within(() => F.AdaptiveAvgPool2d(Tensor.Ones([1, 4, 1, 1]), (int.MaxValue, int.MaxValue)), "adaptive"));
        Assert.Contains("adaptive_avg_pool2d: numel: integer multiplication overflow", e.Message);
        Assert.Contains("[1, 4, 2147483647, 2147483647]", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveMaxPool2d(Tensor.Ones([1, 1, 1, 1]), (int.MaxValue, int.MaxValue)));
        Assert.Contains("adaptive_max_pool2d: Storage size calculation overflowed with sizes=[1, 1, 2147483647, 2147483647]", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveAvgPool2d(Tensor.Ones([1, 1, 1, 1]), (2, int.MaxValue)));
        Assert.Contains("adaptive_avg_pool2d: output of size [1, 1, 2, 2147483647] has 4294967294 elements, more than 2147483647", e.Message);
    }

    [Fact]
    public void AdaptiveEmptyBatchAcceptsAnyOutputSize()
    {
        var x = Tensor.Ones([0, 1, 1, 1], DType.Float64, requiresGrad: true);
        var y = Within(() => F.AdaptiveAvgPool2d(x, (int.MaxValue, int.MaxValue)), "adaptive empty batch");
        Assert.Equal([0, 1, int.MaxValue, int.MaxValue], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal([0, 1, 1, 1], x.Grad!.Shape.ToArray());
        Assert.Equal([0, 1, int.MaxValue, int.MaxValue], Within(() => F.AdaptiveMaxPool2d(x, (int.MaxValue, int.MaxValue)), "adaptive max").Shape.ToArray());
    }

    // ---- max_unpool2d ----

    // torch: max_unpool2d(torch.ones(1,1,2,2), zeros, 2, 2**31-1) raises "Storage size calculation overflowed
    // with sizes=[1, 1, 2147483649, 2147483649]"; kernel and stride 2**30 on 4×4 (planes of 2^32 × 2^32) and
    // stride 2**31-1 with 4 channels raise "numel: integer multiplication overflow"; stride 2**20 fails to
    // allocate 4398063288336 bytes, which is beyond our int element count.
    [Fact]
    public void UnpoolOutputSizesAreCheckedWithoutOverflow()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(Tensor.Ones([1, 1, 2, 2]), new int[4], 2, int.MaxValue));
        Assert.Contains("max_unpool2d: Storage size calculation overflowed with sizes=[1, 1, 2147483649, 2147483649]", e.Message);
        // 2^32 × 2^32 wrapped to 0 in long, and the call then reported index 0 as invalid.
        e = Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(Tensor.Ones([1, 1, 4, 4]), new int[16], 1 << 30, 1 << 30));
        Assert.Contains("max_unpool2d: numel: integer multiplication overflow (output of size [1, 1, 4294967296, 4294967296])", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(Tensor.Ones([1, 4, 2, 2]), new int[16], 2, int.MaxValue));
        Assert.Contains("numel: integer multiplication overflow", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(Tensor.Ones([1, 1, 2, 2]), new int[4], 2, 1 << 20));
        Assert.Contains("max_unpool2d: output of size [1, 1, 1048578, 1048578] has 1099515822084 elements, more than 2147483647", e.Message);
        // PyTorch returns an empty [0, 1, 2147483649, 2147483649]; our dims are ints.
        e = Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(Tensor.Ones([0, 1, 2, 2]), [], 2, int.MaxValue));
        Assert.Contains("max_unpool2d: output of size [0, 1, 2147483649, 2147483649] has a dimension larger than 2147483647", e.Message);
    }

    // torch: max_unpool2d(torch.tensor([[[[5.]]]]), torch.tensor([[[[2]]]]), (2**31-1, 1), 1, (2**30-2, 0)) is
    // [0, 0, 5] in a 3×1 plane ((1−1)·1 − 2(2^30 − 2) + 2^31 − 1 = 3); the gradient of sum(y · [1, 2, 3]) is 3.
    [Fact]
    public void UnpoolHugeKernelAndPaddingCancel()
    {
        var x = Tensor.From([5.0], [1, 1, 1, 1], requiresGrad: true);
        var y = F.MaxUnpool2d(x, [2], (int.MaxValue, 1), 1, ((1 << 30) - 2, 0));
        Assert.Equal([1, 1, 3, 1], y.Shape.ToArray());
        Assert.Equal([0.0, 0, 5], y.ToDoubleArray());
        (y * Tensor.From([1.0, 2, 3], [1, 1, 3, 1])).Sum().Backward();
        Assert.Equal([3.0], x.Grad!.ToDoubleArray());
    }

    // ---- pad ----

    // torch (pads are int64 there): F.pad(torch.arange(6.).reshape(2, 3), (2**31-1, -(2**31-2))) raises
    // (1.13) "start (0) + length (-2147483643) exceeds dimension size (3)." (it narrows by each negative pad
    // before padding; the crops alone leave a negative size); F.pad(x, (-2**31, 2**31-1)) raises a
    // misleading IndexError; a padded size beyond int is allocated by PyTorch, and rejected here (our
    // sizes are ints). Ours words every over-crop with the message of PyTorch's explicit size check.
    [Fact]
    public void PadExtremesAreCheckedInLong()
    {
        var x = Tensor.Arange(0, 6, 1, DType.Float64).Reshape([2, 3]);
        var e = Assert.ThrowsAny<ArgumentException>(() => F.Pad(x, [int.MaxValue, -(int.MaxValue - 1)]));
        Assert.Contains("The input size 3, plus negative padding 2147483647 and -2147483646 resulted in a negative output size", e.Message);
        Assert.StartsWith("pad:", e.Message);
        // Was accepted (output size 2) and its backward then negated int.MinValue and failed.
        e = Assert.ThrowsAny<ArgumentException>(() => F.Pad(x, [int.MinValue, int.MaxValue]));
        Assert.Contains("pad: The input size 3, plus negative padding -2147483648 and 2147483647 resulted in a negative output size", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => F.Pad(x, [int.MaxValue, int.MaxValue]));
        Assert.Contains("pad: padding 2147483647 and 2147483647 of dimension 1 (size 3) gives 4294967297 elements", e.Message);
        // Each dim fits an int, the whole does not (was ShapeUtil's message, without the op).
        e = Assert.ThrowsAny<ArgumentException>(() => F.Pad(x, [0, 0, int.MaxValue - 2, 0]));
        Assert.Contains("pad: padding [0, 0, 2147483645, 0] of an input of size [2, 3] gives an output of size [2147483647, 3], 6442450941 elements", e.Message);
    }

    // torch: F.pad(torch.arange(6.).reshape(2, 3), (-3, 2), value=7.) is [[7, 7], [7, 7]] and the gradient of its sum is zero.
    [Fact]
    public void PadCropOfTheWholeDimThenPad()
    {
        var x = Tensor.Arange(0, 6, 1, DType.Float64).Reshape([2, 3]).Detach().RequiresGrad_();
        var y = F.Pad(x, [-3, 2], 7.0);
        Assert.Equal([2, 2], y.Shape.ToArray());
        Assert.Equal([7.0, 7, 7, 7], y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal(new double[6], x.Grad!.ToDoubleArray());
    }

    // ---- finite differences through the compact layout (float64) ----

    public static TheoryData<string> CompactGradChecks() => new(GradChecks.Keys);

    private static readonly Dictionary<string, (int[] Shape, bool Positive, Func<Tensor, Tensor> Op, PoolGeometry Geometry)> GradChecks = new()
    {
        ["max kernel 201 padding 100"] = ([1, 2, 5, 7], false, t => F.MaxPool2d(t, 201, (1, 3), 100),
            Geometry("max_pool2d", [1, 2, 5, 7], 201, (1, 3), 100, 1, false)),
        ["max kernel (3, 301) dilated ceil, unbatched"] = ([2, 4, 6], false, t => F.MaxPool2d(t, (3, 301), (1, 2), (1, 150), (2, 1), ceilMode: true),
            Geometry("max_pool2d", [2, 4, 6], (3, 301), (1, 2), (1, 150), (2, 1), true)),
        ["max stride 2^22 dilated"] = ([1, 2, 5, 7], false, t => F.MaxPool2d(t, 3, (1, 1 << 22), 1, 3),
            Geometry("max_pool2d", [1, 2, 5, 7], 3, (1, 1 << 22), 1, 3, false)),
        ["avg kernel 201 stride 2^22 ceil"] = ([1, 1, 4, 5], false, t => F.AvgPool2d(t, 201, (1, 1 << 22), 100, ceilMode: true),
            Geometry("avg_pool2d", [1, 1, 4, 5], 201, (1, 1 << 22), 100, 1, true)),
        ["avg kernel 201 real cells only"] = ([2, 4, 5], false, t => F.AvgPool2d(t, (3, 201), 1, (1, 100), countIncludePad: false),
            Geometry("avg_pool2d", [2, 4, 5], (3, 201), 1, (1, 100), 1, false)),
        ["lp stride 2^22 ceil"] = ([1, 2, 5, 7], true, t => F.LpPool2d(t, 3, 3, 1 << 22, ceilMode: true),
            Geometry("lp_pool2d", [1, 2, 5, 7], 3, 1 << 22, 0, 1, true)),
    };

    private static PoolGeometry Geometry(string op, int[] shape, Pair k, Pair s, Pair p, Pair d, bool ceil) =>
        PoolGeometry.Fixed(op, Tensor.Zeros(shape), k, s, p, d, ceil);

    [Theory]
    [MemberData(nameof(CompactGradChecks))]
    public void CompactLayoutGradCheck(string name)
    {
        var (shape, positive, op, geometry) = GradChecks[name];
        Assert.False(geometry.Cols.Uniform, "the case should exercise the compact layout");
        var x = positive
            ? (Tensor.Rand(shape, DType.Float64, generator: new Generator(5)) + 0.5).Detach().RequiresGrad_()
            : PoolGradCheckTests.Distinct(shape, 41);
        Assert.True(GradCheck.Check(t => op(t[0]), [x]));
    }
}
