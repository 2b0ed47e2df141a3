using System.Reflection;
using System.Runtime.InteropServices;

namespace Autograd.Bench.Shim;

/// <summary>libautograd_oracle.so (the libtorch 1.13 shim, the benchmarks' first baseline) could not be loaded.</summary>
public sealed class OracleUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Finds and loads the native shim (native/build/libautograd_oracle.so) once per process.</summary>
/// <remarks>
/// Search order: the path in AUTOGRAD_ORACLE_LIB if set (and only it); otherwise
/// native/build/libautograd_oracle.so in AppContext.BaseDirectory or any directory above it (the
/// repository root, from tests/*/bin/Release/net10.0). A failure is remembered and rethrown with
/// the install hint on every use, so every oracle test fails (never skips) on a machine without it.
/// </remarks>
public static class OracleLibrary
{
    public const string EnvironmentVariable = "AUTOGRAD_ORACLE_LIB";
    public const string FileName = "libautograd_oracle.so";

    public const string InstallHint =
        "Run ./scripts/bench.sh, which installs libtorch-dev and builds the shim; or by hand: " +
        "sudo apt-get install -y libtorch-dev libopenblas0-pthread cmake g++ && ./scripts/build-shim.sh";

    private static readonly Lazy<(nint Handle, string? Path, string? Error)> Loaded = new(Load);

    /// <summary>Loads the shim (first call) and returns its path; throws <see cref="OracleUnavailableException"/> with the install hint.</summary>
    public static string EnsureLoaded()
    {
        var (handle, path, error) = Loaded.Value;
        if (handle == 0) throw new OracleUnavailableException($"libtorch 1.13 shim unavailable: {error}. {InstallHint}");
        return path!;
    }

    /// <summary>The libtorch version the shim was compiled against, e.g. "1.13.0".</summary>
    public static string TorchVersion
    {
        get { EnsureLoaded(); return Marshal.PtrToStringUTF8(Native.ag_version()) ?? "?"; }
    }

    /// <summary>at::set_num_threads. The oracle starts single-threaded so its results are reproducible.</summary>
    public static int NumThreads
    {
        get { EnsureLoaded(); return Native.ag_get_num_threads(); }
        set { EnsureLoaded(); Check.Status(Native.ag_set_num_threads(value)); }
    }

    /// <summary>Candidate locations of the shim, in search order.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env)) return [env];
        var list = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            list.Add(Path.Combine(dir.FullName, "native", "build", FileName));
        return list;
    }

    private static (nint, string?, string?) Load()
    {
        var candidates = Candidates();
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
            return (0, null, $"{FileName} not found (looked for {string.Join(", ", candidates.Take(6))}{(candidates.Count > 6 ? ", ..." : "")})");
        nint handle;
        try { handle = NativeLibrary.Load(path); }
        catch (Exception e) { return (0, null, $"{path} failed to load ({e.Message})"); }
        NativeLibrary.SetDllImportResolver(typeof(OracleLibrary).Assembly, Resolve);
        // Single-threaded libtorch: the same numbers every run, and no oversubscription of the
        // machine while xunit runs other test classes in parallel.
        if (NativeLibrary.TryGetExport(handle, "ag_set_num_threads", out var fn))
            unsafe { ((delegate* unmanaged<int, int>)fn)(1); }
        return (handle, path, null);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        => name == Native.Lib ? Loaded.Value.Handle : 0;
}
