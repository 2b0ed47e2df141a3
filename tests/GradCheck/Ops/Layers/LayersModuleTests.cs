using Autograd.Nn;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Ops.Layers;

/// <summary>The layer modules: construction checks, init, repr, Forward against torch.nn / libtorch, node names.</summary>
[Collection(OracleCollection.Name)]
public class LayersModuleTests
{
    [Theory]
    [InlineData(4, 6, 3, 1, 0, 0, 1, 1, true)]
    [InlineData(4, 6, 4, 2, 1, 0, 1, 2, true)]
    [InlineData(3, 2, 3, 2, 1, 1, 1, 1, false)]
    [InlineData(2, 4, 2, 1, 0, 1, 2, 2, true)]
    public void ConvTranspose2dModuleMatchesTorchNn(int inC, int outC, int k, int s, int p, int op, int d, int g, bool bias)
    {
        var ours = new ConvTranspose2d(inC, outC, k, s, p, op, g, bias, d, dtype: DType.Float64);
        using var theirs = TorchApi.nn.ConvTranspose2d(inC, outC, k, stride: s, padding: p, output_padding: op, dilation: d, groups: g,
            bias: bias, dtype: TorchApi.ScalarType.Float64);
        ours.CopyTo(theirs);
        var x = TestData.Randn([2, inC, 5, 4], 61, requiresGrad: false);
        using var tx = x.ToTorch(requiresGrad: false);
        using var ty = theirs.forward(tx);
        var y = ours.Forward(x);
        Assert.Equal(ty.shape.Select(v => (int)v).ToArray(), y.Shape.ToArray());
        TestData.AssertClose(TorchConversions.ReadDoubles(ty), y, 1e-12);
    }

    [Fact]
    public void ConvTranspose2dInitUsesFanInOfWeightDim1()
    {
        // weight (64, 2, 1, 1): fan_in = 2·1·1 (not 64), so the bound is 1/√2 — PyTorch's _calculate_fan_in_and_fan_out
        var m = new ConvTranspose2d(64, 2, 1, generator: new Generator(3), dtype: DType.Float64);
        Assert.Equal([64, 2, 1, 1], m.Weight.Shape.ToArray());
        double[] w = m.Weight.Data.ToDoubleArray(), b = m.Bias!.Data.ToDoubleArray();
        double bound = 1 / Math.Sqrt(2);
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.All(b, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(w.Max(Math.Abs) > 0.5);   // would be ≤ 1/8 with fan_in from in_channels
    }

    [Fact]
    public void ConvTranspose2dForwardWithOutputSize()
    {
        var m = new ConvTranspose2d(2, 3, 3, stride: 2, padding: 1, dtype: DType.Float64, generator: new Generator(1));
        var x = TestData.Randn([1, 2, 5, 5], 62, requiresGrad: false);
        Assert.Equal([1, 3, 9, 9], m.Forward(x).Shape.ToArray());
        var y = m.Forward(x, [10, 9]);
        Assert.Equal([1, 3, 10, 9], y.Shape.ToArray());
        TestData.AssertClose(F.ConvTranspose2d(x, m.Weight, m.Bias?.Data, 2, 1, (1, 0)).ToDoubleArray(), y, 0);
        Assert.Equal([1, 3, 10, 10], m.Forward(x, [1, 3, 10, 10]).Shape.ToArray());
        var e = Assert.Throws<ArgumentException>(() => m.Forward(x, [11, 9]));
        Assert.Contains("requested an output size of [11, 9], but valid sizes range from [9, 9] to [10, 10]", e.Message);
    }

    [Fact]
    public void ConvTranspose2dConstructorValidates()
    {
        Assert.Throws<ArgumentException>(() => new ConvTranspose2d(3, 4, 3, paddingMode: "reflect"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvTranspose2d(4, 4, 3, groups: 0));
        Assert.Throws<ArgumentException>(() => new ConvTranspose2d(3, 4, 3, groups: 2));
        Assert.Throws<ArgumentException>(() => new ConvTranspose2d(4, 3, 3, groups: 2));
        Assert.Throws<ArgumentException>(() => new ConvTranspose2d(4, 3, 0));
        var e = Assert.Throws<ArgumentException>(() => new ConvTranspose2d(4, 3, 3, stride: 1, outputPadding: 1));
        Assert.Contains("output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1", e.Message);
        _ = new ConvTranspose2d(4, 3, 3, stride: 1, outputPadding: 1, dilation: 2);   // allowed by the dilation
    }

    [Fact]
    public void ConvTranspose2dReprNodeAndErrors()
    {
        var m = new ConvTranspose2d(16, 33, (3, 5), stride: (2, 1), padding: (4, 2));
        Assert.Equal("ConvTranspose2d(16, 33, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2))", m.ToString());
        Assert.Equal("ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1), bias=False)",
            new ConvTranspose2d(2, 3, 3, stride: 2, outputPadding: 1, bias: false).ToString());
        var y = m.Forward(Tensor.Randn([1, 16, 10, 10]));
        Assert.Equal("ConvolutionBackward0", y.GradFn!.Name);
        var x = Tensor.Randn([1, 3, 4, 4]);
        var e = Assert.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Randn([4, 2, 3, 3])));
        Assert.Contains("Given transposed=1, weight of size [4, 2, 3, 3], expected input[1, 3, 4, 4] to have 4 channels, but got 3 channels instead", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Randn([3, 2, 3, 3]), Tensor.Randn([3])));
        Assert.Contains("expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.ConvTranspose2d(Tensor.Randn([1, 3, 1, 1]), Tensor.Randn([3, 2, 1, 1]), padding: 1));
        Assert.Contains("Output size is too small", e.Message);
    }

