namespace Autograd.Tests;

/// <summary>
/// conv2d against a direct seven-loop implementation (cs231n's conv_forward_naive / conv_backward_naive
/// from seed 001, extended with dilation and groups): random configurations, both dtypes, and batches
/// large enough to take the parallel path.
/// </summary>
public class ConvNaiveReferenceTests
{
    public static TheoryData<int[], int[], int, int, int, int, int, int, int> Configs => new()
    {
        // x shape, w shape, sH, sW, pH, pW, dH, dW, groups
        { [3, 4, 9, 7], [6, 2, 3, 3], 2, 1, 1, 2, 1, 2, 2 },
        { [2, 3, 6, 11], [3, 1, 2, 5], 1, 3, 0, 1, 2, 1, 3 },
        { [1, 5, 8, 8], [2, 5, 1, 1], 2, 2, 0, 0, 1, 1, 1 },
        { [4, 2, 5, 5], [4, 2, 4, 4], 3, 3, 3, 3, 1, 1, 1 },
        // Big enough (≥ 2^20 multiply-adds) for the batch to be split into parallel chunks.
        { [8, 8, 16, 16], [16, 8, 3, 3], 1, 1, 1, 1, 1, 1, 1 },
        { [6, 16, 12, 10], [32, 4, 3, 2], 1, 1, 2, 0, 2, 1, 4 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesDirectLoopsInBothDTypes(int[] xs, int[] ws, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
        => AssertMatchesNaive(xs.Sum() * 7 + ws.Sum(), xs, ws, sh, sw, ph, pw, dh, dw, groups, 1e-12, 2e-4);

    /// <summary>
    /// F.Conv2d (forward, input, weight and bias gradients) against <see cref="Naive"/> on seeded random
    /// inputs, in float64 (tolerance <paramref name="tol64"/>) and float32 (<paramref name="tol32"/>);
    /// parameter gradients get <paramref name="paramFactor"/> times the tolerance (longer sums).
    /// Returns the naive weight gradient. Shared by every test that holds a conv path to the loops.
    /// </summary>
    public static double[] AssertMatchesNaive(int seed, int[] xs, int[] ws, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
        double tol64, double tol32, double paramFactor = 10)
    {
        var gen = new Generator(seed);
        var x64 = Tensor.Randn(xs, DType.Float64, generator: gen);
        var w64 = Tensor.Randn(ws, DType.Float64, generator: gen);
        var b64 = Tensor.Randn([ws[0]], DType.Float64, generator: gen);
        var (y, dxRef, dwRef, dbRef, gy) = Naive(x64.ToDoubleArray(), xs, w64.ToDoubleArray(), ws, b64.ToDoubleArray(), sh, sw, ph, pw, dh, dw, groups);
        foreach (var (dtype, tol) in new[] { (DType.Float64, tol64), (DType.Float32, tol32) })
        {
            var x = x64.To(dtype).Detach().RequiresGrad_();
            var w = w64.To(dtype).Detach().RequiresGrad_();
            var b = b64.To(dtype).Detach().RequiresGrad_();
            var outp = F.Conv2d(x, w, b, (sh, sw), (ph, pw), (dh, dw), groups);
            ConvTorchTests.AssertClose(y, outp.ToDoubleArray(), tol, $"{dtype} output");
            outp.Backward(Tensor.From(gy, outp.Shape).To(dtype));
            ConvTorchTests.AssertClose(dxRef, x.Grad!.ToDoubleArray(), tol, $"{dtype} input grad");
            ConvTorchTests.AssertClose(dwRef, w.Grad!.ToDoubleArray(), tol * paramFactor, $"{dtype} weight grad");
            ConvTorchTests.AssertClose(dbRef, b.Grad!.ToDoubleArray(), tol * paramFactor, $"{dtype} bias grad");
        }
        return dwRef;
    }

    [Fact]
    public void ParallelBatchGivesBitIdenticalResultsForAnyThreadCount()
    {
        // Note [conv2d batch chunks]: the chunking depends on shapes only, so runs on 1, 2 or all threads
        // (scheduled differently each time) must agree bit for bit, weight gradient included.
        var gen = new Generator(42);
        var x = Tensor.Randn([16, 8, 12, 12], DType.Float32, requiresGrad: true, generator: gen);
        var w = Tensor.Randn([16, 8, 3, 3], DType.Float32, requiresGrad: true, generator: gen);
        float[]? first = null, firstDx = null;
        int saved = Threading.NumThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, Environment.ProcessorCount, 1 })
            {
                Threading.NumThreads = threads;
                w.ZeroGrad(); x.ZeroGrad();
                var y = F.Conv2d(x, w, padding: 1);
                (y * y).Sum().Backward();
                if (first is null) { first = w.Grad!.ToFloatArray(); firstDx = x.Grad!.ToFloatArray(); continue; }
                Assert.Equal(first, w.Grad!.ToFloatArray());
                Assert.Equal(firstDx, x.Grad!.ToFloatArray());
            }
        }
        finally { Threading.NumThreads = saved; }
    }

    /// <summary>Direct loops; the upstream gradient is fixed, so backward gives dX, dW, db of sum(y·gy).</summary>
    internal static (double[] Y, double[] DX, double[] DW, double[] DB, double[] GY) Naive(double[] x, int[] xs, double[] w, int[] ws, double[] b,
        int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], oc = ws[0], cg = ws[1], kh = ws[2], kw = ws[3], og = oc / groups;
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (wd + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        var y = new double[n * oc * oh * ow];
        var gy = new double[y.Length];
        for (int i = 0; i < gy.Length; i++) gy[i] = Math.Sin(0.37 * i) + 0.25;
        double[] dx = new double[x.Length], dwt = new double[w.Length], db = new double[oc];
        for (int ni = 0; ni < n; ni++)
            for (int o = 0; o < oc; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int yi = ((ni * oc + o) * oh + oy) * ow + ox;
                        double acc = b[o];
                        db[o] += gy[yi];
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int iy = oy * sh + i * dh - ph, ix = ox * sw + j * dw - pw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    int xi = ((ni * c + o / og * cg + ci) * h + iy) * wd + ix, wi = ((o * cg + ci) * kh + i) * kw + j;
                                    acc += x[xi] * w[wi];
                                    dx[xi] += gy[yi] * w[wi];
                                    dwt[wi] += gy[yi] * x[xi];
                                }
                        y[yi] = acc;
                    }
        return (y, dx, dwt, db, gy);
    }
}
