using System.Runtime.InteropServices;
using TorchApi = TorchSharp.torch;

namespace Autograd.TorchSharp;

// Note [oneDNN self-check]
// On an AMD EPYC of family 26 (Zen 5) VM, libtorch 2.10's float32 conv2d and conv_transpose2d went through
// oneDNN's JIT kernels (jit:avx512_core, and jit:avx2 under ONEDNN_MAX_CPU_ISA=AVX2) and returned wrong values:
// 2×33×24² by 40×33×3² with padding 1 gave 5.383 where the sum is 5.498, a max error of 0.96 over the output
// (measured 2026-12-03 against a naive float64 sum, our float32 and float64 kernels, and libtorch's own
// float64, which oneDNN does not handle). With ONEDNN_MAX_CPU_ISA=SSE41, or with torch.backends.mkldnn.enabled
// = False, libtorch agreed to 1e-5. An oracle that is wrong on the machine it runs on would fail our correct
// kernels (eleven conv tests did), and a user's TorchCheck would blame their code. So on load, libtorch's
// float32 convolution (forward and transposed) is compared with its float64 one (native kernels, never
// oneDNN); where they disagree, oneDNN is switched off for the process (at::globalContext()
// .setUserEnabledMkldnn(false), what torch.backends.mkldnn.enabled = False calls; TorchSharp has no binding,
// so it is called by its Itanium-mangled name, Linux and macOS only) and the check is run again. The reason
// is kept in TorchSharpLibrary.MkldnnDisabledReason; a benchmark that wants libtorch's default speed turns
// oneDNN back on with TorchSharpLibrary.MkldnnEnabled = true.
internal static class OneDnnSelfCheck
{
    /// <summary>Runs the check; returns null when libtorch's float32 convolutions are right as configured, else why oneDNN was switched off.</summary>
    internal static string? Run()
    {
        double before = WorstError();
        if (before <= Tolerance) return null;
        string what = $"libtorch's float32 conv2d/conv_transpose2d (oneDNN) differed from its float64 ones {By(before)} on this CPU";
        if (!Mkldnn.TrySet(false, out var why)) return $"{what}; oneDNN could not be switched off ({why}): float32 convolution checks against libtorch are unreliable here";
        double after = WorstError();
        return after <= Tolerance
            ? $"{what}; oneDNN switched off (torch.backends.mkldnn.enabled = False), after which they agree to {after:G3}"
            : $"{what}, and {By(after)} with oneDNN off: float32 convolution checks against libtorch are unreliable here";
    }

    private static string By(double error) => double.IsNaN(error) ? "(NaN where they are finite)" : $"by {error:G3}";

    // float32 rounding over 297-term sums of values below 1 stays under 1e-4; the error seen was 0.96.
    private const double Tolerance = 1e-3;

    private static double WorstError()
    {
        using var scope = TorchApi.NewDisposeScope();
        var x = TorchApi.arange(2 * 33 * 24 * 24, TorchApi.ScalarType.Float64).mul(0.37).sin().reshape(2, 33, 24, 24);
        var w = TorchApi.arange(40 * 33 * 3 * 3, TorchApi.ScalarType.Float64).mul(0.11).cos().mul(0.2).reshape(40, 33, 3, 3);
        var g = TorchApi.arange(2 * 40 * 24 * 24, TorchApi.ScalarType.Float64).mul(0.23).sin().reshape(2, 40, 24, 24);
        long[] pad = [1, 1];
        double worst = 0;
        foreach (var (a, b) in new[] { (x, w), (g, w) })
        {
            bool transposed = ReferenceEquals(a, g);
            TorchApi.Tensor Conv(TorchApi.Tensor input, TorchApi.Tensor weight) => transposed
                ? TorchApi.nn.functional.conv_transpose2d(input, weight, padding: pad)
                : TorchApi.nn.functional.conv2d(input, weight, padding: pad);
            var wide = Conv(a, b);
            var narrow = Conv(a.to(TorchApi.ScalarType.Float32), b.to(TorchApi.ScalarType.Float32)).to(TorchApi.ScalarType.Float64);
            worst = Math.Max(worst, narrow.sub(wide).abs().max().item<double>());
        }
        return worst;
    }
}

/// <summary>torch.backends.mkldnn.enabled, through libtorch's C++ API (TorchSharp has no binding).</summary>
internal static class Mkldnn
{
    private const string Lib = "torch_cpu";   // libtorch_cpu.so / .dylib, loaded by TorchSharp already

    [DllImport(Lib, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(Lib, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(Lib, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    /// <summary>Whether libtorch may use oneDNN; true where the flag cannot be read (libtorch's default).</summary>
    internal static bool Get() => !Itanium || TryCall(() => UserEnabledMkldnn(GlobalContext()), true);

    internal static bool TrySet(bool enabled, out string? why)
    {
        why = null;
        if (!Itanium) { why = "only possible on Linux and macOS, where libtorch's C++ names are Itanium-mangled"; return false; }
        try { SetUserEnabledMkldnn(GlobalContext(), enabled); return Get() == enabled; }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { why = e.Message; return false; }
    }

    private static bool Itanium => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Environment.Is64BitProcess;

    private static T TryCall<T>(Func<T> f, T fallback)
    {
        try { return f(); }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return fallback; }
    }
}
