using System.Runtime.InteropServices;
using Autograd.Bench.Shim;
using BenchmarkDotNet.Attributes;

namespace Autograd.Bench;

/// <summary>
/// Every case × thread count × pass, timed on our engine (<see cref="Ours"/>) and on libtorch
/// (<see cref="Libtorch"/>, the baseline) in the same process and run.
/// </summary>
public class OpBenchmarks
{
    /// <summary>Set by Program from --cases before BenchmarkDotNet enumerates the parameters.</summary>
    public static string? CaseFilter { get; set; }

    /// <summary>Set by Program from --threads.</summary>
    public static int[] ThreadCounts { get; set; } = [1, 2];

    public static IEnumerable<string> CaseNames => Cases.Select(CaseFilter).Select(c => c.Name);

    public static IEnumerable<int> ThreadValues => ThreadCounts;

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    [ParamsSource(nameof(ThreadValues))]
    public int Threads { get; set; }

    [ParamsAllValues]
    public Pass Pass { get; set; }

    private Runner? _ours, _torch;

    [GlobalSetup]
    public void Setup()
    {
        ThreadControl.Set(Threads);
        var c = Cases.Get(Case);
        _ours = c.Ours(Pass);
        if (Cases.OursInScope)
        {
            var inner = _ours;
            _ours = new Runner(() =>
            {
                using var scope = new TensorScope();
                inner.Run();
            }, inner);
        }
        _torch = c.Torch(Pass);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _torch?.Dispose();
    }

    [Benchmark]
    public void Ours() => _ours!.Run();

    [Benchmark(Baseline = true)]
    public void Libtorch() => _torch!.Run();
}

/// <summary>Sets the thread count of both engines: ours, libtorch's intra-op pool and OpenBLAS.</summary>
public static class ThreadControl
{
    private static readonly Lazy<nint> OpenBlasSetNumThreads = new(() =>
    {
        // libtorch already loaded OpenBLAS; this returns the same instance. at::set_num_threads does
        // not reach OpenBLAS's own pthread pool, which matmul runs on.
        foreach (var lib in new[] { "libopenblas.so.0", "libblas.so.3" })
            if (NativeLibrary.TryLoad(lib, out var h) && NativeLibrary.TryGetExport(h, "openblas_set_num_threads", out var fn))
                return fn;
        return 0;
    });

    public static bool OpenBlasFound => OpenBlasSetNumThreads.Value != 0;

    public static unsafe void Set(int threads)
    {
        Threading.NumThreads = threads;
        OracleLibrary.NumThreads = threads;
        if (OpenBlasSetNumThreads.Value != 0) ((delegate* unmanaged<int, void>)OpenBlasSetNumThreads.Value)(threads);
    }
}
