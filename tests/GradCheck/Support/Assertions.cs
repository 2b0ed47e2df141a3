namespace Autograd.Tests;

internal static partial class TestData
{
    /// <summary>
    /// The suite's one closeness check: |expected − actual| ≤ tol · max(1, |expected|) elementwise; NaN matches
    /// only NaN and an infinity only itself. <paramref name="what"/> names the tensor in the failure message.
    /// </summary>
    public static void AssertClose(double[] expected, double[] actual, double tol = 1e-12, string what = "element")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) ? double.IsNaN(a) : e == a) continue;
            if (double.IsFinite(e) && Math.Abs(e - a) <= tol * Math.Max(1, Math.Abs(e))) continue;   // false for a NaN actual
            Assert.Fail($"{what}[{i}]: expected {e:R}, got {a:R} (tolerance {tol})");
        }
    }

    /// <inheritdoc cref="AssertClose(double[], double[], double, string)"/>
    public static void AssertClose(double[] expected, Tensor actual, double tol = 1e-12, string what = "element")
        => AssertClose(expected, actual.ToDoubleArray(), tol, what);
}
