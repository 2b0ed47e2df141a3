using System.Globalization;
using Autograd.Bench;
using Autograd.Bench.Shim;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project bench -- [--cases conv,mean] [--threads 1,2] [--rounds 3] [--out bench/results] [--no-scope] [--in-process]
// (scripts/bench.sh installs OpenBLAS, builds the libtorch 1.13 shim and runs this; TorchSharp's libtorch 2.10 comes from NuGet.)
// Or: dotnet run -c Release --project bench -- --plot SUMMARY.csv OUT.svg   (the size-scaling plot; Note [Size-scaling family])
if (Array.IndexOf(args, "--plot") is var plotAt and >= 0)
{
    if (plotAt + 2 >= args.Length) throw new ArgumentException("--plot expects two paths: SUMMARY.csv OUT.svg");
    Console.WriteLine($"plotted {ScalingPlot.Write(args[plotAt + 1], args[plotAt + 2])} points into {args[plotAt + 2]}");
    return 0;
}
// Or: dotnet run -c Release --project bench -- --cold [--cases ...] [--threads 2] [--out DIR]   (first calls against warmed ones; Note [Cold starts])
// Or: dotnet run -c Release --project bench -- --paired [--cases ...] [--threads 2] [--out DIR] [--no-scope]   (ours and libtorch 2.10 alternating in one process; Note [Paired timing])
if (Array.IndexOf(args, "--paired-child") is var pairedAt and >= 0)
    return Paired.ChildMain(args[pairedAt + 1], int.Parse(args[pairedAt + 2], CultureInfo.InvariantCulture), args[pairedAt + 3]);
if (Array.IndexOf(args, "--cold-child") is var childAt and >= 0)
    return ColdStart.ChildMain(args[childAt + 1], args[childAt + 2], int.Parse(args[childAt + 3], CultureInfo.InvariantCulture));
string? filter = Arg("--cases");
string outDir = Path.GetFullPath(Arg("--out") ?? Path.Combine(RepoRoot(), "bench", "results"));
int rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), $"--rounds must be at least 1, got {rounds}");
if (Arg("--threads") is { } t) OpBenchmarks.ThreadCounts = t.Split(',').Select(int.Parse).ToArray();
OpBenchmarks.CaseFilter = filter;
Cases.OursInScope = Array.IndexOf(args, "--no-scope") < 0;
if (Array.IndexOf(args, "--cold") >= 0)
    return ColdStart.Run(filter, OpBenchmarks.ThreadCounts.Max(), outDir);
if (Array.IndexOf(args, "--paired") >= 0)
    return Paired.Run(filter, OpBenchmarks.ThreadCounts.Max(), outDir);

// Only TorchSharp is loaded here (Note [One libtorch per process]); the shim is checked for, not loaded.
Autograd.Bench.BenchTorch.Load();
if (OracleLibrary.Candidates().FirstOrDefault(File.Exists) is not { } shim)
    throw new OracleUnavailableException($"libtorch 1.13 shim not found (looked for {string.Join(", ", OracleLibrary.Candidates().Take(3))}). {OracleLibrary.InstallHint}");
Console.WriteLine($"baselines: libtorch 1.13 ({shim}) and libtorch {Autograd.TorchSharp.TorchSharpLibrary.LibTorchVersion} (TorchSharp); " +
                  $"SIMD {Autograd.Kernels.Simd.Best}; ours {(Cases.OursInScope ? "in" : "without")} a TensorScope; {Environment.ProcessorCount} cores; load {LoadAverage()}");
foreach (var c in Cases.Select(filter))
    if (c.Plan is { } plan) Console.WriteLine($"plan {c.Name}: {plan()}");   // which kernels ours runs (Note [Conv plan])

