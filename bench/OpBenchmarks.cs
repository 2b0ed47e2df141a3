using System.Runtime.InteropServices;
using Autograd.Bench.Shim;
using BenchmarkDotNet.Attributes;

namespace Autograd.Bench;

/// <summary>
/// Every case × thread count × pass, timed on our engine (<see cref="Ours"/>), on libtorch 1.13 through
/// the shim (<see cref="Libtorch"/>, the baseline) and on libtorch 2.10 through TorchSharp
/// (<see cref="TorchSharp"/>, the second baseline), in the same process and run.
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

    private Runner? _ours, _torch, _torchSharp;

    // Note [One libtorch per process]: libtorch 1.13 (the shim) and libtorch 2.10 (TorchSharp) cannot share
    // a process: whichever loads second crashes (TorchSharp's first op after the shim throws
    // std::system_error "Invalid argument"; the shim after TorchSharp dies silently): two copies of
    // c10's process-wide state. So every benchmark runs in its own process (Note [Benchmark job]) and
    // each target's setup loads only the engine it times.
    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs()
    {
        LogCase();
        Threading.NumThreads = Threads;
        var inner = Cases.Get(Case).Ours(Pass);
        _ours = !Cases.OursInScope ? inner : new Runner(() =>
        {
            using var scope = new TensorScope();
            inner.Run();
        }, inner);
    }

    [GlobalSetup(Target = nameof(Libtorch))]
    public void SetupLibtorch()
    {
        LogCase();
        ThreadControl.SetLibtorch113(Threads);
        // Program.cs filters these benchmarks out for a case without a shim version; reaching here is a bug.
        var torch = Cases.Get(Case).Torch ?? throw new NotSupportedException($"{Case}: no libtorch 1.13 (shim) version of this case");
        _torch = torch(Pass);
    }

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        LogCase();
        BenchTorch.Load(Threads);
        _torchSharp = Cases.Get(Case).TorchSharp(Pass);
    }

    // BenchmarkDotNet shortens long parameter values in its log ("scale(...)64x14"); the full name lets a
    // reader (or a script) of an interrupted run's log tell the cases apart.
    private void LogCase() => Console.WriteLine($"// case {Case}, threads {Threads}, pass {Pass}");

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _torch?.Dispose();
        _torchSharp?.Dispose();
    }

    [Benchmark]
    public void Ours() => _ours!.Run();

    [Benchmark(Baseline = true)]
    public void Libtorch() => _torch!.Run();

    [Benchmark]
    public void TorchSharp() => _torchSharp!.Run();
}

/// <summary>Sets libtorch 1.13's thread counts: its intra-op pool and OpenBLAS (its matmul).</summary>
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

    public static unsafe void SetLibtorch113(int threads)
    {
        OracleLibrary.NumThreads = threads;
        if (OpenBlasSetNumThreads.Value != 0) ((delegate* unmanaged<int, void>)OpenBlasSetNumThreads.Value)(threads);
    }
}
