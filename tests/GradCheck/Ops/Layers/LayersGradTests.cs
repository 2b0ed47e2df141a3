namespace Autograd.Tests.Ops.Layers;

/// <summary>
/// GradCheck and GradGradCheck (float64 finite differences) for conv_transpose2d, interpolate, embedding
/// and dropout, over grids of shapes and options.
/// </summary>
public class LayersGradTests
{
    /// <summary>(N, inC, H, W, outC, kH, kW, stride, padding, outputPadding, dilation, groups, bias).</summary>
    public static TheoryData<int[], bool> ConvTransposeGrid => new()
    {
        { [1, 2, 3, 3, 3, 3, 3, 1, 0, 0, 1, 1], true },
        { [2, 2, 3, 4, 2, 3, 2, 2, 1, 1, 1, 1], true },     // stride 2, output padding 1 ≤ padding
        { [1, 2, 3, 3, 2, 2, 2, 2, 0, 1, 1, 1], false },    // output padding > padding: zero rows added
        { [1, 4, 2, 3, 4, 3, 3, 1, 1, 1, 2, 2], true },     // output padding allowed by dilation, groups 2
        { [1, 3, 3, 2, 6, 2, 3, 3, 2, 2, 1, 3], true },     // depthwise-like, stride 3
        { [0, 2, 3, 3, 2, 3, 3, 1, 0, 0, 1, 1], true },     // empty batch
    };