    [Fact]
    public void InterpolateHandValues()
    {
        var x = Tensor.From([1.0, 2, 3, 4], [1, 1, 2, 2]);
        TestData.AssertClose([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], F.Interpolate(x, scaleFactor: 2), 0);
        Assert.Equal([1, 1, 3, 3], F.Interpolate(x, size: 3).Shape.ToArray());
        var row = Tensor.From([0.0, 1], [1, 1, 1, 2]);
        TestData.AssertClose([0, 0.5, 1], F.Interpolate(row, (1, 3), mode: "bilinear", alignCorners: true), 1e-15);
        // half-pixel centres: src = (o + ½)·2/4 − ½ clamped at 0 → 0, 0.25, 0.75, 1 (clamped to the last pixel)
        TestData.AssertClose([0, 0.25, 0.75, 1], F.Interpolate(row, (1, 4), mode: "bilinear", alignCorners: false), 1e-15);
        // the given scale factor, not in/out, places the samples (Note [Interpolate scale]): 3 → floor(3·1.5) = 4 with scale 1/1.5
        var three = Tensor.From([0.0, 1, 2], [1, 1, 1, 3]);
        TestData.AssertClose([0, 0, 1, 2], F.Interpolate(three, scaleFactor: (1.0, 1.5)), 0);          // floor(o/1.5)
        TestData.AssertClose([0, 0, 1, 2], F.Interpolate(three, scaleFactor: (1.0, 1.5), recomputeScaleFactor: true), 0);   // floor(o·3/4)
    }

    [Fact]
    public void InterpolateErrorsAndNodes()
    {
        var x = Tensor.Randn([1, 2, 3, 3], requiresGrad: true);
        Assert.Contains("only one of size or scale_factor should be defined", Assert.Throws<ArgumentException>(() => F.Interpolate(x, (4, 4), 2.0)).Message);
        Assert.Contains("either size or scale_factor should be defined", Assert.Throws<ArgumentException>(() => F.Interpolate(x)).Message);
        Assert.Contains("align_corners option can only be set with the interpolating modes", Assert.Throws<ArgumentException>(() => F.Interpolate(x, (4, 4), alignCorners: false)).Message);
        Assert.Contains("recompute_scale_factor is not meaningful with an explicit size", Assert.Throws<ArgumentException>(() => F.Interpolate(x, (4, 4), recomputeScaleFactor: true)).Message);
        Assert.Equal("UpsampleNearest2DBackward0", F.Interpolate(x, (4, 4)).GradFn!.Name);
        Assert.Equal("UpsampleBilinear2DBackward0", F.Interpolate(x, (4, 4), mode: "bilinear").GradFn!.Name);
        var g = Grad.Compute(F.Interpolate(x, (5, 4), mode: "bilinear").Pow(2).Sum(), x, createGraph: true);
        Assert.Equal("UpsampleBilinear2DBackwardBackward0", g.GradFn!.Name);
    }

