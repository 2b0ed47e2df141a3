using Autograd.Kernels;

namespace Autograd.Tests.Ops.Conv2d;

/// <summary>
/// conv2d's fast paths against the seven-loop reference (Support/NaiveConv.cs): the direct
/// kernel (few taps, wide rows: Note [Direct convolution]) including strided phase splits and the
/// per-phase input gradient, the implicit-im2col GEMM (phase-split or padded planes: Note [Padded
/// im2col]), the dot-product weight gradient (many taps), the weight gradient through the HWC copy
/// (Note [Weight gradient as GEMM]) and the input gradient as a convolution of dY (Note [Input
/// gradient as a convolution]).
/// </summary>
public class ConvFastPathTests
{
    public static TheoryData<int[], int[], int, int, int, int, int, int, int> Configs => new()
    {
        // x shape, w shape, sH, sW, pH, pW, dH, dW, groups
        { [2, 3, 34, 33], [5, 3, 5, 5], 1, 1, 0, 0, 1, 1, 1 },      // like the 32×3×32×32 k5 case, odd width
        { [2, 8, 40, 41], [8, 2, 3, 3], 2, 2, 1, 1, 1, 1, 4 },      // grouped, stride 2 (phase split, sub-pixel dX)
        { [1, 4, 45, 50], [6, 4, 3, 2], 3, 2, 2, 1, 1, 2, 1 },      // stride 3×2, dilation, padding > 0
        { [1, 2, 30, 64], [3, 2, 4, 4], 2, 2, 3, 0, 1, 1, 1 },      // even kernel: some dX phases meet few taps
        { [1, 2, 36, 40], [4, 1, 1, 3], 1, 3, 0, 1, 1, 1, 2 },      // kernel narrower than the stride
        { [2, 20, 24, 30], [12, 10, 3, 3], 1, 1, 1, 1, 1, 1, 2 },   // K = 90: direct forward, GEMM elsewhere
        { [1, 24, 18, 22], [10, 24, 3, 3], 1, 2, 1, 1, 2, 1, 1 },   // K = 216, strided: wide rows over column phases (Note [Wide-row convolution])
        { [1, 24, 10, 9], [6, 24, 3, 5], 1, 2, 0, 0, 1, 1, 1 },     // K = 360, strided, 2 of 5 phase columns discarded: implicit im2col GEMM
        { [1, 64, 9, 60], [24, 64, 3, 3], 1, 1, 1, 1, 1, 1, 1 },    // K = 576, wide rows: col2im in row blocks (Note [col2im blocks])
        { [1, 24, 20, 21], [8, 24, 3, 3], 2, 1, 1, 1, 1, 1, 1 },    // row stride only: padded planes (Note [Padded im2col]), every other row
        // Notes [Weight gradient as GEMM] (the HWC GEMM) and [Input gradient as a convolution] (the first
        // two): channel runs and Og not multiples of any SIMD width.
        { [2, 66, 23, 27], [66, 33, 3, 3], 1, 1, 1, 2, 1, 1, 2 },   // grouped, Cg = Og = 33 (a ragged row panel), padding 2 = k − 1
        { [1, 35, 30, 31], [33, 35, 2, 4], 1, 1, 0, 3, 2, 1, 1 },   // even kernel, dilation 2, padding 0 / 3 per axis
        { [18, 32, 12, 13], [16, 32, 3, 3], 1, 1, 1, 1, 1, 1, 1 },  // small images: the chunk's 2 images in one GEMM call
        { [40, 32, 24, 24], [16, 32, 3, 3], 1, 1, 1, 1, 1, 1, 1 },  // chunks of 2 or 3 images, GEMM calls of 2 (+ 1) accumulate
        { [5, 34, 13, 15], [18, 34, 4, 3], 2, 2, 1, 0, 1, 2, 1 },   // small strided images: the HWC GEMM with strides and dilation
        // Note [Wide-row convolution]: the GEMM over padded rows, read in place (dX of the rows above runs it too).
        { [1, 40, 20, 19], [12, 40, 3, 3], 1, 1, 1, 1, 1, 1, 1 },   // a batch of one: columns split over threads; Og = 12 (ragged panel)
        { [3, 64, 9, 11], [20, 32, 3, 3], 1, 1, 2, 2, 2, 2, 2 },    // grouped, dilation 2, K = 288 per group
        // Note [Input gradient by output phases]: dX of strided convolutions phase by phase (conv_transpose2d's forward).
        { [2, 32, 14, 14], [48, 32, 4, 4], 2, 2, 1, 1, 1, 1, 1 },   // k4 s2 p1: four phases of 2×2 taps (48·4 > 160: not direct)
        { [1, 16, 17, 19], [96, 16, 3, 3], 3, 2, 2, 1, 2, 1, 1 },   // strides 3×2, dilation 2 on rows: phases of 1–2 taps a side
        { [2, 16, 12, 12], [168, 16, 1, 1], 2, 2, 0, 0, 1, 1, 1 },  // 1×1 stride 2: three of the four phases meet no tap (zeros)
        { [1, 32, 13, 13], [352, 16, 3, 3], 2, 2, 1, 1, 1, 1, 2 },  // grouped, odd size: column phases of 7 and 6 (the interleave's tail)
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesTheNaiveLoops(int[] xs, int[] ws, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
        => ConvNaiveReferenceTests.AssertMatchesNaive(xs.Sum() * 5 + ws.Sum(), xs, ws, sh, sw, ph, pw, dh, dw, groups, 1e-11, 5e-4, paramFactor: 20);

    [Fact]
    public void TheConfigurationsReachTheFastPaths()
    {
        // Guards the grid above against heuristic changes that would route it all to one path.
        Assert.Equal(ConvForwardPath.Direct, ConvPlan.For(Geometry([2, 3, 34, 33], [5, 3, 5, 5], 1, 0, 1)).Forward);
        var strided = Geometry([2, 8, 40, 41], [8, 2, 3, 3], 2, 1, 4);
        Assert.Equal((ConvForwardPath.Direct, ConvInputGradPath.Direct), (ConvPlan.For(strided).Forward, ConvPlan.For(strided).InputGrad));
        Assert.Equal(4, new DirectConvPlan(strided).Phases.Length);
        Assert.Equal(ConvForwardPath.WideRowGemm, ConvPlan.For(Geometry([1, 24, 18, 22], [10, 24, 3, 3], (1, 2), 1, 1)).Forward);
        Assert.Equal(ConvForwardPath.Im2ColGemm, ConvPlan.For(Geometry([1, 24, 10, 9], [6, 24, 3, 5], (1, 2), 0, 1)).Forward);
        Assert.True(HwcWeightGrad.Suits(Geometry([2, 66, 23, 27], [66, 33, 3, 3], 1, (1, 2), 2)));
        Assert.False(HwcWeightGrad.Suits(Geometry([2, 20, 24, 30], [12, 10, 3, 3], 1, 1, 2)));   // 10 channels: dot products
        Assert.False(HwcWeightGrad.Suits(Geometry([1, 24, 18, 22], [10, 24, 3, 3], (1, 2), 1, 1)));   // strided: phases
        Assert.True(HwcWeightGrad.Suits(ConvGeometry.Create(Tensor.Zeros([5, 34, 13, 15]), Tensor.Zeros([18, 34, 4, 3]), null, 2, (1, 0), (1, 2), 1)));   // small strided images
        Assert.False(HwcWeightGrad.Suits(Geometry([1, 34, 60, 60], [18, 34, 3, 3], 2, 1, 1)));   // strided, 30×30 > 512 positions: phases
        Assert.Equal(2, new HwcWeightGrad(Geometry([40, 32, 24, 24], [16, 32, 3, 3], 1, 1, 1), maxImages: 3).ImagesPerCall);
        Assert.True(InputGradConv.Suits(Geometry([2, 66, 23, 27], [66, 33, 3, 3], 1, (1, 2), 2)));
        Assert.True(InputGradConv.Suits(ConvGeometry.Create(Tensor.Zeros([1, 35, 30, 31]), Tensor.Zeros([33, 35, 2, 4]), null, 1, (0, 3), (2, 1), 1)));
        Assert.False(InputGradConv.Suits(Geometry([1, 24, 18, 22], [10, 24, 3, 3], (1, 2), 1, 1)));   // strided
        Assert.False(InputGradConv.Suits(Geometry([1, 32, 30, 30], [32, 32, 3, 3], 1, 3, 1)));        // padding beyond the kernel
        Assert.Equal(ConvInputGradPath.Phases, ConvPlan.For(Geometry([2, 32, 14, 14], [48, 32, 4, 4], 2, 1, 1)).InputGrad);
        Assert.Equal(ConvInputGradPath.Phases, ConvPlan.For(Geometry([2, 16, 12, 12], [168, 16, 1, 1], 2, 0, 1)).InputGrad);
        Assert.Equal(ConvInputGradPath.Phases, ConvPlan.For(Geometry([1, 32, 13, 13], [352, 16, 3, 3], 2, 1, 2)).InputGrad);
        Assert.Equal(ConvInputGradPath.GemmCol2Im, ConvPlan.For(Geometry([1, 8, 13, 12], [200, 8, 3, 3], 2, 1, 1)).InputGrad);   // 8 input channels: too few
    }

    [Fact]
    public void AnEmptyBatchGivesAZeroWeightGradientOnTheHwcPath()
    {
        // A first call returns a dirty permuted-gradient buffer to the pool; the empty batch must not add it in.
        var w = Tensor.Randn([16, 32, 3, 3], requiresGrad: true);
        F.Sum(F.Conv2d(Tensor.Randn([1, 32, 8, 8]), w, padding: 1)).Backward();
        Assert.True(HwcWeightGrad.Suits(Geometry([0, 32, 8, 8], [16, 32, 3, 3], 1, 1, 1)));
        w.Grad = null;
        F.Sum(F.Conv2d(Tensor.Zeros([0, 32, 8, 8]), w, padding: 1)).Backward();
        Assert.All(w.Grad!.ToFloatArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void InputGradientAsAConvolutionHandlesAsymmetricPadding()
    {
        // "same" with an even kernel pads (top 1, bottom 2, left 0, right 1): the complementary padding of
        // Note [Input gradient as a convolution] differs per side. Reference: the naive loops on the
        // explicitly padded input, cropped back.
        int[] xs = [2, 32, 24, 25], ws = [32, 32, 4, 2], ps = [2, 32, 27, 26];
        Assert.True(InputGradConv.Suits(ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, 1, "same", 1, 1)));
        var gen = new Generator(3);
        var x64 = Tensor.Randn(xs, DType.Float64, generator: gen);
        var w64 = Tensor.Randn(ws, DType.Float64, generator: gen);
        var padded = F.Pad(x64, [0, 1, 1, 2]).ToDoubleArray();
        var (y, dxPadded, dwRef, _, gy) = NaiveConv.Run(padded, ps, w64.ToDoubleArray(), ws, new double[ws[0]], 1, 1, 0, 0, 1, 1, 1);
        var dxRef = new double[xs.Aggregate(1, (a, b) => a * b)];
        for (int nc = 0; nc < xs[0] * xs[1]; nc++)
            for (int r = 0; r < xs[2]; r++)
                for (int c = 0; c < xs[3]; c++)
                    dxRef[(nc * xs[2] + r) * xs[3] + c] = dxPadded[(nc * ps[2] + r + 1) * ps[3] + c];
        NaiveConv.AssertMatches((x, w, _) => F.Conv2d(x, w, padding: "same"), x64, w64, null, (y, dxRef, dwRef, Array.Empty<double>(), gy), 1e-11, 5e-4, paramFactor: 20);
    }

    /// <summary>
    /// Note [Wide-row convolution] promises the values of the im2col GEMM (padded planes, or phase-split with a
    /// column stride) bit for bit (same FMAs per element, same depth blocks, the bias first): both paths on one
    /// geometry, float32 and float64, with and
    /// without a bias, on one thread and two. The grid: Og not a multiple of MR (a zero-padded weight panel),
    /// K = 576 (two depth blocks), groups, dilation, "same" padding that differs per side,
    /// no padding at all, a batch of one (its columns split over the threads) and a plane stride that would be a
    /// power of two without the rounding (62 + 2 = 64); strides 2×2 (odd and even sizes, a 4×4 kernel in
    /// groups), 3×2 with dilation 2, and a row stride alone. The naive loops check the path's values (grid above).
    /// </summary>
    [Theory]
    [InlineData(new[] { 2, 32, 14, 14 }, new[] { 20, 32, 3, 3 }, 1, 1, 1, 1, 1)]
    [InlineData(new[] { 3, 64, 9, 11 }, new[] { 16, 64, 3, 3 }, 1, 1, 1, 1, 1)]
    [InlineData(new[] { 1, 128, 12, 12 }, new[] { 40, 64, 3, 3 }, 1, 2, 2, 1, 1)]
    [InlineData(new[] { 2, 24, 12, 30 }, new[] { 10, 12, 3, 5 }, 2, 3, 2, 1, 1)]
    [InlineData(new[] { 2, 24, 10, 13 }, new[] { 8, 24, 4, 2 }, 1, -1, 1, 1, 1)]
    [InlineData(new[] { 2, 24, 10, 13 }, new[] { 8, 24, 3, 3 }, 1, 0, 1, 1, 1)]
    [InlineData(new[] { 1, 24, 62, 62 }, new[] { 24, 24, 3, 3 }, 1, 1, 1, 1, 1)]
    [InlineData(new[] { 2, 32, 15, 16 }, new[] { 24, 32, 3, 3 }, 1, 1, 1, 2, 2)]
    [InlineData(new[] { 1, 40, 13, 21 }, new[] { 16, 20, 4, 4 }, 1, 1, 2, 2, 2)]
    [InlineData(new[] { 2, 20, 17, 30 }, new[] { 12, 20, 3, 3 }, 2, 2, 1, 3, 2)]
    [InlineData(new[] { 2, 24, 20, 21 }, new[] { 8, 24, 3, 3 }, 1, 1, 1, 2, 1)]
    public void WideRowsGiveTheIm2ColBits(int[] xs, int[] ws, int dilation, int pad, int groups, int strideH, int strideW)
    {
        var g = ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, (strideH, strideW), pad < 0 ? (Padding)"same" : (Padding)pad, dilation, groups);
        Assert.Equal(ConvForwardPath.WideRowGemm, ConvPlan.For(g).Forward);
        // the im2col GEMM of the same geometry: padded planes with column stride 1, phase-split otherwise
        var im2col = strideW == 1 ? ConvForwardPath.PaddedIm2ColGemm : ConvForwardPath.Im2ColGemm;
        if (strideW == 1) Assert.True(PaddedIm2Col.Suits(g));
        int threads = Threading.NumThreads;
        try
        {
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                foreach (bool bias in new[] { false, true })
                    foreach (int t in new[] { 1, 2 })
                    {
                        Threading.NumThreads = t;
                        var gen = new Generator(xs.Sum() + 7 * ws.Sum());
                        var x = Tensor.Randn(xs, dtype, generator: gen);
                        var w = Tensor.Randn(ws, dtype, generator: gen);
                        var b = bias ? Tensor.Randn([ws[0]], dtype, generator: gen) : null;
                        var yShape = g.OutputShape;
                        if (dtype == DType.Float32) Compare(x.Array<float>(), w.Array<float>(), b?.Array<float>());
                        else Compare(x.Array<double>(), w.Array<double>(), b?.Array<double>());

                        void Compare<T>(T[] xa, T[] wa, T[]? ba) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
                        {
                            var expected = new T[yShape.Aggregate(1, (p, d) => p * d)];
                            var actual = new T[expected.Length];
                            actual.AsSpan().Fill(T.NaN);   // every element must be written
                            ConvKernels.Forward(im2col, g, xa, wa, ba, expected);
                            ConvKernels.Forward(ConvForwardPath.WideRowGemm, g, xa, wa, ba, actual);
                            for (int i = 0; i < expected.Length; i++)
                                if (!expected[i].Equals(actual[i]))
                                    Assert.Fail($"{dtype} bias={bias} threads={t}: element {i} is {actual[i]} on the wide rows, {expected[i]} through {im2col}");
                        }
                    }
        }
        finally { Threading.NumThreads = threads; }
    }

    /// <summary>
    /// Note [Offset GEMM] on the weight gradient: with Cg a multiple of NR the HWC columns are read in place,
    /// promised bit for bit equal to the packing GEMM. Both on one geometry, float32 and float64, one and two
    /// threads, a first call and an accumulating one: Og = 20 (a ragged row panel), 64 channels (two panels per
    /// tap), padding 2 and dilation 2, several images per call (14×14 → 6) and a stride of 2 on small images, and a
    /// depth of 3200 (two depth stripes, split by rows on two threads).
    /// </summary>
    [Theory]
    [InlineData(new[] { 7, 32, 14, 14 }, new[] { 20, 32, 3, 3 }, 1, 1, 1)]
    [InlineData(new[] { 2, 64, 9, 10 }, new[] { 16, 64, 3, 3 }, 1, 2, 2)]
    [InlineData(new[] { 3, 64, 12, 12 }, new[] { 24, 64, 3, 3 }, 2, 1, 1)]
    [InlineData(new[] { 2, 32, 40, 40 }, new[] { 20, 32, 3, 3 }, 1, 1, 1)]   // depth 3200: stripes, items by rows (Note [Depth stripes])
    public unsafe void InPlaceHwcColumnsGiveThePackedGemmBits(int[] xs, int[] ws, int stride, int pad, int dilation)
    {
        var g = ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, stride, pad, dilation, 1);
        Assert.True(HwcWeightGrad.Suits(g));
        var hwc = new HwcWeightGrad(g, g.N);
        int threads = Threading.NumThreads;
        try
        {
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                foreach (int t in new[] { 1, 2 })
                {
                    Threading.NumThreads = t;
                    var gen = new Generator(xs.Sum() + 3 * ws.Sum());
                    var x = Tensor.Randn(xs, dtype, generator: gen);
                    var dy = Tensor.Randn(g.OutputShape, dtype, generator: gen);
                    if (dtype == DType.Float32) Compare(x.Array<float>(), dy.Array<float>());
                    else Compare(x.Array<double>(), dy.Array<double>());

                    void Compare<T>(T[] xa, T[] dya) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
                    {
                        var packed = Run<T>(xa, dya, pack: true);
                        var inPlace = Run<T>(xa, dya, pack: false);
                        for (int i = 0; i < packed.Length; i++)
                            if (!packed[i].Equals(inPlace[i]))
                                Assert.Fail($"{dtype} threads={t}: dW' element {i} is {inPlace[i]} in place, {packed[i]} packed");
                    }
                }
        }
        finally { Threading.NumThreads = threads; }

        T[] Run<T>(T[] xa, T[] dya, bool pack) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var xh = new T[hwc.BufferLength];
            var dw = new T[g.OutC * g.K];
            int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P;
            fixed (T* xp = xa, dyp = dya, hp = xh, dwp = dw)
                for (int n = 0; n < g.N; n += hwc.ImagesPerCall)   // the first call overwrites, the others accumulate
                    hwc.Accumulate(xp + n * xImage, xImage, dyp + n * yImage, yImage, Math.Min(hwc.ImagesPerCall, g.N - n), hp, dwp, n > 0, pack);
            return dw;
        }
    }

