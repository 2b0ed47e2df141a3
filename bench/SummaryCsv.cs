using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Autograd.Bench;

/// <summary>Writes bench/results/summary.csv (medians, ours vs libtorch) and memory.csv (MemoryDiagnoser).</summary>
public static class SummaryCsv
{
    public static void Write(Summary summary, string dir)
    {
        var rows = summary.Reports
            .Where(r => r.Success && r.ResultStatistics is not null)
            .Select(r => new
            {
                Case = (string)Param(r, nameof(OpBenchmarks.Case)),
                Threads = (int)Param(r, nameof(OpBenchmarks.Threads)),
                Pass = (Pass)Param(r, nameof(OpBenchmarks.Pass)),
                Method = r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                MedianMs = r.ResultStatistics!.Median / 1e6,
                Bytes = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase),
                Gc = r.GcStats,
            }).ToList();
        var order = Cases.All.Select(c => c.Name).ToList();
        var csv = new StringBuilder("case,threads,pass,ours_ms,libtorch_ms,ratio\n");
        var mem = new StringBuilder("case,threads,pass,engine,allocated_bytes_per_op,gen0_per_1000,gen1_per_1000,gen2_per_1000\n");
        foreach (var g in rows.GroupBy(r => (r.Case, r.Threads, r.Pass))
                     .OrderBy(g => order.IndexOf(g.Key.Case)).ThenBy(g => g.Key.Threads).ThenBy(g => g.Key.Pass))
        {
            var ours = g.FirstOrDefault(r => r.Method == nameof(OpBenchmarks.Ours));
            var torch = g.FirstOrDefault(r => r.Method == nameof(OpBenchmarks.Libtorch));
            string pass = PassName(g.Key.Pass);
            csv.Append(CultureInfo.InvariantCulture,
                $"{g.Key.Case},{g.Key.Threads},{pass},{F(ours?.MedianMs)},{F(torch?.MedianMs)},{(ours is null || torch is null ? "" : (ours.MedianMs / torch.MedianMs).ToString("F3", CultureInfo.InvariantCulture))}\n");
            foreach (var r in new[] { ours, torch })
            {
                if (r is null) continue;
                double per1000(int n) => n * 1000.0 / r.Gc.TotalOperations;
                mem.Append(CultureInfo.InvariantCulture,
                    $"{g.Key.Case},{g.Key.Threads},{pass},{(r == ours ? "ours" : "libtorch")},{r.Bytes?.ToString(CultureInfo.InvariantCulture) ?? ""},{per1000(r.Gc.Gen0Collections):F2},{per1000(r.Gc.Gen1Collections):F2},{per1000(r.Gc.Gen2Collections):F2}\n");
            }
        }
        File.WriteAllText(Path.Combine(dir, "summary.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(dir, "memory.csv"), mem.ToString());
    }

    /// <summary>The pass as the summary spells it.</summary>
    public static string PassName(Pass p) => p == Pass.Fwd ? "fwd" : "fwd+bwd";

    private static object Param(BenchmarkReport r, string name) => r.BenchmarkCase.Parameters[name];

    private static string F(double? ms) => ms?.ToString("F3", CultureInfo.InvariantCulture) ?? "";
}
