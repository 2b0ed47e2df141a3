namespace Autograd.Tests.Ops.Conv2d;

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
    /// F.Conv2d (forward, input, weight and bias gradients) against <see cref="NaiveConv.Run"/> on seeded random
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
        var (y, dxRef, dwRef, dbRef, gy) = NaiveConv.Run(x64.ToDoubleArray(), xs, w64.ToDoubleArray(), ws, b64.ToDoubleArray(), sh, sw, ph, pw, dh, dw, groups);
        NaiveConv.AssertMatches((x, w, b) => F.Conv2d(x, w, b, (sh, sw), (ph, pw), (dh, dw), groups), x64, w64, b64,
            (y, dxRef, dwRef, dbRef, gy), tol64, tol32, paramFactor);
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
}
