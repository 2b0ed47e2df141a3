using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// Configurations whose dilated window covers only padding make libtorch's backward write outside the
/// plane (Note [Window of padding only]), so the engine refuses them. These tests pin that the
/// guard finds exactly those windows, that nothing reaches libtorch, and why the guard is still needed.
/// </summary>
[Collection(OracleCollection.Name)]
public class MaxPoolGuardTests
{
    [Fact]
    public void GuardFlagsTheKnownCrashingConfiguration()
    {
        // H = W = 2, kernel 2, dilation 3, padding 1: the only window reads rows/cols -1 and 2.
        Assert.True(MaxPoolGuard.HasPaddingOnlyWindow([1, 1, 2, 2], 2, 2, 1, 3, false));
        Assert.False(MaxPoolGuard.HasPaddingOnlyWindow([1, 1, 4, 4], 2, 2, 1, 3, false));
        Assert.False(MaxPoolGuard.HasPaddingOnlyWindow([1, 1, 2, 2], 2, 2, 1, 1, false));
        // arguments libtorch rejects itself are left to libtorch
        Assert.False(MaxPoolGuard.HasPaddingOnlyWindow([1, 1, 2, 2], 2, 0, 1, 3, false));
        Assert.False(MaxPoolGuard.HasPaddingOnlyWindow([1, 1, 2, 2], 2, 2, 2, 3, false));
        // ... in either dim, even when the other dim alone would trip the guard (an AUTOGRAD_SWEEP finding)
        Assert.True(MaxPoolGuard.HasPaddingOnlyWindow([2, 2, 8], (2, 3), (1, 2), 1, (3, 2), true));
        Assert.False(MaxPoolGuard.HasPaddingOnlyWindow([2, 2, 8], (2, 3), (1, -2), 1, (3, 2), true));
        Assert.False(MaxPoolGuard.HasPaddingOnlyWindow([2, 2, 8], (2, 3), (1, 2), (1, 2), (3, 2), true));
        Assert.False(MaxPoolGuard.HasPaddingOnlyWindow([2, 0, 2, 2], 2, 2, 1, 3, false));   // zero channels
    }

    [Fact]
    public void EngineRefusesItWithoutCallingLibtorch()
    {
        OracleFixture.RequireOracle();
        using var torch = new TorchSharpBackend();
        var x = torch.From(new double[4], [1, 1, 2, 2], DType.Float64, requiresGrad: true);
        var e = Assert.Throws<OracleGuardException>(() => torch.MaxPool2dWithIndices(x, 2, 2, 1, 3));
        Assert.Contains("covering only padding", e.Message);
        Assert.False(e.LibtorchRejects);
        Assert.Throws<OracleGuardException>(() => torch.MaxPool2d(x, 2, 2, 1, 3));
    }

    /// <summary>
    /// Why the guard stays with libtorch 2.10: its forward (safe to run) still records, for the window of
    /// padding only, an index outside the 2×2 plane, which its backward would scatter through. When a
    /// libtorch release records −1 (or rejects the configuration) this fails, and the guard can go.
    /// </summary>
    [Fact]
    public void Libtorch210StillRecordsAnIndexOutsideThePlaneForAPaddingOnlyWindow()
    {
        OracleFixture.RequireOracle();
        using var x = global::TorchSharp.torch.zeros([1, 1, 2, 2], global::TorchSharp.torch.ScalarType.Float64);
        var (output, indices) = global::TorchSharp.torch.nn.functional.max_pool2d_with_indices(x, [2, 2], [2, 2], [1, 1], [3, 3]);
        using (output) using (indices)
        {
            Assert.Equal(double.NegativeInfinity, output.data<double>()[0]);
            long index = indices.data<long>()[0];
            Assert.True(index is < 0 or >= 4, $"libtorch now records index {index}, inside the plane");
            Assert.NotEqual(-1, index);   // 1.13 recorded -1; 2.10 records the first clipped position (6)
        }
    }

    /// <summary>Over every small configuration, the guard trips exactly where our max_pool2d reports a padding-only window (index −1).</summary>
    [Fact]
    public void GuardMatchesOurPaddingOnlyWindowsOnEverySmallConfiguration()
    {
        int tripped = 0, checkedConfigs = 0;
        for (int h = 1; h <= 5; h++)
            for (int k = 1; k <= 3; k++)
                for (int s = 1; s <= 3; s++)
                    for (int p = 0; p <= k / 2; p++)
                        for (int d = 1; d <= 4; d++)
                            foreach (var ceil in new[] { false, true })
                            {
                                long outH = MaxPoolGuard.OutputSize(h, k, p, s, d, ceil);
                                if (outH < 1) continue;
                                var x = Tensor.Zeros([1, h, 1]);
                                var idx = F.MaxPool2dWithIndices(x, (k, 1), (s, 1), (p, 0), (d, 1), ceil).Indices.ToArray<int>();
                                bool guard = MaxPoolGuard.HasPaddingOnlyWindow([1, h, 1], (k, 1), (s, 1), (p, 0), (d, 1), ceil);
                                Assert.True(guard == idx.Contains(-1), $"h {h} k {k} s {s} p {p} d {d} ceil {ceil}: guard {guard}, our indices [{string.Join(", ", idx)}]");
                                tripped += guard ? 1 : 0;
                                checkedConfigs++;
                            }
        Assert.True(tripped > 10 && checkedConfigs > 300, $"{tripped} of {checkedConfigs}");
    }
}
