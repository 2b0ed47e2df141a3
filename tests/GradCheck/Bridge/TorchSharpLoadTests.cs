using System.Runtime.InteropServices;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Bridge;

/// <summary>
/// TorchSharp loads in this test process (the build's libstdc++ fix, Note [libstdc++ version need]) and
/// computes libtorch 2.10's results; when it cannot load, the failure is one line with the fix.
/// </summary>
[Collection(OracleCollection.Name)]
public class TorchSharpLoadTests
{
    [Fact]
    public void TorchSharpRunsLibtorch210AndComputesMaxPoolGradients()
    {
        TorchSharpLibrary.EnsureLoaded();
        Assert.Equal("2.10.0", TorchSharpLibrary.LibTorchVersion);
        // 4×4 input, 2×2 windows: each window's maximum gets the upstream 1, every other cell 0.
        using var x = TorchApi.tensor(new double[] { 1, 2, 0, 0, 3, 4, 0, 5, 0, 0, 9, 0, 7, 0, 0, 8 }, [1, 1, 4, 4], requires_grad: true);
        using var y = TorchApi.nn.functional.max_pool2d(x, [2, 2]);
        Assert.Equal([4.0, 5, 7, 9], TorchConversions.ReadDoubles(y));
        using var s = y.sum();
        s.backward();
        using var g = x.grad!;
        Assert.Equal([0.0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0], TorchConversions.ReadDoubles(g));
    }

    /// <summary>
    /// Note [oneDNN self-check]: after loading, libtorch's float32 convolutions agree with its float64 ones on
    /// this machine (where oneDNN is wrong, the load switched it off and says why), and the switch works both ways.
    /// The geometry differs from the self-check's own (3×20×17×13 by 24×20×3×3, stride 1, padding 2), and the
    /// reference is a naive float64 sum here, so this checks the outcome, not the check's arithmetic.
    /// </summary>
    [Fact]
    public void LibtorchFloat32ConvolutionIsRightAfterLoadAndTheOneDnnSwitchWorks()
    {
        TorchSharpLibrary.EnsureLoaded();
        bool initial = TorchSharpLibrary.MkldnnEnabled;
        if (TorchSharpLibrary.MkldnnDisabledReason is { } why)
        {
            Assert.False(initial);
            Assert.Contains("oneDNN", why);
        }
        else Assert.True(initial);

        const int N = 3, C = 20, H = 17, W = 13, O = 24, K = 3, P = 2, OH = H + 2 * P - K + 1, OW = W + 2 * P - K + 1;
        double[] x = Enumerable.Range(0, N * C * H * W).Select(i => Math.Sin(0.41 * i)).ToArray();
        double[] w = Enumerable.Range(0, O * C * K * K).Select(i => 0.3 * Math.Cos(0.13 * i)).ToArray();
        using var tx = TorchApi.tensor(x.Select(v => (float)v).ToArray(), [N, C, H, W]);
        using var tw = TorchApi.tensor(w.Select(v => (float)v).ToArray(), [O, C, K, K]);
        using var ty = TorchApi.nn.functional.conv2d(tx, tw, padding: [P, P]);
        double[] y = TorchConversions.ReadDoubles(ty);
        Assert.Equal(N * O * OH * OW, y.Length);
        double worst = 0;
        for (int n = 0; n < N; n++)
            for (int o = 0; o < O; o++)
                for (int i = 0; i < OH; i++)
                    for (int j = 0; j < OW; j++)
                    {
                        double sum = 0;
                        for (int c = 0; c < C; c++)
                            for (int p = 0; p < K; p++)
                                for (int q = 0; q < K; q++)
                                {
                                    int r = i + p - P, s = j + q - P;
                                    if (r >= 0 && r < H && s >= 0 && s < W) sum += x[((n * C + c) * H + r) * W + s] * w[((o * C + c) * K + p) * K + q];
                                }
                        worst = Math.Max(worst, Math.Abs(sum - y[((n * O + o) * OH + i) * OW + j]));
                    }
        Assert.True(worst < 1e-3, $"libtorch float32 conv2d is off by {worst} (oneDNN {(initial ? "on" : "off")})");

        if (!OperatingSystem.IsLinux()) return;   // the switch is called by its Itanium-mangled C++ name
        try
        {
            TorchSharpLibrary.MkldnnEnabled = !initial;
            Assert.Equal(!initial, TorchSharpLibrary.MkldnnEnabled);
        }
        finally { TorchSharpLibrary.MkldnnEnabled = initial; }
        Assert.Equal(initial, TorchSharpLibrary.MkldnnEnabled);
    }

