using Autograd.Tests.Kernels;

namespace Autograd.Tests.Ops.Conv2d;

/// <summary>
/// conv2d with extreme stride, padding and dilation (issue 10): sizes that pass int are rejected
/// before any work with PyTorch's message (Note [conv2d size arithmetic]) instead of crashing the
/// process, and the geometries the fast paths cannot hold take the bounded loops (Note [Bounded
/// convolution]) and give PyTorch's values at once, where they used to take time and memory
/// proportional to the stride or the padding (stride 65536: 15 s each way; 1 &lt;&lt; 30: never finished).
/// </summary>
public class ConvExtremeArgumentTests
{
    /// <summary>A hang guard, not a speed test: these calls take milliseconds; the old code took minutes or forever.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static async Task WithinLimit(string what, Action call)
    {
        try { await Task.Run(call).WaitAsync(Limit); }
        catch (TimeoutException) { Assert.Fail($"{what} did not finish within {Limit.TotalSeconds} s"); }
    }

    private static ConvGeometry Geometry(int[] xs, int[] ws, Pair stride, Padding padding, Pair dilation, int groups = 1) =>
        ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, stride, padding, dilation, groups);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DilationBeyondTheInputIsRejectedWithPyTorchsMessage(bool requiresGrad)
    {
        // The first call; it ended the process with an AccessViolationException. PyTorch 1.13
        // (python3-torch): F.conv2d(torch.ones(1,1,5,5), torch.ones(1,1,5,5), dilation=1<<30) raises
        // "Calculated padded input size per channel: (5 x 5). Kernel size: (4294967297 x 4294967297).
        // Kernel size can't be greater than actual input size": 2^30·4 + 1 does not fit an int.
        var x = Tensor.Ones([1, 1, 5, 5], requiresGrad: requiresGrad);
        var w = Tensor.Ones([1, 1, 5, 5], requiresGrad: requiresGrad);
        var ex = Assert.Throws<ArgumentException>(() => F.Conv2d(x, w, dilation: 1 << 30));
        Assert.Equal("input", ex.ParamName);
        Assert.StartsWith("conv2d: Calculated padded input size per channel: (5 x 5). Kernel size: (4294967297 x 4294967297). " +
            "Kernel size can't be greater than actual input size", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PaddingThatPushesAnOutputSizePastIntIsRejected(bool requiresGrad)
    {
        // The second call; it ended the process with an AccessViolationException (the height
        // 11 + 2·(2^31 − 1) wrapped to 9). PyTorch 1.13 accepts it and tries to allocate the
        // [1, 1, 4294967305, 1] output (17 GB; python3-torch was killed here), which our int shapes
        // cannot describe.
        var x = Tensor.Ones([1, 1, 11, 1], requiresGrad: requiresGrad);
        var w = Tensor.Ones([1, 1, 1, 1], requiresGrad: requiresGrad);
        var ex = Assert.Throws<ArgumentException>(() => F.Conv2d(x, w, padding: (int.MaxValue, 0)));
        Assert.Equal("padding", ex.ParamName);
        Assert.StartsWith("conv2d: padding=(2147483647, 0) gives an output of size [1, 1, 4294967305, 1], which has a dimension larger than 2147483647", ex.Message);
    }

    [Fact]
    public void PaddingThatGivesTooManyOutputElementsIsRejected()
    {
        // (1 + 2·30000)² = 3 600 120 001 elements: each size fits an int, their product does not.
        var ex = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Ones([1, 1, 1, 1]), Tensor.Ones([1, 1, 1, 1]), padding: 30000));
        Assert.Equal("padding", ex.ParamName);
        Assert.StartsWith("conv2d: padding=(30000, 30000) gives an output of size [1, 1, 60001, 60001], which has more than 2147483647 elements", ex.Message);
        // Without padding the input is named (unbatched here): 40000 channels of 65536 > 2^31.
        ex = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros([1, 1, 65536]), Tensor.Zeros([40000, 1, 1, 1])));
        Assert.Equal("input", ex.ParamName);
        Assert.StartsWith("conv2d: input of size [1, 1, 65536] gives an output of size [40000, 1, 65536], which has more than 2147483647 elements", ex.Message);
    }

    [Fact]
    public async Task AnEmptyBatchWithAnOutputPlaneBeyondIntIsAccepted()
    {
        // PyTorch 1.13: F.conv2d(torch.ones(0,1,1,1), torch.ones(1,1,1,1), padding=30000).shape ==
        // (0, 1, 60001, 60001): no element, so nothing to hold; oH·oW alone passes int.
        var x = Tensor.Zeros([0, 1, 1, 1], DType.Float64, requiresGrad: true);
        var w = Tensor.Ones([1, 1, 1, 1], DType.Float64, requiresGrad: true);
        var b = Tensor.Ones([1], DType.Float64, requiresGrad: true);
        await WithinLimit("empty batch", () =>
        {
            var y = F.Conv2d(x, w, b, padding: 30000);
            Assert.Equal([0, 1, 60001, 60001], y.Shape.ToArray());
            y.Sum().Backward();
        });
        Assert.Equal([0.0], w.Grad!.ToDoubleArray());
        Assert.Equal([0.0], b.Grad!.ToDoubleArray());
    }

    public static TheoryData<string, DType> ExtremeCases()
    {
        var d = new TheoryData<string, DType>();
        foreach (var c in ConvTorchCases.Extreme) { d.Add(c.Name, DType.Float64); d.Add(c.Name, DType.Float32); }
        return d;
    }

    [Theory]
    [MemberData(nameof(ExtremeCases))]
    public async Task ExtremeGeometriesMatchPyTorchForwardAndBackward(string name, DType dtype)
    {
        // Expected values: ConvTorchReference.py (EXTREME_CASES) run on PyTorch 1.13, which computes
        // each of these in under a millisecond.
        var c = ConvTorchCases.Extreme.Single(k => k.Name == name);
        Assert.True(BoundedConv.Suits(Geometry(c.X, c.W, c.Stride, c.Padding, c.Dilation, c.Groups)), "expected the bounded path");
        await WithinLimit(name, () => ConvTorchTests.CheckAgainstPyTorch(c, dtype));
    }

    [Theory]
    [InlineData(65536)]
    [InlineData(262144)]
    [InlineData(1 << 30)]
    public async Task HugeStrideOnAOneByOneInputIsOneMultiply(int stride)
    {
        // The timing calls (stride 65536 took 15 s forward and 15 s backward, 262144 about 4
        // minutes): y = x·w + b, dy/dx = w, dy/dw = x, by hand. With padding = stride = 2^30 the output
        // is 3×3, every element but the centre all padding: the bias (PyTorch 1.13 gives the same).
        var x = Tensor.From(new[] { 3.0 }, [1, 1, 1, 1]).RequiresGrad_();
        var w = Tensor.From(new[] { 5.0 }, [1, 1, 1, 1]).RequiresGrad_();
        var b = Tensor.From(new[] { 0.5 }, [1]).RequiresGrad_();
        bool padded = stride == 1 << 30;
        double[] expected = padded ? [0.5, 0.5, 0.5, 0.5, 15.5, 0.5, 0.5, 0.5, 0.5] : [15.5];
        await WithinLimit($"stride {stride}", () =>
        {
            var y = F.Conv2d(x, w, b, stride: stride, padding: padded ? stride : 0);
            Assert.Equal(expected, y.ToDoubleArray());
            y.Sum().Backward();
        });
        Assert.Equal([5.0], x.Grad!.ToDoubleArray());
        Assert.Equal([3.0], w.Grad!.ToDoubleArray());
        Assert.Equal([padded ? 9.0 : 1.0], b.Grad!.ToDoubleArray());
    }

    // x shape, w shape, stride, padding, dilation, groups: small, but every one beyond the fast paths' budget.
    public static TheoryData<string, int[], int[], Pair, Padding, Pair, int> BoundedGrid => new()
    {
        { "stride and padding 2^30", [1, 2, 3, 3], [2, 2, 2, 2], 1 << 30, 1 << 30, 1, 1 },
        { "same, dilation 2^29 (only the centre tap)", [1, 2, 4, 4], [3, 2, 3, 3], 1, "same", 1 << 29, 1 },
        { "grouped, column stride, padding and dilation 2^16", [2, 2, 5, 4], [2, 1, 2, 3], (3, 65536), (1, 65536), (2, 65536), 2 },
        { "unbatched, dilation 999, padding 1000", [2, 6, 7], [2, 2, 3, 3], 1, 1000, 999, 1 },
    };

    [Theory]
    [MemberData(nameof(BoundedGrid))]
    public async Task ExtremeButSmallGeometriesPassGradCheck(string name, int[] xs, int[] ws, Pair stride, Padding padding, Pair dilation, int groups)
    {
        Assert.True(BoundedConv.Suits(Geometry(xs, ws, stride, padding, dilation, groups)), "expected the bounded path");
        var g = new Generator(name.Length * 31 + xs.Sum());
        Tensor[] inputs =
        [
            Tensor.Randn(xs, DType.Float64, requiresGrad: true, generator: g),
            Tensor.Randn(ws, DType.Float64, requiresGrad: true, generator: g),
            Tensor.Randn([ws[0]], DType.Float64, requiresGrad: true, generator: g),
        ];
        string? failure = null;
        await WithinLimit(name, () => failure = GradCheck.Run(t => F.Conv2d(t[0], t[1], t[2], stride, padding, dilation, groups), inputs));
        Assert.Null(failure);
    }

    public static TheoryData<int[], int[], int, int, int, int, int, int, int> NaiveGrid => new()
    {
        // x shape, w shape, sH, sW, pH, pW, dH, dW, groups: padding and dilation many times the image
        // (beyond the fast paths' budget, small enough for the int loops of the reference), so most
        // taps of most outputs fall on padding and the rest on the image.
        { [2, 4, 6, 7], [6, 2, 3, 3], 3, 2, 30, 40, 30, 40, 2 },
        { [3, 2, 5, 5], [4, 2, 2, 3], 7, 7, 60, 60, 60, 31, 1 },
        { [1, 3, 4, 9], [3, 1, 3, 2], 9, 5, 100, 1, 1, 6, 3 },
    };

    [Theory]
    [MemberData(nameof(NaiveGrid))]
    public void TheBoundedPathMatchesTheNaiveLoops(int[] xs, int[] ws, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        Assert.True(BoundedConv.Suits(Geometry(xs, ws, (sh, sw), (ph, pw), (dh, dw), groups)), "expected the bounded path");
        var dwRef = ConvNaiveReferenceTests.AssertMatchesNaive(xs.Sum() * 3 + ws.Sum(), xs, ws, sh, sw, ph, pw, dh, dw, groups, 1e-12, 2e-5);
        Assert.Contains(dwRef, v => v != 0);   // some taps do reach the image
    }

    [Theory]
    [MemberData(nameof(ConvNaiveReferenceTests.Configs), MemberType = typeof(ConvNaiveReferenceTests))]
    public void TheBoundedLoopsCalledOnOrdinaryGeometriesMatchTheNaiveLoops(int[] xs, int[] ws, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        // Every tap of these reaches the image (or the usual one-cell padding): the walk's index
        // arithmetic, groups and bias on dense work, which the public entry never sends it.
        var gen = new Generator(xs.Sum() * 11 + ws.Sum());
        double[] x = Tensor.Randn(xs, DType.Float64, generator: gen).ToDoubleArray(), w = Tensor.Randn(ws, DType.Float64, generator: gen).ToDoubleArray();
        double[] b = Tensor.Randn([ws[0]], DType.Float64, generator: gen).ToDoubleArray();
        var (yRef, dxRef, dwRef, _, gy) = NaiveConv.Run(x, xs, w, ws, b, sh, sw, ph, pw, dh, dw, groups);
        var g = Geometry(xs, ws, (sh, sw), (ph, pw), (dh, dw), groups);
        double[] y = new double[yRef.Length], dx = new double[x.Length], dwt = new double[w.Length];
        Array.Fill(dx, double.NaN);   // overwritten, not added to
        BoundedConv.Forward(g, x, w, b, y);
        BoundedConv.InputGrad(g, w, gy, dx);
        BoundedConv.WeightGrad(g, x, gy, dwt);
        TestData.AssertClose(yRef, y, 1e-12, "output");
        TestData.AssertClose(dxRef, dx, 1e-12, "input grad");
        TestData.AssertClose(dwRef, dwt, 1e-11, "weight grad");
    }

    [Fact]
    public void OrdinaryGeometriesKeepTheFastPaths()
    {
        // The bench's three conv2d shapes (bench/Cases.cs), the training sample's two layers
        // (bench/Cases.Train.cs), and the fast-path grid: the routing must not slow any of them down.
        var ordinary = new List<ConvGeometry>
        {
            Geometry([1, 64, 56, 56], [64, 64, 3, 3], 1, 1, 1),
            Geometry([1, 3, 32, 32], [16, 3, 5, 5], 1, 0, 1),
            Geometry([1, 32, 56, 56], [32, 8, 3, 3], 2, 1, 1, groups: 4),
            Geometry([1, 1, 28, 28], [32, 1, 3, 3], 1, 1, 1),
            Geometry([1, 32, 14, 14], [64, 32, 3, 3], 1, 1, 1),
        };
        foreach (var row in ConvFastPathTests.Configs)
        {
            var (xs, ws) = ((int[])row[0], (int[])row[1]);
            var (sh, sw, ph, pw, dh, dw, groups) = ((int)row[2], (int)row[3], (int)row[4], (int)row[5], (int)row[6], (int)row[7], (int)row[8]);
            ordinary.Add(Geometry(xs, ws, (sh, sw), (ph, pw), (dh, dw), groups));
        }
        foreach (var g in ordinary)
        {
            Assert.False(BoundedConv.Suits(g), $"{g} left the fast paths");
            if (InputGradConv.Suits(g)) Assert.False(BoundedConv.Suits(InputGradConv.Geometry(g)), $"the input gradient of {g} left the fast paths");
        }
    }

    [Fact]
    public void AColumnMatrixBeyondIntTakesTheBoundedPathInsteadOfBeingRejected()
    {
        // K·P = 200²·301² ≈ 3.6·10^9: the fast paths index the column matrix in int, so this geometry
        // (which PyTorch accepts) goes to the bounded loops; it used to be rejected.
        Assert.True(BoundedConv.Suits(Geometry([1, 1, 500, 500], [1, 1, 200, 200], 1, 0, 1)));
    }
}
