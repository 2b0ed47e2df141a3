using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Autograd.Bench;

// Note [Cold starts]
// The BenchmarkDotNet job measures steady state (Note [Benchmark warm-up]); a user's first calls run
// whatever the runtime has at that moment: tier-0 code (no inlining, so Vector512 helpers stay calls)
// until a method has been called 30 times and the runtime's 100 ms tiering delay has passed. --cold
// measures that: every (case, engine) runs in a fresh child process with the runtime's defaults (the
// parent's DOTNET_TieredCompilation/ReadyToRun/TieredPGO are removed from the child's environment), which
// times its first call, its second, its tenth, and then the median of 21 calls once at least 300 calls
// and 1.5 s have passed (tiered code settled). Inputs are built before the first timed call, so the
// first call holds only compilation and first-use costs. One op family per case by default (ColdCases).
// Ours runs twice: as an app that references the Autograd package runs (its buildTransitive props set
// TieredCompilationQuickJitForLoops=false, so methods with loops, our kernels, are compiled optimised on
// their first call; the bench app gets the same props through Directory.Build.targets), and with the
// runtime's default (DOTNET_TC_QuickJitForLoops=1: tier 0 first). Measured (docs/speed.md, Cold starts): with
// tier-0 kernels the 10th call of max_pool2d took 4.8 ms against 0.5 warmed, optimised from the start 0.54;
// per-method AggressiveOptimization would have to be kept on hundreds of kernel methods and lambdas by hand, where
// the switch covers every one. The first call itself is shortened 15-45 % by the opt-in ReadyToRun images of Note
// [ReadyToRun in the package], at a cost in warmed small ops; the AVX-512 kernels are JIT-compiled for the CPU at
// hand anyway. The bench references the projects, so it runs plain IL unless its dlls are replaced (docs/speed.md).
internal static class ColdStart
{
    /// <summary>One case per op family: the issue's example (max_pool2d of 8×64×28²) and its neighbours.</summary>
    public static readonly string[] ColdCases =
    [
        "scale_conv_b8_32x14", "conv2d_8x64x56x56_k3p1", "scale_maxpool_b8_64x28", "scale_avgpool_b8_64x28",
        "scale_mean_b8_64x28", "matmul_1024", "gelu_8x64x56x56", "cat_4x8x64x56x56_dim1", "batchnorm2d_64x32x28x28_train",
        "train_step_fmnist_b64",
    ];

    private const int SettleCalls = 300, MedianCalls = 21;
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1.5);

    /// <summary>Parent: one child per case and engine; prints the table and writes cold.csv into <paramref name="outDir"/>.</summary>
    public static int Run(string? filter, int threads, string outDir)
    {
        var names = filter is null ? ColdCases : Cases.Select(filter).Select(c => c.Name).ToArray();
        var csv = new StringBuilder("case,engine,threads,first_ms,second_ms,tenth_ms,warmed_ms,first_over_warmed\n");
        // ours-tier0: the runtime's default, tier-0 code first; ours: as shipped (QuickJitForLoops off); torch: libtorch 2.10.
        (string Engine, string Label, string? QuickJitForLoops)[] runs = [("ours", "ours-tier0", "1"), ("ours", "ours", null), ("torch", "torch", null)];
        Console.WriteLine($"{"case",-34} {"engine",-10} {"1st ms",9} {"2nd ms",9} {"10th ms",9} {"warmed ms",10} {"1st/warm",9}");
        foreach (var name in names)
            foreach (var (engine, label, qjfl) in runs)
            {
                var line = Child(name, engine, threads, qjfl);
                var f = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                double ratio = f[0] / f[3];
                Console.WriteLine($"{name,-34} {label,-10} {f[0],9:F3} {f[1],9:F3} {f[2],9:F3} {f[3],10:F3} {ratio,9:F1}");
                csv.Append(CultureInfo.InvariantCulture, $"{name},{label},{threads},{line},{ratio:F2}\n");
            }
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "cold.csv"), csv.ToString());
        Console.WriteLine($"wrote {Path.Combine(outDir, "cold.csv")}");
        return 0;
    }

    private static string Child(string name, string engine, int threads, string? quickJitForLoops)
    {
        var psi = SelfStartInfo("--cold-child", name, engine, threads.ToString(CultureInfo.InvariantCulture));
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        foreach (var v in new[] { "DOTNET_TieredCompilation", "DOTNET_ReadyToRun", "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops" })
            psi.Environment.Remove(v);
        if (quickJitForLoops is not null) psi.Environment["DOTNET_TC_QuickJitForLoops"] = quickJitForLoops;
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var result = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("cold ", StringComparison.Ordinal));
        if (p.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"--cold child for {name} ({engine}) failed with exit code {p.ExitCode}: {stderr}{stdout}");
        return result["cold ".Length..].Trim();
    }

    /// <summary>Child: times one case's forward+backward on one engine from its first call; prints "cold first,second,tenth,warmed" in ms.</summary>
    public static int ChildMain(string name, string engine, int threads)
    {
        var c = Cases.Get(name);
        Runner runner;
        if (engine == "ours")
        {
            Threading.NumThreads = threads;
            var inner = c.Ours(Pass.FwdBwd);
            runner = new Runner(() => { using var scope = new TensorScope(); inner.Run(); }, inner);
        }
        else
        {
            BenchTorch.Load(threads);
            runner = c.TorchSharp(Pass.FwdBwd);
        }
        using (runner)
        {
            double first = Time(runner), second = Time(runner), tenth = 0;
            for (int i = 3; i <= 10; i++) tenth = Time(runner);
            var clock = Stopwatch.StartNew();
            for (int i = 10; i < SettleCalls || clock.Elapsed < SettleTime; i++) runner.Run();
            var last = new double[MedianCalls];
            for (int i = 0; i < last.Length; i++) last[i] = Time(runner);
            Array.Sort(last);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold {first:F4},{second:F4},{tenth:F4},{last[MedianCalls / 2]:F4}"));
        }
        return 0;
    }

    /// <summary>A start of this bench program again with <paramref name="args"/> (the --cold and --paired children).</summary>
    internal static ProcessStartInfo SelfStartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!);
        // Under `dotnet bench.dll` the process is dotnet and the assembly its first argument; an apphost is the program itself.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(ColdStart).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private static double Time(Runner r)
    {
        long t0 = Stopwatch.GetTimestamp();
        r.Run();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
