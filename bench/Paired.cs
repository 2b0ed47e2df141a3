using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Autograd.Bench;

// Note [Paired timing]
// This VM's speed drifts by tens of percent within seconds (a pure in-L1 FMA loop measured 112-175
// GFLOP/s in consecutive runs, 2026-12-03), and BenchmarkDotNet times ours and libtorch one after the
// other, minutes apart, so one round's ratio carries the drift (Note [Benchmark job]). --paired times
// both engines in one process, alternating: each round runs a short batch of ours and then a batch of
// libtorch 2.10 (TorchSharp), ~50 ms each, so the two see the same machine within a fraction of a
// second; the ratio reported is the median of the per-round ratios, beside each engine's median and
// best batch. It is the quick, drift-robust check while working on a kernel; BenchmarkDotNet's job
// (with its memory diagnoser and rounds) stays the record in docs/speed.md. The child process runs
// with DOTNET_TieredCompilation=0 and DOTNET_ReadyToRun=0 as the job does (Note [Benchmark warm-up]).
// Each pass warms both engines up for 400 ms first, the first pass of a run for 3 s: a process's first case
// measured up to 2.7× slow after 400 ms (docs/speed.md, layer_norm).
internal static class Paired
{
    private const int Rounds = 25;
    // libtorch's OpenMP (libgomp) workers spin for a while after each parallel region before they sleep, and
    // .NET's pool workers spin too: a batch started right after the other engine's shares the cores with
    // those spinners (measured: ours' matmul_1024 14.2 ms alone, 19.8 ms right after libtorch's batches).
    // Each batch therefore starts after a quiet pause longer than the spin.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(50), WarmTime = TimeSpan.FromMilliseconds(400);
    // The first case of a run measured ours 1.5–2.7× slower than the same case run second (layernorm, 2026-12-03: fwd
    // ratios 1.06–2.70 in four of six runs where it came first, 0.84–0.93 in three runs after batchnorm): the process
    // itself is still warming up (heap growth, pools, the thread pool). The first pass of a run warms up this long.
    private static readonly TimeSpan FirstWarmTime = TimeSpan.FromSeconds(3);

    /// <summary>Parent: re-runs this program as a child with the job's runtime settings and forwards its output.</summary>
    public static int Run(string? filter, int threads, string outDir)
    {
        var psi = ColdStart.SelfStartInfo("--paired-child", filter ?? "", threads.ToString(CultureInfo.InvariantCulture), outDir);
        psi.Environment["DOTNET_TieredCompilation"] = "0";
        psi.Environment["DOTNET_ReadyToRun"] = "0";
        psi.Environment[Cases.NoScopeVariable] = Cases.OursInScope ? "0" : "1";
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>Child: every selected case, forward and forward+backward, ours and TorchSharp alternating; writes paired.csv.</summary>
    public static int ChildMain(string filter, int threads, string outDir)
    {
        BenchTorch.Load(threads);
        Threading.NumThreads = threads;
        var csv = new StringBuilder("case,threads,pass,ours_median_ms,ours_best_ms,libtorch_median_ms,libtorch_best_ms,ratio_paired_median\n");
        if (!Cases.OursInScope) Console.WriteLine("ours without a TensorScope (--no-scope)");
        Console.WriteLine($"{"case",-40} {"pass",-7} {"ours ms",9} {"best",8} {"torch ms",9} {"best",8} {"ratio",6}");
        bool first = true;
        foreach (var c in Cases.Select(filter.Length == 0 ? null : filter))
            foreach (var pass in new[] { Pass.Fwd, Pass.FwdBwd })
            {
                var inner = c.Ours(pass);
                // --no-scope: ours allocates through the GC as a user who never heard of TensorScope (issue 18 point 5).
                using var ours = Cases.OursInScope ? new Runner(() => { using var scope = new TensorScope(); inner.Run(); }, inner) : new Runner(inner.Run, inner);
                using var torch = c.TorchSharp(pass);
                var warm = first ? FirstWarmTime : WarmTime;
                first = false;
                int nOurs = CallsPerBatch(ours, warm), nTorch = CallsPerBatch(torch, warm);
                var o = new double[Rounds];
                var t = new double[Rounds];
                var r = new double[Rounds];
                for (int i = 0; i < Rounds; i++)
                {
                    o[i] = Batch(ours, nOurs);
                    t[i] = Batch(torch, nTorch);
                    r[i] = o[i] / t[i];
                }
                double om = Median(o), tm = Median(t), rm = Median(r);
                string label = pass == Pass.Fwd ? "fwd" : "fwd+bwd";
                Console.WriteLine($"{c.Name,-40} {label,-7} {om,9:F3} {o.Min(),8:F3} {tm,9:F3} {t.Min(),8:F3} {rm,6:F2}");
                csv.Append(CultureInfo.InvariantCulture, $"{c.Name},{threads},{label},{om:F4},{o.Min():F4},{tm:F4},{t.Min():F4},{rm:F3}\n");
            }
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "paired.csv"), csv.ToString());
        Console.WriteLine($"wrote {Path.Combine(outDir, "paired.csv")}");
        return 0;
    }

    /// <summary>Warms <paramref name="r"/> up and returns how many calls fill about one batch time.</summary>
    private static int CallsPerBatch(Runner r, TimeSpan warmTime)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (calls < 5 || clock.Elapsed < warmTime) { r.Run(); calls++; }
        double perCall = clock.Elapsed.TotalMilliseconds / calls;
        return Math.Max(1, (int)(BatchTime.TotalMilliseconds / perCall));
    }

    /// <summary>Mean milliseconds per call over a batch of <paramref name="calls"/> calls.</summary>
    private static double Batch(Runner r, int calls)
    {
        Thread.Sleep(Quiet);
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) r.Run();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds / calls;
    }

    private static double Median(double[] v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
