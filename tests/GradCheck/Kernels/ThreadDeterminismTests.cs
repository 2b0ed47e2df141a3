using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

/// <summary>Tests that change Threading.NumThreads run alone, so no other test sees the setting flip.</summary>
[CollectionDefinition("Threading", DisableParallelization = true)]
public class ThreadingCollection;

/// <summary>Note [Deterministic parallelism]: 1 and 2 threads must give bit-identical results.</summary>
[Collection("Threading")]
public class ThreadDeterminismTests
{
    /// <summary>Runs <paramref name="f"/> with 1 and then 2 threads and returns both results.</summary>
    internal static (T One, T Two) WithOneAndTwoThreads<T>(Func<T> f)
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 1;
            var one = f();
            Threading.NumThreads = 2;
            var two = f();
            return (one, two);
        }
        finally { Threading.NumThreads = saved; }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void GemmIsBitIdenticalWithOneAndTwoThreads(bool ta, bool tb)
    {
        const int m = 250, n = 300, k = 520;   // several tiles, two depth blocks, ragged edges
        var rng = new Random(5);
        var a = GemmTests.Random<float>(rng, m * k);
        var b = GemmTests.Random<float>(rng, k * n);
        var c0 = GemmTests.Random<float>(rng, m * n);
        var (one, two) = WithOneAndTwoThreads(() =>
        {
            var c = (float[])c0.Clone();
            Gemm.Run<float>(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, c, n, accumulate: true);
            return c;
        });
        AssertBitIdentical(one, two);
    }

    /// <summary>Equal bit patterns (float.Equals would call 0 and -0 equal).</summary>
    internal static void AssertBitIdentical(float[] one, float[] two)
    {
        Assert.Equal(one.Length, two.Length);
        var a = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(one);
        var b = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(two);
        for (int i = 0; i < a.Length; i++)
            Assert.True(a[i] == b[i], $"element {i}: {one[i]:R} with 1 thread, {two[i]:R} with 2");
    }

    [Fact]
    public void NumThreadsRejectsZero()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Threading.NumThreads = 0);
        Assert.Contains("set_num_threads", ex.Message);
    }

    [Fact]
    public void ParallelismRunsEveryItemExactlyOnce()
    {
        var (one, two) = WithOneAndTwoThreads(() =>
        {
            var hits = new int[1000];
            Parallelism.For(hits.Length, long.MaxValue, i => Interlocked.Increment(ref hits[i]));
            return hits;
        });
        Assert.All(one, h => Assert.Equal(1, h));
        Assert.All(two, h => Assert.Equal(1, h));
    }
}

[Collection("Threading")]
public class NestedParallelismTests
{
    [Fact]
    public void LoopsInsideAParallelLoopRunInlineOnTheirWorker()
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 2;
            var innerThreads = new int[8][];
            Parallelism.For(8, long.MaxValue, i =>
            {
                Assert.True(Parallelism.InParallelLoop);
                int me = Environment.CurrentManagedThreadId;
                var seen = new int[16];
                Parallelism.For(16, long.MaxValue, k => seen[k] = Environment.CurrentManagedThreadId);
                innerThreads[i] = seen.Where(t => t != me).ToArray();
            });
            Assert.False(Parallelism.InParallelLoop);
            Assert.All(innerThreads, others => Assert.Empty(others));
        }
        finally { Threading.NumThreads = saved; }
    }
}

[Collection("Threading")]
public class ReductionDeterminismTests
{
    [Fact]
    public void BlockedSumIsBitIdenticalWithOneAndTwoThreadsAndAccurate()
    {
        var rng = new Random(9);
        var x = new float[(1 << 20) + 12345];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var (one, two) = ThreadDeterminismTests.WithOneAndTwoThreads(() => Reduce.Sum(x));
        Assert.Equal(BitConverter.SingleToInt32Bits(one), BitConverter.SingleToInt32Bits(two));
        double exact = x.Sum(v => (double)v);
        double magnitude = x.Sum(v => Math.Abs((double)v));
        Assert.True(Math.Abs(one - exact) < 1e-7 * magnitude, $"{one} vs {exact}");   // ~ float eps × Σ|x| / 1.2
        var (m1, m2) = ThreadDeterminismTests.WithOneAndTwoThreads(() =>
        {
            var t = Tensor.From(x, requiresGrad: true);
            F.Mean(t).Backward();
            return (F.Mean(Tensor.From(x)).Item(), t.Grad!.ToFloatArray());
        });
        Assert.Equal(m1.Item1, m2.Item1);
        ThreadDeterminismTests.AssertBitIdentical(m1.Item2, m2.Item2);
        Assert.All(m1.Item2, v => Assert.Equal(1f / x.Length, v));
    }
}

[Collection("Threading")]
public class ConvFastPathDeterminismTests
{
    [Theory]
    [InlineData(new[] { 8, 3, 34, 34 }, new[] { 16, 3, 5, 5 }, 1, 0, 1)]     // direct forward and input gradient, batched dW
    [InlineData(new[] { 8, 16, 40, 40 }, new[] { 16, 4, 3, 3 }, 2, 1, 4)]    // strided: phase planes, per-phase dX
    [InlineData(new[] { 4, 32, 30, 30 }, new[] { 32, 32, 3, 3 }, 1, 1, 1)]   // implicit im2col GEMM, HWC weight gradient, dX as a convolution
    [InlineData(new[] { 20, 32, 12, 12 }, new[] { 16, 32, 3, 3 }, 1, 1, 1)]  // HWC weight gradient; 16 chunks, some of two images per GEMM call
    [InlineData(new[] { 4, 8, 30, 30 }, new[] { 32, 8, 3, 3 }, 1, 1, 1)]     // dot-product weight gradient, col2im blocks (8 channels)
    public void ConvolutionIsBitIdenticalWithOneAndTwoThreads(int[] xs, int[] ws, int stride, int pad, int groups)
    {
        var gen = new Generator(11);
        var x0 = Tensor.Randn(xs, generator: gen);
        var w0 = Tensor.Randn(ws, generator: gen);
        var b0 = Tensor.Randn([ws[0]], generator: gen);
        var (one, two) = ThreadDeterminismTests.WithOneAndTwoThreads(() =>
        {
            var x = x0.CloneData().RequiresGrad_();
            var w = w0.CloneData().RequiresGrad_();
            var b = b0.CloneData().RequiresGrad_();
            var y = F.Conv2d(x, w, b, stride: stride, padding: pad, groups: groups);
            F.Sum(y * y).Backward();
            return (y.ToFloatArray(), x.Grad!.ToFloatArray(), w.Grad!.ToFloatArray(), b.Grad!.ToFloatArray());
        });
        ThreadDeterminismTests.AssertBitIdentical(one.Item1, two.Item1);
        ThreadDeterminismTests.AssertBitIdentical(one.Item2, two.Item2);
        ThreadDeterminismTests.AssertBitIdentical(one.Item3, two.Item3);
        ThreadDeterminismTests.AssertBitIdentical(one.Item4, two.Item4);   // the bias gradient's channels run on either thread
    }
}
