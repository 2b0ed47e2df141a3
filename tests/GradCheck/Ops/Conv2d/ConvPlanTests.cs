namespace Autograd.Tests.Ops.Conv2d;

/// <summary>
/// Which kernels a geometry's ConvPlan selects (Note [Conv plan]). The expected paths follow from the
/// rules the note states (tap counts, channel counts, strides, image sizes), worked out by hand per
/// case in the comments; ConvOracleTests.EveryConvPlanPathMatchesLibtorch checks each path's numbers.
/// </summary>
public class ConvPlanTests
{
    private static ConvGeometry Geometry(int[] xs, int[] ws, Pair stride, Pair pad, int groups = 1, Pair? dilation = null) =>
        ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, stride, pad, dilation ?? 1, groups);

    [Fact]
    public void APointwiseConvolutionIsThreePlainGemms()
    {
        var plan = ConvPlan.For(Geometry([8, 64, 14, 14], [128, 64, 1, 1], 1, 0));
        Assert.Equal(new ConvPlan(ConvForwardPath.PointwiseGemm, ConvInputGradPath.PointwiseGemm, ConvWeightGradPath.PointwiseGemm), plan);
        // Padding or a stride makes the 1×1 kernel read something other than the image itself.
        Assert.NotEqual(ConvForwardPath.PointwiseGemm, ConvPlan.For(Geometry([8, 64, 14, 14], [128, 64, 1, 1], 2, 0)).Forward);
        Assert.NotEqual(ConvForwardPath.PointwiseGemm, ConvPlan.For(Geometry([8, 64, 14, 14], [128, 64, 1, 1], 1, 1)).Forward);
    }

    [Fact]
    public void TheBenchShapesTakeTheirPaths()
    {
        // 64 → 64, 3×3, padding 1: K = 576 taps (too many for the direct kernel), unit strides with 2 of
        // each 58-wide padded row discarded → wide rows; 64 channels each way on 56×56 → dX as a
        // convolution; 64 ≥ 32 channels → HWC dW.
        Assert.Equal("forward=WideRowGemm input=AsConvolution weight=HwcGemm",
            ConvPlan.For(Geometry([8, 64, 56, 56], [64, 64, 3, 3], 1, 1)).ToString());
        // 3 → 16, 5×5: 4 of 32 columns discarded and 16 output channels → wide rows (the direct kernel would
        // suit too: 75 taps on 28-wide rows); dX meets 16·25 = 400 taps (too many) and 3 channels (too few to
        // be a convolution) → col2im; 784 positions > 512 → one dot GEMM per image. With 8 output channels the
        // direct kernel keeps it.
        Assert.Equal(new ConvPlan(ConvForwardPath.WideRowGemm, ConvInputGradPath.GemmCol2Im, ConvWeightGradPath.Dot),
            ConvPlan.For(Geometry([32, 3, 32, 32], [16, 3, 5, 5], 1, 0)));
        Assert.Equal(ConvForwardPath.Direct, ConvPlan.For(Geometry([32, 3, 32, 32], [8, 3, 5, 5], 1, 0)).Forward);
        // The Fashion-MNIST network's second layer, 32 → 64 on 14×14 (196 positions > 128): dX as a
        // convolution; 2 of 16 padded columns discarded → wide rows; its pooled 7×7 maps (49 positions) keep col2im.
        Assert.Equal("forward=WideRowGemm input=AsConvolution weight=HwcGemm",
            ConvPlan.For(Geometry([64, 32, 14, 14], [64, 32, 3, 3], 1, 1)).ToString());
        Assert.Equal(ConvInputGradPath.GemmCol2Im, ConvPlan.For(Geometry([64, 32, 7, 7], [64, 32, 3, 3], 1, 1)).InputGrad);
        // Groups of 8 → 8, stride 2, padding 1: 72 taps → direct; a dX phase meets at most 8·2·2 = 32
        // taps on 28-wide phase rows → direct; strided → dot products over phase-split images.
        Assert.Equal(new ConvPlan(ConvForwardPath.Direct, ConvInputGradPath.Direct, ConvWeightGradPath.Dot),
            ConvPlan.For(Geometry([8, 32, 56, 56], [32, 8, 3, 3], 2, 1, groups: 4)));
    }

    [Fact]
    public void SmallImagesWithFewChannelsBatchTheDotProducts()
    {
        // 20 channels (< 32: no HWC copy), 10×10 = 100 positions ≤ 512 → one dot GEMM over the chunk's images.
        Assert.Equal(ConvWeightGradPath.BatchedDot, ConvPlan.For(Geometry([4, 20, 10, 10], [12, 20, 3, 3], 1, 1)).WeightGrad);
        // The same with column stride 2 reads phase-split images: one call per image.
        Assert.Equal(ConvWeightGradPath.Dot, ConvPlan.For(Geometry([4, 20, 10, 10], [12, 20, 3, 3], (1, 2), 1)).WeightGrad);
    }

    [Fact]
    public void ExtremeGeometriesTakeTheBoundedLoopsForEveryPass()
    {
        var plan = ConvPlan.For(Geometry([1, 1, 500, 500], [1, 1, 200, 200], 1, 0));   // K·P beyond int
        Assert.Equal(new ConvPlan(ConvForwardPath.Bounded, ConvInputGradPath.Bounded, ConvWeightGradPath.Bounded), plan);
    }

    [Fact]
    public void PassesNotWantedAreNone()
    {
        var g = Geometry([2, 8, 12, 12], [4, 8, 3, 3], 1, 1);
        Assert.Equal("forward=None input=GemmCol2Im weight=None", ConvPlan.For(g, forward: false, weightGrad: false).ToString());
        Assert.Equal(ConvInputGradPath.None, ConvPlan.For(g, inputGrad: false).InputGrad);
    }

    [Fact]
    public void TheDirectInputGradientTapCountMatchesThePhasesBuilt()
    {
        // MaxPhaseTaps counts without building the phases; the plan built for the kernel lists them.
        foreach (var row in ConvFastPathTests.Configs)
        {
            var (xs, ws) = ((int[])row[0], (int[])row[1]);
            var g = ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, ((int)row[2], (int)row[3]), ((int)row[4], (int)row[5]),
                ((int)row[6], (int)row[7]), (int)row[8]);
            Assert.Equal(new DirectConvPlan(g).Phases.Max(p => p.Taps.Length), DirectConvPlan.MaxPhaseTaps(g));
        }
    }
}
