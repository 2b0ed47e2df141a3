using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

public class SpanMathTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(56)]
    [InlineData(100)]
    public void AddInPlaceMatchesScalarLoopAtEveryLength(int n)
    {
        var rng = new Random(n);
        var a = Enumerable.Range(0, n + 2).Select(_ => rng.NextDouble()).ToArray();
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var want = (double[])a.Clone();
        for (int i = 0; i < n; i++) want[i + 1] += b[i];
        SpanMath.AddInPlace(a.AsSpan(1, n), b);   // offset start: unaligned, and the neighbours must stay untouched
        Assert.Equal(want, a);
        var f = a.Select(v => (float)v).ToArray();
        var wf = f.Select((v, i) => i >= 1 && i <= n ? v * (float)b[i - 1] : v).ToArray();
        SpanMath.Binary<float, MulVec<float>>(f.AsSpan(1, n), b.Select(v => (float)v).ToArray(), f.AsSpan(1, n));
        Assert.Equal(wf, f);
    }

    [Fact]
    public void LengthMismatchThrows()
    {
        Assert.Throws<ArgumentException>(() => SpanMath.AddInPlace<float>(new float[3], new float[4]));
    }
}
