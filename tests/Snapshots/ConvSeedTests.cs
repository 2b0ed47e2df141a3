using System.Text;
using Autograd.Samples.Explain;

namespace Autograd.Tests;

/// <summary>
/// The convolution examples of seeds 001 and 002. The numbers asserted come from the seeds themselves
/// (and hand derivation); the snapshot text was checked line for line against PyTorch 1.13 printing the
/// same computation (ConvSeedSnapshots.py beside this file).
/// </summary>
public class ConvSeedTests
{
    private static readonly float[] SeedX = SeedData.Seed001X;
    private static readonly float[] SeedFilter = SeedData.Seed001Filter;

    [Fact]
    public void Seed001TensorFlowSameStride2IsPadBottomRightThenConv()
    {
        // TensorFlow SAME, stride 2, 3×3 input, 2×2 filter: out = ceil(3/2) = 2, total padding
        // (2−1)·2 + 2 − 3 = 1, all of it at the bottom/right, i.e. F.Pad(x, [0, 1, 0, 1]).
        var x = Tensor.From(SeedX, [1, 1, 3, 3], requiresGrad: true);
        var w = Tensor.From(SeedFilter, [1, 1, 2, 2], requiresGrad: true);
        var b = Tensor.From(new float[] { 1 }, [1], requiresGrad: true);

        var y = F.Conv2d(F.Pad(x, [0, 1, 0, 1]), w, b, stride: 2);
        y.Sum().Backward();

        // The seed's printed results.
        Assert.Equal([1, 1, 2, 2], y.Shape.ToArray());
        Assert.Equal(SeedTables.Seed001ConvSameOutput, y.ToFloatArray());
        Assert.Equal(SeedTables.Seed001ConvSameFilterGrad, w.Grad!.ToFloatArray());
        Assert.Equal([SeedTables.Seed001ConvSameBiasGrad], b.Grad!.ToFloatArray());
        Assert.Equal(SeedTables.Seed001ConvSameInputGrad, x.Grad!.ToFloatArray());

        var text = new StringBuilder()
            .AppendLine($"x = {x}")
            .AppendLine($"w = {w}")
            .AppendLine($"b = {b}")
            .AppendLine("y = conv2d(pad(x, [0, 1, 0, 1]), w, b, stride=2)")
            .AppendLine($"y = {y}")
            .AppendLine("y.sum().backward()")
            .AppendLine($"w.grad = {w.Grad}")
            .AppendLine($"b.grad = {b.Grad}")
            .AppendLine($"x.grad = {x.Grad}")
            .ToString();
        Approval.Verify("conv-seed001-tf-same-stride2", text);
    }

    [Fact]
    public void Seed001StridedSameIsRejectedSoTensorFlowSameNeedsPad()
    {
        // Why F.Pad is needed: PyTorch's "same" refuses stride 2 outright.
        var x = Tensor.From(SeedX, [1, 1, 3, 3]);
        var w = Tensor.From(SeedFilter, [1, 1, 2, 2]);
        var ex = Assert.ThrowsAny<ArgumentException>(() => F.Conv2d(x, w, stride: 2, padding: "same"));
        Assert.Contains("padding='same' is not supported for strided convolutions", ex.Message);
    }

    [Fact]
    public void Seed002InputGradientIsFullConvolutionWithRotatedFilter()
    {
        // Seed 002: X 3×3, F 2×2, O = X ⋆ F 2×2. With dL/dO = [[1, 2], [3, 4]]:
        //   dL/dX = full convolution of dL/dO with F rotated 180° = [[1, 1, -2], [3, 3, 0], [0, 6, 8]]
        //   dL/dF = valid correlation of X with dL/dO          = [[4, 9], [11, 2]]
        // (hand-derived; PyTorch's conv2d backward gives the same).
        var x = Tensor.From(SeedX, [1, 1, 3, 3], requiresGrad: true);
        var f = Tensor.From(SeedFilter, [1, 1, 2, 2], requiresGrad: true);
        var dO = Tensor.From(new float[] { 1, 2, 3, 4 }, [1, 1, 2, 2]);
        F.Conv2d(x, f).Backward(dO);

        var rotated = Tensor.From(new float[] { 2, 0, -1, 1 }, [1, 1, 2, 2]);
        var fullConv = F.Conv2d(dO, rotated, padding: 1);           // "full" mode = padding k − 1
        var validCorr = F.Conv2d(x.Detach(), dO);                    // dL/dO as the filter

        float[] expectedDx = [1, 1, -2, 3, 3, 0, 0, 6, 8], expectedDf = [4, 9, 11, 2];
        Assert.Equal(expectedDx, x.Grad!.ToFloatArray());
        Assert.Equal(expectedDx, fullConv.ToFloatArray());
        Assert.Equal(expectedDf, f.Grad!.ToFloatArray());
        Assert.Equal(expectedDf, validCorr.ToFloatArray());
    }

    [Fact]
    public void Seed002RuleHoldsForManyChannelsAndRectangularKernels()
    {
        // dX = conv2d(dY, W rotated 180° with in/out channels swapped, padding (kH−1, kW−1)), stride 1.
        var g = new Generator(2);
        int n = 2, c = 3, o = 4, kh = 2, kw = 3;
        var x = Tensor.Randn([n, c, 5, 6], DType.Float64, requiresGrad: true, generator: g);
        var w = Tensor.Randn([o, c, kh, kw], DType.Float64, requiresGrad: true, generator: g);
        var y = F.Conv2d(x, w);
        var dy = Tensor.Randn(y.Shape, DType.Float64, generator: g);
        y.Backward(dy);

        var wv = w.ToDoubleArray();
        var flipped = new double[wv.Length];
        for (int oi = 0; oi < o; oi++)
            for (int ci = 0; ci < c; ci++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        flipped[((ci * o + oi) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)] = wv[((oi * c + ci) * kh + i) * kw + j];
        var full = F.Conv2d(dy, Tensor.From(flipped, [c, o, kh, kw]), padding: (kh - 1, kw - 1));

        var a = x.Grad!.ToDoubleArray();
        var e = full.ToDoubleArray();
        Assert.Equal(a.Length, e.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - e[i]) < 1e-12, $"dX[{i}]: backward {a[i]} vs full convolution {e[i]}");
    }
}
