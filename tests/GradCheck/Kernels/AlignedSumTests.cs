using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

/// <summary>
/// Note [Aligned loads for sums]: the block sum rebuilds unaligned vectors from aligned lines, so its value depends on
/// the values and the length only, never on where the span starts; and it is the sum (against a float64 reference).
/// </summary>
public class AlignedSumTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(65536)]
    public void Float32SumIsTheSameAtEveryOffsetAndIsTheSum(int n)
    {
        var rng = new Random(n);
        float[] values = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var buffer = new float[n + 32];
        float? first = null;
        for (int offset = 0; offset < 32; offset++)   // every position within two 64-byte lines
        {
            Array.Clear(buffer);
            Array.Fill(buffer, float.NaN);   // neighbours that must not be read into the sum
            values.CopyTo(buffer, offset);
            float s = Reduce.BlockSum<float>(buffer.AsSpan(offset, n));
            first ??= s;
            Assert.Equal(first.Value, s);
        }
        double reference = values.Sum(v => (double)v);
        Assert.True(Math.Abs(first!.Value - reference) <= 1e-6 * n + 1e-7, $"{first} vs {reference}");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(1001)]
    [InlineData(65536)]
    public void Float64SumIsTheSameAtEveryOffsetAndIsTheSum(int n)
    {
        var rng = new Random(n + 1);
        double[] values = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var buffer = new double[n + 16];
        double? first = null;
        for (int offset = 0; offset < 16; offset++)
        {
            Array.Fill(buffer, double.NaN);
            values.CopyTo(buffer, offset);
            double s = Reduce.BlockSum<double>(buffer.AsSpan(offset, n));
            first ??= s;
            Assert.Equal(first.Value, s);
        }
        decimal exact = values.Aggregate(0m, (acc, v) => acc + (decimal)v);
        Assert.True(Math.Abs(first!.Value - (double)exact) <= 1e-13 * n + 1e-15, $"{first} vs {exact}");
    }
}
