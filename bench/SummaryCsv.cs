using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Autograd.Bench;

/// <summary>
/// Writes bench/results/summary.csv (ours vs libtorch 1.13 and vs TorchSharp's libtorch 2.10, medians over
/// rounds: Note [Benchmark job]), rounds.csv (every round) and memory.csv (MemoryDiagnoser, medians over rounds).
/// </summary>
public static class SummaryCsv
{
    private sealed record Row(string Case, int Threads, Pass Pass, int Round, string Engine, double MedianMs, long? Bytes,
        double Gen0, double Gen1, double Gen2);

    // Torch (libtorch 1.13) is null for a case the shim cannot run (hvp); its columns stay empty.
    private sealed record RoundPair(int Round, Row Ours, Row? Torch, Row? TorchSharp)
    {
        public double? Ratio => Torch is null ? null : Ours.MedianMs / Torch.MedianMs;
        public double? RatioTorchSharp => TorchSharp is null ? null : Ours.MedianMs / TorchSharp.MedianMs;
    }

    public static void Write(IReadOnlyList<Summary> rounds, string dir)
    {
        var rows = rounds.SelectMany((s, i) => s.Reports
            .Where(r => r.Success && r.ResultStatistics is not null)
            .Select(r => ToRow(r, i + 1))).ToList();
        var order = Cases.All.Select(c => c.Name).ToList();
        var csv = new StringBuilder("case,threads,pass,ours_ms,libtorch_ms,ratio,torchsharp_ms,ratio_torchsharp\n");
        var perRound = new StringBuilder("case,threads,pass,round,ours_ms,libtorch_ms,ratio,torchsharp_ms,ratio_torchsharp\n");
        var mem = new StringBuilder("case,threads,pass,engine,allocated_bytes_per_op,gen0_per_1000,gen1_per_1000,gen2_per_1000\n");
        foreach (var g in rows.GroupBy(r => (r.Case, r.Threads, r.Pass))
                     .OrderBy(g => order.IndexOf(g.Key.Case)).ThenBy(g => g.Key.Threads).ThenBy(g => g.Key.Pass))
        {
            string key = $"{g.Key.Case},{g.Key.Threads},{PassName(g.Key.Pass)}";
            var ours = g.Where(r => r.Engine == "ours").ToList();
            var torch = g.Where(r => r.Engine == "libtorch").ToList();
            var ts = g.Where(r => r.Engine == "torchsharp").ToList();
            // A round's ratios pair the engines' medians of that round (measured seconds apart).
            var pairs = ours.Select(o => new RoundPair(o.Round, o, torch.FirstOrDefault(r => r.Round == o.Round), ts.FirstOrDefault(r => r.Round == o.Round)))
                .OrderBy(p => p.Round).ToList();
            foreach (var p in pairs)
                perRound.Append(CultureInfo.InvariantCulture,
                    $"{key},{p.Round},{F(p.Ours.MedianMs)},{F(p.Torch?.MedianMs)},{F(p.Ratio)},{F(p.TorchSharp?.MedianMs)},{F(p.RatioTorchSharp)}\n");
            csv.Append(CultureInfo.InvariantCulture,
                $"{key},{F(Median(ours.Select(r => r.MedianMs)))},{F(Median(torch.Select(r => r.MedianMs)))},{F(Median(pairs.Where(p => p.Ratio is not null).Select(p => p.Ratio!.Value)))}," +
                $"{F(Median(ts.Select(r => r.MedianMs)))},{F(Median(pairs.Where(p => p.RatioTorchSharp is not null).Select(p => p.RatioTorchSharp!.Value)))}\n");
            foreach (var (engine, list) in new[] { ("ours", ours), ("libtorch", torch), ("torchsharp", ts) })
            {
                if (list.Count == 0) continue;
                var bytes = Median(list.Where(r => r.Bytes is not null).Select(r => (double)r.Bytes!.Value));
                mem.Append(CultureInfo.InvariantCulture,
                    $"{key},{engine},{bytes?.ToString("F0", CultureInfo.InvariantCulture) ?? ""},{Median(list.Select(r => r.Gen0)):F2},{Median(list.Select(r => r.Gen1)):F2},{Median(list.Select(r => r.Gen2)):F2}\n");
            }
        }
        File.WriteAllText(Path.Combine(dir, "summary.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(dir, "rounds.csv"), perRound.ToString());
        File.WriteAllText(Path.Combine(dir, "memory.csv"), mem.ToString());
    }

    /// <summary>The pass as the summary spells it.</summary>
    public static string PassName(Pass p) => p == Pass.Fwd ? "fwd" : "fwd+bwd";

    private static Row ToRow(BenchmarkReport r, int round)
    {
        double per1000(int n) => n * 1000.0 / r.GcStats.TotalOperations;
        return new Row((string)Param(r, nameof(OpBenchmarks.Case)), (int)Param(r, nameof(OpBenchmarks.Threads)), (Pass)Param(r, nameof(OpBenchmarks.Pass)),
            round, r.BenchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(OpBenchmarks.Ours) => "ours",
                nameof(OpBenchmarks.TorchSharp) => "torchsharp",
                _ => "libtorch",
            }, r.ResultStatistics!.Median / 1e6,
            r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase),
            per1000(r.GcStats.Gen0Collections), per1000(r.GcStats.Gen1Collections), per1000(r.GcStats.Gen2Collections));
    }

    /// <summary>The median (the mean of the middle two for an even count); null when empty.</summary>
    private static double? Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) return null;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static object Param(BenchmarkReport r, string name) => r.BenchmarkCase.Parameters[name];

    private static string F(double? v) => v?.ToString("F3", CultureInfo.InvariantCulture) ?? "";
}
