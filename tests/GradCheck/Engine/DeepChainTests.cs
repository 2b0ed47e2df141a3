using System.Diagnostics;

namespace Autograd.Tests.Engine;

/// <summary>Runs alone (not beside other test classes), so its time limit measures the engine, not the neighbours.</summary>
[CollectionDefinition(nameof(DeepChainCollection), DisableParallelization = true)]
public class DeepChainCollection;

[Collection(nameof(DeepChainCollection))]
public class DeepChainTests
{
    [Fact]
    public void AMillionOpChainBackwardsWithoutRecursion()
    {
        const int n = 1_000_000;
        const double c = 1.0000001;
        var sw = Stopwatch.StartNew();
        var x = Tensor.Scalar(1, DType.Float64, requiresGrad: true);
        var y = x;
        for (int i = 0; i < n; i++) y = y * c;
        y.Backward();
        sw.Stop();
        // Forward and backward multiply by c a million times in the same order, so both equal c^n
        // computed by the same repeated product (≈ e^0.1).
        double expected = 1;
        for (int i = 0; i < n; i++) expected *= c;
        Assert.Equal(expected, y.Item());
        Assert.Equal(expected, x.Grad!.Item());
        Assert.Equal(Math.Exp(0.1), expected, 5);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"a 1,000,000-op chain took {sw.Elapsed.TotalSeconds:F1} s");
    }
}