    /// <summary>
    /// The packaged libLibTorchSharp.so (in the NuGet cache) fails to load exactly where this system's
    /// libstdc++ lacks GLIBCXX_3.4.32, and the copy the build put in the output then carries the weak
    /// need; the loader's reason becomes one line naming the fix.
    /// </summary>
    [Fact]
    public void ThePackagedLibraryNeedsTheBuildFixExactlyWhereLibstdcxxIsOld()
    {
        if (!OperatingSystem.IsLinux()) return;   // the fix and the test are about Linux's loader
        TorchSharpLibrary.EnsureLoaded();
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string packaged = Path.Combine(NuGetPackages(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), output);
        Assert.True(File.Exists(packaged), packaged);
        bool systemHasIt = File.ReadAllText("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", System.Text.Encoding.Latin1).Contains("\0GLIBCXX_3.4.32\0");

        // Load a private copy of the packaged file under another name, so it is not the already-loaded one.
        string dir = Directory.CreateTempSubdirectory("torchsharp-load").FullName;
        try
        {
            string copy = Path.Combine(dir, "libLibTorchSharpUnpatched.so");
            File.Copy(packaged, copy);
            foreach (var dep in Directory.GetFiles(Path.GetDirectoryName(output)!, "lib*.so*").Where(f => !f.EndsWith("libLibTorchSharp.so", StringComparison.Ordinal)))
                File.CreateSymbolicLink(Path.Combine(dir, Path.GetFileName(dep)), dep);
            bool loads = NativeLibrary.TryLoad(copy, out _);
            Assert.Equal(systemHasIt, loads);
            if (!loads)
            {
                var e = Assert.Throws<DllNotFoundException>(() => NativeLibrary.Load(copy));
                var message = TorchSharpLibrary.DescribeLoadFailure(copy, e.Message);
                Assert.DoesNotContain('\n', message);
                Assert.Contains("version `GLIBCXX_3.4.32' not found", message);
                Assert.Contains("dotnet build", message);
                Assert.Contains("docs/torchsharp.md", message);
                Assert.True(message.Length < 700, message);
                Assert.True(IsWeak(output), "the build's copy should carry the weak need");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static string NuGetPackages()
        => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>True when the GLIBCXX_3.4.32 Vernaux entry of the ELF file has VER_FLG_WEAK (reads .gnu.version_r).</summary>
    private static bool IsWeak(string path)
    {
        var b = File.ReadAllBytes(path);
        ulong U(long o, int n) { ulong v = 0; for (int i = n - 1; i >= 0; i--) v = v << 8 | b[o + i]; return v; }
        long shoff = (long)U(0x28, 8);
        int shentsize = (int)U(0x3A, 2), shnum = (int)U(0x3C, 2);
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + s * shentsize;
            if (U(sh + 4, 4) != 0x6ffffffe) continue;
            long vn = (long)U(sh + 0x18, 8), strtab = (long)U(shoff + (long)U(sh + 0x28, 4) * shentsize + 0x18, 8);
            for (ulong i = 0; i < U(sh + 0x2C, 4); i++, vn += (long)U(vn + 12, 4))
                for (long aux = vn + (long)U(vn + 8, 4), j = 0; j < (long)U(vn + 2, 2); j++, aux += (long)U(aux + 12, 4))
                {
                    long name = strtab + (long)U(aux + 8, 4);
                    int end = Array.IndexOf(b, (byte)0, (int)name);
                    if (System.Text.Encoding.ASCII.GetString(b, (int)name, end - (int)name) == "GLIBCXX_3.4.32") return (U(aux + 4, 2) & 2) != 0;
                }
        }
        return false;
    }
}