// Note [Benchmark job]: each benchmark in its own process (BenchmarkDotNet's default toolchain: the two
// libtorchs cannot share one, Note [One libtorch per process]), one launch, 3 warmup and 9 measured
// iterations of ~150 ms each: a ShortRun-like job that keeps one round of the full matrix short. This shared VM's speed drifts by
// tens of percent over minutes, and BenchmarkDotNet times ours and the libtorchs one after the other, so
// one round's ratio carries that drift. The whole matrix therefore runs --rounds times (3 by
// default); summary.csv gives, per case, the median over rounds of each engine's median and of the
// round's ratios (the engines measured seconds apart), and rounds.csv every round's figures.
var job = Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(9)
    .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(150))
    .WithEvaluateOverhead(false)
    .WithGcServer(false)
    .WithEnvironmentVariables(new EnvironmentVariable(Cases.NoScopeVariable, Cases.OursInScope ? "0" : "1"),
        // Note [Benchmark warm-up]: each benchmark gets a fresh process, and a training step calls its
        // kernels only a handful of times per iteration, so after the warm-up most of them still ran
        // tier-0 code (tiered compilation promotes a method after 30 calls): ours measured 46-52 ms
        // per step here against 21-33 ms in the old in-process harness, same code. With tiered
        // compilation off every method is fully optimised from its first call, as a long-running
        // process has it (measured: 22.7 ms); the ratios are about steady state (cold starts are
        // issue 18's). Counting every call as hot instead (TC_CallCountThreshold=1) made it worse.
        // With tiered compilation off the runtime also keeps the framework's precompiled (ReadyToRun)
        // code for good, where a long-running process re-JITs its hot methods for the CPU it runs on.
        // On the Intel Xeon this VM moved to (2026-12-02) that precompiled code made our kernels 2-5x
        // slower: avg_pool2d of 64x64x14x14 took 6.8 ms with TieredCompilation=0 against 1.0 ms with
        // tiered code warmed up and 1.0 ms with ReadyToRun=0 as well; the training step 52 ms against
        // 34 ms. So ReadyToRun is off too: every method, ours and the framework's, is compiled for
        // this CPU from its first call, which is the steady state a user's training loop reaches.
        new EnvironmentVariable("DOTNET_TieredCompilation", "0"),
        new EnvironmentVariable("DOTNET_ReadyToRun", "0"))
    // BenchmarkDotNet's generated project skips Directory.Build.targets, which brings Autograd.TorchSharp's
    // build targets to project references here (the libstdc++ fix, docs/torchsharp.md): import them directly.
    .WithArguments([new MsBuildArgument("/p:CustomAfterMicrosoftCommonTargets=" +
        Path.Combine(RepoRoot(), "src", "TorchSharp", "buildTransitive", "Autograd.TorchSharp.targets"))])
    .WithId("Short");
// Note [In-process benchmarks]: --in-process runs every benchmark inside this process (BenchmarkDotNet's
// in-process toolchain: no generated project to build, whose 2-minute build timeout a machine under heavy
// load exceeds). The libtorch 1.13 shim's benchmarks are left out (Note [One libtorch per process]: this
// process has TorchSharp's libtorch loaded), so the 1.13 columns stay empty;
// the job's environment variables do not apply, so export DOTNET_TieredCompilation=0 and DOTNET_ReadyToRun=0 before the run.
bool inProcess = Array.IndexOf(args, "--in-process") >= 0;
if (inProcess)
{
    if (Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0" || Environment.GetEnvironmentVariable("DOTNET_ReadyToRun") != "0")
        Console.WriteLine("warning: --in-process without DOTNET_TieredCompilation=0 and DOTNET_ReadyToRun=0 measures tiered or precompiled code (Note [Benchmark warm-up])");
    job = job.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
}
var summaries = new List<Summary>();
for (int round = 0; round < rounds; round++)
{
    Console.WriteLine($"round {round + 1} of {rounds} (load {LoadAverage()})");
    var config = ManualConfig.CreateEmpty()
        .AddJob(job)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddColumn(StatisticColumn.Median)
        .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
        .AddExporter(CsvExporter.Default)
        // A case the 1.13 shim cannot run (Cases.Get(name).Torch is null: hvp, no create_graph) has no Libtorch benchmark,
        // nor has any case in-process: the shim would share the process with TorchSharp (Note [One libtorch per process]).
        .AddFilter(new BenchmarkDotNet.Filters.SimpleFilter(b => b.Descriptor.WorkloadMethod.Name != nameof(OpBenchmarks.Libtorch)
            || (!inProcess && Cases.Get((string)b.Parameters[nameof(OpBenchmarks.Case)]).Torch is not null)))
        .WithArtifactsPath(Path.Combine(outDir, "bdn", $"round-{round + 1}"))
        .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary)
        // The generated project rebuilds the solution's projects; on a loaded VM that took over the default 2 minutes.
        .WithBuildTimeout(TimeSpan.FromMinutes(10));
    summaries.Add(BenchmarkRunner.Run<OpBenchmarks>(config));
}
Directory.CreateDirectory(outDir);
SummaryCsv.Write(summaries, outDir);
Console.WriteLine($"wrote {Path.Combine(outDir, "summary.csv")}, rounds.csv and memory.csv (load after run {LoadAverage()})");
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string RepoRoot()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Autograd.sln"))) return d.FullName;
    return Directory.GetCurrentDirectory();
}

static string LoadAverage()
{
    try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "?"; }
}