    [Fact]
    public void UpsampleModules()
    {
        var x = TestData.Randn([2, 3, 4, 5], 63, requiresGrad: false);
        Assert.Equal("Upsample(scale_factor=2.0, mode='nearest')", new Upsample(scaleFactor: 2.0).ToString());
        Assert.Equal("Upsample(size=(4, 6), mode='bilinear')", new Upsample(size: (4, 6), mode: "bilinear").ToString());
        Assert.Equal("UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')", new UpsamplingBilinear2d(scaleFactor: 2.0).ToString());
        TestData.AssertClose(F.Interpolate(x, scaleFactor: 2.0, mode: "bilinear", alignCorners: true).ToDoubleArray(),
            new UpsamplingBilinear2d(scaleFactor: 2.0).Forward(x), 0);
        TestData.AssertClose(F.Interpolate(x, (7, 7)).ToDoubleArray(), new UpsamplingNearest2d((7, 7)).Forward(x), 0);
        Assert.Throws<ArgumentException>(() => new Upsample());
        Assert.Throws<ArgumentException>(() => new Upsample(4, 2.0));
        Assert.Throws<ArgumentException>(() => new Upsample(4, mode: "nearest", alignCorners: true));
        Assert.Throws<NotSupportedException>(() => new Upsample(4, mode: "bicubic"));
        // against torch.nn.functional.interpolate through the module
        using var tx = x.ToTorch(requiresGrad: false);
        using var ty = TorchApi.nn.functional.interpolate(tx, null, [2.0, 2.0], TorchApi.InterpolationMode.Bilinear, true);
        TestData.AssertClose(TorchConversions.ReadDoubles(ty), new UpsamplingBilinear2d(scaleFactor: 2.0).Forward(x), 1e-12);
    }

    [Fact]
    public void EmbeddingModule()
    {
        var m = new Embedding(10, 3, paddingIdx: -2, generator: new Generator(4));
        Assert.Equal(8L, m.PaddingIdx);
        Assert.Equal("Embedding(10, 3, padding_idx=8)", m.ToString());
        Assert.All(m.Weight.Data.ToDoubleArray().Skip(24).Take(3), v => Assert.Equal(0, v));
        Assert.Contains(m.Weight.Data.ToDoubleArray().Take(24), v => v != 0);
        var idx = Tensor.From([1L, 8, 8, 2], [2, 2]);
        var y = m.Forward(idx);
        Assert.Equal([2, 2, 3], y.Shape.ToArray());
        Assert.Equal("EmbeddingBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        var grad = m.Weight.Grad!.ToDoubleArray();
        Assert.Equal([0, 0, 0, 1, 1, 1, 1, 1, 1], grad.Take(9));
        Assert.All(grad.Skip(24).Take(3), v => Assert.Equal(0, v));   // padding row: no gradient
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(5, 2, paddingIdx: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(5, 2, paddingIdx: -6));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => m.Forward(Tensor.From([3L, 10], [2])));
        Assert.Contains("index out of range in self", e.Message);
        Assert.Contains("10", e.Message);
        Assert.Throws<ArgumentException>(() => m.Forward(Tensor.From([1.0f], [1])));
    }

    [Fact]
    public void EmbeddingFromPretrained()
    {
        var w = Tensor.From([1.0, 2, 3, 4, 5, 6], [3, 2]);
        var frozen = Embedding.FromPretrained(w);
        Assert.Same(w, frozen.Weight.Data);
        Assert.False(frozen.Weight.RequiresGrad);
        TestData.AssertClose([5, 6, 1, 2], frozen.Forward(Tensor.From([2L, 0], [2])), 0);
        var trainable = Embedding.FromPretrained(Tensor.From([1.0, 2, 3, 4], [2, 2]), freeze: false, paddingIdx: 1);
        Assert.True(trainable.Weight.RequiresGrad);
        TestData.AssertClose([3, 4], trainable.Forward(Tensor.From([1L], [1])), 0);   // the padding row is kept as given
        Assert.Throws<ArgumentException>(() => Embedding.FromPretrained(Tensor.Zeros([3])));
    }

    [Fact]
    public void EmbeddingMaxNormRenormalisesReferencedRows()
    {
        var w = Tensor.From([3.0, 4, 0.3, 0.4, 6, 8], [3, 2]);
        var y = F.Embedding(Tensor.From([0L, 1], [2]), w, maxNorm: 1.0);
        double s = 1 / (5 + 1e-7);
        TestData.AssertClose([3 * s, 4 * s, 0.3, 0.4], y, 1e-15);
        TestData.AssertClose([3 * s, 4 * s, 0.3, 0.4, 6, 8], w, 1e-15);   // in place, only rows referenced
    }