    [Theory]
    [MemberData(nameof(ConvTransposeGrid))]
    public void ConvTranspose2dGradients(int[] a, bool bias)
    {
        var (n, c, h, w, outC, kh, kw) = (a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
        var (s, p, op, d, g) = (a[7], a[8], a[9], a[10], a[11]);
        var inputs = ConvTransposeInputs(n, c, h, w, outC, kh, kw, g, bias, 11);
        Func<Tensor[], Tensor> f = t => F.ConvTranspose2d(t[0], t[1], bias ? t[2] : null, s, p, op, g, d);
        Assert.True(GradCheck.Check(f, inputs));
        if (n > 0) Assert.True(GradGradCheck.Check(f, inputs));
    }

    [Fact]
    public void ConvTranspose2dUnbatchedAndAsymmetricOptions()
    {
        var inputs = new[] { TestData.Randn([2, 3, 4], 3), TestData.Randn([2, 2, 2, 3], 4), TestData.Randn([2], 5) };
        Func<Tensor[], Tensor> f = t => F.ConvTranspose2d(t[0], t[1], t[2], (2, 1), (1, 0), (1, 0), 1, (1, 2));
        Assert.True(GradCheck.Check(f, inputs));
        Assert.True(GradGradCheck.Check(f, inputs));
    }

    [Fact]
    public void ConvTranspose2dThirdOrderThroughGradients()
    {
        // the gradient of a gradient of a gradient: each recorded op's backward is recorded again
        var x = TestData.Randn([1, 2, 3, 3], 21);
        var w = TestData.Randn([2, 2, 2, 2], 22);
        Func<Tensor[], Tensor> f = t =>
        {
            var y = F.ConvTranspose2d(t[0], t[1], null, 2, 0, 1);
            var gx = Grad.Compute((y * y).Sum(), t[0], createGraph: true);
            return gx;
        };
        Assert.True(GradGradCheck.Check(f, [x, w]));
    }

    private static Tensor[] ConvTransposeInputs(int n, int c, int h, int w, int outC, int kh, int kw, int g, bool bias, int seed)
    {
        var list = new List<Tensor> { TestData.Randn([n, c, h, w], seed), TestData.Randn([c, outC / g, kh, kw], seed + 1) };
        if (bias) list.Add(TestData.Randn([outC], seed + 2));
        return [.. list];
    }

    public static TheoryData<string, int, int, int, int, double, double, bool?> InterpolateGrid => new()
    {
        // mode, H, W, size H, size W (0: none), scale H, scale W (0: none), alignCorners
        { "nearest", 3, 4, 5, 7, 0, 0, null },
        { "nearest", 4, 3, 0, 0, 2, 1.5, null },
        { "nearest", 5, 6, 3, 4, 0, 0, null },
        { "nearest-exact", 3, 4, 5, 7, 0, 0, null },
        { "nearest-exact", 5, 6, 0, 0, 0.7, 0.5, null },
        { "bilinear", 3, 4, 5, 7, 0, 0, false },
        { "bilinear", 3, 4, 5, 7, 0, 0, true },
        { "bilinear", 4, 4, 0, 0, 2, 2, false },
        { "bilinear", 4, 5, 0, 0, 1.5, 0.6, true },
        { "bilinear", 5, 4, 2, 1, 0, 0, false },
        { "bilinear", 1, 3, 4, 3, 0, 0, true },
    };

    [Theory]
    [MemberData(nameof(InterpolateGrid))]
    public void InterpolateGradients(string mode, int h, int w, int oh, int ow, double sh, double sw, bool? corners)
    {
        Pair? size = oh > 0 ? (oh, ow) : null;
        ScalePair? scale = sh > 0 ? (sh, sw) : null;
        var x = TestData.Randn([2, 2, h, w], 31);
        Func<Tensor[], Tensor> f = t => F.Interpolate(t[0], size, scale, mode, corners);
        Assert.True(GradCheck.Check(f, [x]));
        // The op is linear: its second derivative is zero, but the first-order gradient's graph must be differentiable.
        Func<Tensor[], Tensor> sq = t => F.Interpolate(t[0] * t[0], size, scale, mode, corners);
        Assert.True(GradGradCheck.Check(sq, [x]));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(2L, false)]
    [InlineData(-1L, false)]
    [InlineData(null, true)]
    [InlineData(0L, true)]
    public void EmbeddingGradients(long? paddingIdx, bool byFreq)
    {
        var idx = Tensor.From([0L, 2, 4, 2, 1, 4, 4, 3], [2, 4]);
        var weight = TestData.Randn([5, 3], 41);
        // The padding row's zero gradient and the frequency scaling are deliberate departures from the true
        // derivative (as in PyTorch), so finite differences check the plain case; the rest is checked exactly.
        Func<Tensor[], Tensor> f = t => F.Embedding(idx, t[0], paddingIdx, scaleGradByFreq: byFreq);
        if (paddingIdx is null && !byFreq) Assert.True(GradCheck.Check(f, [weight]));
        else
        {
            var w = weight.Detach().RequiresGrad_();
            var g = TestData.Randn([2, 4, 3], 42, requiresGrad: false);
            F.Embedding(idx, w, paddingIdx, scaleGradByFreq: byFreq).Backward(g);
            long[] ids = idx.ToArray<long>();
            double[] gv = g.ToDoubleArray(), expected = new double[15];
            long pad = paddingIdx is { } p ? (p + 5) % 5 : -1;
            for (int i = 0; i < ids.Length; i++)
            {
                if (ids[i] == pad) continue;
                int count = byFreq ? ids.Count(v => v == ids[i]) : 1;
                for (int k = 0; k < 3; k++) expected[ids[i] * 3 + k] += gv[i * 3 + k] / count;
            }
            TestData.AssertClose(expected, w.Grad!, 1e-12);
        }
        // Note [Embedding double backward and scale_grad_by_freq]: PyTorch's second derivative ignores the
        // frequency scaling, so finite differences check the unscaled cases (the oracle HVP test the rest).
        Func<Tensor[], Tensor> sq = t => F.Embedding(idx, t[0] * t[0], paddingIdx, scaleGradByFreq: byFreq);
        if (!byFreq) Assert.True(GradGradCheck.Check(sq, [weight]));
    }

    [Fact]
    public void DropoutGradientsWithAFixedMask()
    {
        var x = TestData.Randn([4, 3, 2, 2], 51);
        // the same seed on every call gives the same mask, so finite differences see one function
        Func<Tensor[], Tensor> f = t => F.Dropout(t[0] * t[0], 0.3, generator: new Generator(5));
        Func<Tensor[], Tensor> f2 = t => F.Dropout2d(t[0] * t[0], 0.4, generator: new Generator(6));
        Assert.True(GradCheck.Check(f, [x]));
        Assert.True(GradGradCheck.Check(f, [x]));
        Assert.True(GradCheck.Check(f2, [x]));
        Assert.True(GradGradCheck.Check(f2, [x]));
    }
}