    [Fact]
    public void ZeroInputChannelsOnTheWideRowsGiveTheBias()
    {
        // An empty depth (K = 0): every output is the bias, or zero without one (a sum over no taps). The wide-row
        // GEMM divided by zero here before it handled K = 0 itself.
        var x = Tensor.Zeros([2, 0, 8, 8]);
        var w = Tensor.Zeros([20, 0, 3, 3]);
        var b = Tensor.From(Enumerable.Range(1, 20).Select(i => (float)i).ToArray(), [20]);
        foreach (int stride in new[] { 1, 2 })
        {
            Assert.Equal(ConvForwardPath.WideRowGemm, ConvPlan.For(ConvGeometry.Create(x, w, null, stride, 1, 1, 1)).Forward);
            var y = F.Conv2d(x, w, b, stride, 1).ToFloatArray();
            int plane = y.Length / 40;
            for (int i = 0; i < y.Length; i++) Assert.Equal(i / plane % 20 + 1, y[i]);
            Assert.All(F.Conv2d(x, w, null, stride, 1).ToFloatArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void WideRowsAreOnlyTakenWithFewDiscardedColumns()
    {
        // 14×14 with padding 1: rows of 16, 2 discarded (12.5 %) → wide rows. 5×5 with padding 1: rows of 7, 2
        // discarded (29 %) → padded im2col. Stride 2 on 56×56 with padding 1: phase rows of 29, 1 discarded →
        // wide rows; a 5-wide kernel at column stride 2 on 9 columns: phase rows of 5, 2 discarded → phase-split im2col.
        Assert.True(WideRowConv.Suits(Geometry([1, 32, 14, 14], [8, 32, 3, 3], 1, 1, 1)));
        Assert.False(WideRowConv.Suits(Geometry([1, 32, 5, 5], [8, 32, 3, 3], 1, 1, 1)));
        Assert.Equal(ConvForwardPath.PaddedIm2ColGemm, ConvPlan.For(Geometry([1, 32, 5, 5], [8, 32, 3, 3], 1, 1, 1)).Forward);
        Assert.Equal(ConvForwardPath.WideRowGemm, ConvPlan.For(Geometry([1, 32, 56, 56], [64, 32, 3, 3], 2, 1, 1)).Forward);
        Assert.Equal(ConvForwardPath.Im2ColGemm, ConvPlan.For(Geometry([1, 24, 10, 9], [6, 24, 3, 5], (1, 2), 0, 1)).Forward);
    }

    private static ConvGeometry Geometry(int[] xs, int[] ws, Pair stride, Pair pad, int groups) =>
        ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, stride, pad, 1, groups);
}
