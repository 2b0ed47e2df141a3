namespace Autograd.Tests.Kernels;

/// <summary>
/// conv2d's fast paths against the seven-loop reference of ConvNaiveReferenceTests: the direct
/// kernel (few taps, wide rows: Note [Direct convolution]) including strided phase splits and the
/// per-phase input gradient, and the implicit-im2col GEMM and dot-product weight gradient (many taps).
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
        { [1, 24, 18, 22], [10, 24, 3, 3], 1, 2, 1, 1, 2, 1, 1 },   // K = 216: implicit im2col GEMM, strided
        { [1, 64, 9, 60], [24, 64, 3, 3], 1, 1, 1, 1, 1, 1, 1 },    // K = 576, wide rows: col2im in row blocks (Note [col2im blocks])
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesTheNaiveLoops(int[] xs, int[] ws, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        var gen = new Generator(xs.Sum() * 5 + ws.Sum());
        var x64 = Tensor.Randn(xs, DType.Float64, generator: gen);
        var w64 = Tensor.Randn(ws, DType.Float64, generator: gen);
        var b64 = Tensor.Randn([ws[0]], DType.Float64, generator: gen);
        var (y, dxRef, dwRef, dbRef, gy) = ConvNaiveReferenceTests.Naive(x64.ToDoubleArray(), xs, w64.ToDoubleArray(), ws, b64.ToDoubleArray(), sh, sw, ph, pw, dh, dw, groups);
        foreach (var (dtype, tol) in new[] { (DType.Float64, 1e-11), (DType.Float32, 5e-4) })
        {
            var x = x64.To(dtype).Detach().RequiresGrad_();
            var w = w64.To(dtype).Detach().RequiresGrad_();
            var b = b64.To(dtype).Detach().RequiresGrad_();
            var outp = F.Conv2d(x, w, b, (sh, sw), (ph, pw), (dh, dw), groups);
            ConvTorchTests.AssertClose(y, outp.ToDoubleArray(), tol, $"{dtype} output");
            outp.Backward(Tensor.From(gy, outp.Shape).To(dtype));
            ConvTorchTests.AssertClose(dxRef, x.Grad!.ToDoubleArray(), tol, $"{dtype} input grad");
            ConvTorchTests.AssertClose(dwRef, w.Grad!.ToDoubleArray(), tol * 20, $"{dtype} weight grad");
            ConvTorchTests.AssertClose(dbRef, b.Grad!.ToDoubleArray(), tol * 20, $"{dtype} bias grad");
        }
    }

    [Fact]
    public void TheConfigurationsReachTheFastPaths()
    {
        // Guards the grid above against heuristic changes that would route it all to one path.
        var direct = new DirectConvPlan(Geometry([2, 3, 34, 33], [5, 3, 5, 5], 1, 0, 1), true, true);
        Assert.True(direct.Forward);
        var strided = new DirectConvPlan(Geometry([2, 8, 40, 41], [8, 2, 3, 3], 2, 1, 4), true, true);
        Assert.True(strided.Forward && strided.InputGradient);
        Assert.Equal(4, strided.Phases.Length);
        var gemm = new DirectConvPlan(Geometry([1, 24, 18, 22], [10, 24, 3, 3], (1, 2), 1, 1), true, true);
        Assert.False(gemm.Forward);
    }

    private static ConvGeometry Geometry(int[] xs, int[] ws, Pair stride, Pair pad, int groups) =>
        ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, stride, pad, 1, groups);
}