    [Fact]
    public void DropoutStatisticsScaleAndGradient()
    {
        var x = Tensor.Ones([200_000], DType.Float64, requiresGrad: true);
        var y = F.Dropout(x, 0.3, generator: new Generator(7));
        var v = y.ToDoubleArray();
        double kept = v.Count(a => a != 0) / (double)v.Length;
        Assert.InRange(kept, 0.7 - 0.005, 0.7 + 0.005);   // ±5 standard deviations (σ ≈ 0.001)
        Assert.All(v, a => Assert.True(a == 0 || a == 1 / 0.7));
        Assert.Equal("MulBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Assert.Equal(v, x.Grad!.ToDoubleArray());   // gradient = mask · 1/(1 − p)
        // seeded reproducibility
        Assert.Equal(F.Dropout(Tensor.Ones([1000]), 0.5, generator: new Generator(9)).ToFloatArray(),
            F.Dropout(Tensor.Ones([1000]), 0.5, generator: new Generator(9)).ToFloatArray());
    }

    [Fact]
    public void DropoutEdgeCasesAndErrors()
    {
        var x = Tensor.Randn([4, 5], requiresGrad: true);
        Assert.Same(x, F.Dropout(x, 0.5, training: false));
        Assert.Same(x, F.Dropout(x, 0.0));
        var z = F.Dropout(x, 1.0);
        Assert.All(z.ToFloatArray(), a => Assert.Equal(0f, a));
        z.Sum().Backward();
        Assert.All(x.Grad!.ToFloatArray(), a => Assert.Equal(0f, a));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(x, 1.5));
        Assert.Contains("dropout probability has to be between 0 and 1, but got 1.5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout2d(2));
        // inplace overwrites a non-leaf input
        var h = Tensor.Ones([1000]) * 2;
        var r = F.Dropout(h, 0.5, inplace: true, generator: new Generator(3));
        Assert.Same(h, r);
        Assert.All(h.ToFloatArray(), a => Assert.True(a == 0 || a == 4));
    }

    [Fact]
    public void Dropout2dDropsWholeChannels()
    {
        var x = Tensor.Ones([8, 16, 3, 3], DType.Float64);
        var y = F.Dropout2d(x, 0.5, generator: new Generator(11)).ToDoubleArray();
        int dropped = 0;
        for (int plane = 0; plane < 8 * 16; plane++)
        {
            var vals = y.Skip(plane * 9).Take(9).Distinct().ToArray();
            Assert.Single(vals);
            Assert.True(vals[0] == 0 || vals[0] == 2);
            if (vals[0] == 0) dropped++;
        }
        Assert.InRange(dropped, 30, 98);
        // 3-d input: PyTorch takes it as (N, C, L) and drops rows (n, c) as a whole
        var y3 = F.Dropout2d(Tensor.Ones([6, 4, 5], DType.Float64), 0.5, generator: new Generator(12)).ToDoubleArray();
        for (int row = 0; row < 24; row++) Assert.Single(y3.Skip(row * 5).Take(5).Distinct());
        Assert.Contains(Enumerable.Range(0, 6), n => y3.Skip(n * 20).Take(20).Distinct().Count() > 1);   // not per dim 0
        // dropout1d on unbatched (C, L), dropout3d on unbatched (C, D, H, W): per channel (dim 0)
        var y1 = F.Dropout1d(Tensor.Ones([8, 5], DType.Float64), 0.5, generator: new Generator(13)).ToDoubleArray();
        for (int c = 0; c < 8; c++) Assert.Single(y1.Skip(c * 5).Take(5).Distinct());
        var y5 = F.Dropout3d(Tensor.Ones([2, 6, 2, 2, 2], DType.Float64), 0.5, generator: new Generator(14)).ToDoubleArray();
        for (int c = 0; c < 12; c++) Assert.Single(y5.Skip(c * 8).Take(8).Distinct());
        Assert.Throws<ArgumentException>(() => F.Dropout1d(Tensor.Ones([2, 3, 4, 5]), 0.5));
    }

    [Fact]
    public void DropoutModulesFollowTrainingMode()
    {
        var m = new Dropout(0.4) { Generator = new Generator(2) };
        Assert.Equal("Dropout(p=0.4, inplace=False)", m.ToString());
        Assert.Equal("Dropout2d(p=0.5, inplace=False)", new Dropout2d().ToString());
        Assert.Equal("Dropout1d(p=0.2, inplace=True)", new Dropout1d(0.2, inplace: true).ToString());
        Assert.Equal("Dropout3d(p=0.5, inplace=False)", new Dropout3d().ToString());
        var x = Tensor.Ones([100]);
        Assert.NotSame(x, m.Forward(x));
        m.Eval();
        Assert.Same(x, m.Forward(x));
        var d2 = new Dropout2d(0.4);
        d2.Eval();
        Assert.Same(x, d2.Forward(x));
        m.Train();
        Assert.Contains(m.Forward(x).ToFloatArray(), a => a == 0);
    }
}
