using Autograd.Oracle;

namespace Autograd.Tests.Oracle;

/// <summary>
/// Note [max_pool2d padding-only windows]: configurations whose dilated window covers only padding
/// corrupt libtorch 1.13's heap, so the binding (and, behind it, the shim) refuses them. These
/// tests pin that the guard finds exactly those windows and that nothing reaches libtorch.
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
    public void BindingRefusesItWithoutCallingLibtorch()
    {
        OracleFixture.RequireOracle();
        using var x = TorchTensor.From(new double[4], [1, 1, 2, 2], requiresGrad: true);
        var e = Assert.Throws<OracleGuardException>(() => Torch.MaxPool2dWithIndices(x, 2, 2, 1, 3));
        Assert.Contains("covering only padding", e.Message);
        Assert.Throws<OracleGuardException>(() => Torch.MaxPool2d(x, 2, 2, 1, 3));
    }

    [Fact]
    public unsafe void ShimRefusesItTooWhenTheBindingIsBypassed()
    {
        OracleFixture.RequireOracle();
        using var x = TorchTensor.From(new double[4], [1, 1, 2, 2], requiresGrad: true);
        long[] k = [2, 2], s = [2, 2], p = [1, 1], d = [3, 3];
        nint output = 0, indices = 0;
        int rc;
        fixed (long* kp = k) fixed (long* sp = s) fixed (long* pp = p) fixed (long* dp = d)
            rc = Native.ag_max_pool2d(x.Ptr, kp, 2, sp, 2, pp, 2, dp, 2, 0, &output, &indices);
        Assert.Equal(-1, rc);
        Assert.Equal(0, output);
        Assert.StartsWith("oracle guard:", System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Native.ag_last_error()));
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
                                var (_, idx) = F.MaxPool2dWithIndices(x, (k, 1), (s, 1), (p, 0), (d, 1), ceil);
                                bool guard = MaxPoolGuard.HasPaddingOnlyWindow([1, h, 1], (k, 1), (s, 1), (p, 0), (d, 1), ceil);
                                Assert.True(guard == idx.Contains(-1), $"h {h} k {k} s {s} p {p} d {d} ceil {ceil}: guard {guard}, our indices [{string.Join(", ", idx)}]");
                                tripped += guard ? 1 : 0;
                                checkedConfigs++;
                            }
        Assert.True(tripped > 10 && checkedConfigs > 300, $"{tripped} of {checkedConfigs}");
    }
}
