using System.Runtime.InteropServices;
using TorchApi = TorchSharp.torch;

namespace Autograd.TorchSharp;

/// <summary>TorchSharp (libtorch) could not be loaded. The message says why in one line, and how to fix it.</summary>
public sealed class TorchSharpUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Loads TorchSharp's native libraries once per process and turns a failure into one clear message
/// (<see cref="TorchSharpUnavailableException"/>) instead of TorchSharp's loader trace. Every entry point
/// of Autograd.TorchSharp calls <see cref="EnsureLoaded"/> first.
/// </summary>
/// <remarks>
/// TorchSharp's own loader, on failure, throws a TypeInitializationException from <c>torch</c>'s static
/// constructor with a 60-line trace that never shows the dynamic loader's reason, and every later use of
/// <c>torch</c> throws the same. So the library is loaded here first, by path, where dlopen's own error
/// ("version `GLIBCXX_3.4.32' not found", "cannot open shared object file") can be read and reported.
/// </remarks>
public static class TorchSharpLibrary
{
    /// <summary>The native library TorchSharp P/Invokes (its C shim over libtorch).</summary>
    public const string NativeName = "LibTorchSharp";

    /// <summary>What to do when the TorchSharp native libraries fail to load (shown in the exception's message).</summary>
    public const string BuildHint =
        "Autograd.TorchSharp's build fixes this where it can: build the project that loads TorchSharp with `dotnet build` " +
        "(its AutogradWeakenGlibcxxNeed step marks libLibTorchSharp.so's need for GLIBCXX_3.4.32 weak when this system's " +
        "libstdc++ lacks it; -p:AutogradTorchSharpPatch=always forces it). See docs/torchsharp.md";

    private static readonly Lazy<string?> LoadError = new(Load);

    /// <summary>Loads TorchSharp, or throws <see cref="TorchSharpUnavailableException"/> with the reason and the fix.</summary>
    public static void EnsureLoaded()
    {
        if (LoadError.Value is { } error) throw new TorchSharpUnavailableException(error);
    }

    /// <summary>True when TorchSharp loads (no exception).</summary>
    public static bool IsAvailable => LoadError.Value is null;

    /// <summary>The libtorch version TorchSharp runs on, e.g. "2.10.0".</summary>
    public static string LibTorchVersion
    {
        get
        {
            EnsureLoaded();
            var v = TorchApi.__version__;
            return v.EndsWith(".0", StringComparison.Ordinal) && v.Count(c => c == '.') == 3 ? v[..^2] : v;
        }
    }

    private static string? _mkldnnDisabledReason;

    /// <summary>
    /// Why oneDNN was switched off when libtorch loaded, or null when it was not: on load, libtorch's float32
    /// conv2d and conv_transpose2d are compared with its float64 ones (which never use oneDNN), and where they
    /// disagree (oneDNN's JIT kernels on some CPUs) oneDNN is turned off for the process (Note [oneDNN self-check]).
    /// </summary>
    public static string? MkldnnDisabledReason { get { EnsureLoaded(); return _mkldnnDisabledReason; } }

    /// <summary>
    /// torch.backends.mkldnn.enabled: whether libtorch may run convolutions through oneDNN. Linux and macOS only
    /// (set elsewhere throws <see cref="PlatformNotSupportedException"/>); see <see cref="MkldnnDisabledReason"/>.
    /// </summary>
    public static bool MkldnnEnabled
    {
        get { EnsureLoaded(); return Mkldnn.Get(); }
        set
        {
            EnsureLoaded();
            if (!Mkldnn.TrySet(value, out var why))
                throw new PlatformNotSupportedException($"TorchSharpLibrary.MkldnnEnabled: cannot set torch.backends.mkldnn.enabled to {value}: {why}");
        }
    }

    /// <summary>torch.get_num_threads / torch.set_num_threads (libtorch's intra-op pool).</summary>
    public static int NumThreads
    {
        get { EnsureLoaded(); return TorchApi.get_num_threads(); }
        set
        {
            EnsureLoaded();
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "TorchSharpLibrary.NumThreads: the thread count must be at least 1");
            TorchApi.set_num_threads(value);
        }
    }

    /// <summary>libtorch's message without the C++ frames it appends ("Exception raised from ..."), on one line.</summary>
    public static string ShortMessage(Exception e)
    {
        var m = e.Message;
        int cut = m.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (cut >= 0) m = m[..cut];
        return m.Trim().ReplaceLineEndings(" ");
    }

    /// <summary>One line from .NET's load failure: the dynamic loader's reason and the fix.</summary>
    internal static string DescribeLoadFailure(string path, string dotnetMessage)
    {
        // .NET's message is "Unable to load shared library '<path>' or one of its dependencies. In order to
        // help diagnose ... consider setting the LD_DEBUG environment variable: <dlerror>"; keep dlerror's text.
        var reason = dotnetMessage;
        const string Marker = "environment variable:";
        int at = reason.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0) reason = reason[(at + Marker.Length)..];
        reason = reason.Trim().ReplaceLineEndings(" ");
        if (reason.StartsWith(path + ": ", StringComparison.Ordinal)) reason = reason[(path.Length + 2)..];
        bool glibcxx = reason.Contains("GLIBCXX_", StringComparison.Ordinal);
        return $"TorchSharp cannot be loaded: {path}: {reason}. " +
               (glibcxx ? BuildHint : "Check that the libtorch-cpu-* package's files were copied next to it (dotnet build of the app); see docs/torchsharp.md");
    }

    private static string? Load()
    {
        if (!Environment.Is64BitProcess) return "TorchSharp cannot be loaded: it needs a 64-bit process";
        string file = OperatingSystem.IsWindows() ? NativeName + ".dll" : OperatingSystem.IsMacOS() ? "lib" + NativeName + ".dylib" : "lib" + NativeName + ".so";
        var dirs = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.GetDirectoryName(typeof(TorchApi).Assembly.Location) ?? "")
            .ToList();
        var path = dirs.Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);
        if (path is null)
            return $"TorchSharp cannot be loaded: {file} is not among this app's native files (looked in {string.Join(", ", dirs.Distinct().Take(4))}). " +
                   "Reference the Autograd.TorchSharp package (it brings TorchSharp-cpu 0.107.0 with libtorch 2.10 for linux-x64, osx-arm64 and win-x64) from the app itself";
        try { NativeLibrary.Load(path); }
        catch (DllNotFoundException e) { return DescribeLoadFailure(path, e.Message); }
        try
        {
            // Runs torch's static constructor, which loads libtorch itself; with LibTorchSharp already
            // loaded it finds everything in the same folder.
            _ = TorchApi.get_num_threads();
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
        {
            var inner = e.InnerException ?? e;
            var first = inner.Message.Split('\n', 2)[0].Trim();
            return $"TorchSharp cannot be loaded: {first} See docs/torchsharp.md";
        }
        try { _mkldnnDisabledReason = OneDnnSelfCheck.Run(); }   // Note [oneDNN self-check]
        catch (Exception e) { _mkldnnDisabledReason = $"the oneDNN self-check could not run ({ShortMessage(e)}); oneDNN left as libtorch set it"; }
        return null;
    }
}
