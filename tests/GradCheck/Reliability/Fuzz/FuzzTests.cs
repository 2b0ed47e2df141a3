using System.Diagnostics;
using Autograd.Tests.Kernels;

namespace Autograd.Tests.Reliability.Fuzz;

// Note [Fuzz test]
// Issue 10's property: for any drawn configuration (Note [Fuzz configurations]) ours gives a clean
// exception or libtorch's result, never a crash, a hang or an out-of-memory. The cases run in a child
// process (Note [Fuzz protocol]) with the GC heap capped (DOTNET_GCHeapHardLimit, 3 GiB), so an
// unbounded temporary shows up as an OutOfMemoryException instead of taking the machine down, and a
// watchdog: a case that runs longer than CaseTimeout is a hang. After a crash or a hang the parent
// records the case and starts a new child at the next one, so one finding does not hide the rest.
// The test command runs a fixed seed (the same cases every run); AUTOGRAD_FUZZ=SEED:COUNT runs a
// longer, different sweep (opt-in, e.g. `AUTOGRAD_FUZZ=7:20000 dotnet test tests/GradCheck -c Release
// --filter Fuzz`).
[Collection("Threading")]
public class FuzzTests
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);
    private const int DefaultSeed = 2026, DefaultCount = 2000;

    [Fact]
    public void ExtremeArgumentsGiveACleanErrorOrLibtorchsResult()
    {
        var (seed, count) = Setting();
        var results = RunAll(seed, count);
        var failures = results.Where(r => r.Verdict is not ("AGREED" or "COMPUTED" or "REJECTED")).ToList();
        var tally = string.Join(", ", results.GroupBy(r => r.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
        Assert.True(failures.Count == 0,
            $"fuzz seed {seed}: {failures.Count} of {count} cases failed ({tally}):\n" + string.Join("\n", failures.Take(30).Select(f => $"case {f.Index}: {f.Verdict} {f.Detail}\n    {f.Case}")));
        Assert.Equal(count, results.Count);
        // The draw must exercise all three outcomes, or the property is vacuous.
        Assert.True(results.Count(r => r.Verdict == "AGREED") >= count / 10, tally);
        Assert.True(results.Count(r => r.Verdict == "REJECTED") >= count / 10, tally);
    }

    [Fact]
    public void WatchdogReportsAHangingCaseAndMovesOn()
    {
        // The parent's own failure paths, on a child that hangs in case 0 and crashes in case 1.
        var results = Parse(["CASE 0 slow", "TORCH 0"], exitedCleanly: false, timedOut: true, start: 0, out int next);
        Assert.Equal(("HUNG-IN-LIBTORCH", 1), (results.Single().Verdict, next));
        results = Parse(["CASE 1 bad", "DONE 1 REJECTED ok", "CASE 2 worse"], exitedCleanly: false, timedOut: false, start: 1, out next);
        Assert.Equal(["REJECTED", "CRASHED"], results.Select(r => r.Verdict));
        Assert.Equal(3, next);
    }

    public sealed record Result(int Index, string Verdict, string Detail, string Case);

    private static (int Seed, int Count) Setting()
    {
        var v = Environment.GetEnvironmentVariable("AUTOGRAD_FUZZ");
        if (string.IsNullOrWhiteSpace(v)) return (DefaultSeed, DefaultCount);
        var parts = v.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int s) || !int.TryParse(parts[1], out int n) || n < 1)
            throw new ArgumentException($"AUTOGRAD_FUZZ must be SEED:COUNT, got '{v}'");
        return (s, n);
    }

    private static List<Result> RunAll(int seed, int count)
    {
        var results = new List<Result>();
        int next = 0;
        while (next < count)
        {
            var (lines, exited, timedOut) = RunChild(seed, next, count - next);
            results.AddRange(Parse(lines, exited, timedOut, next, out int after));
            Assert.True(after > next, $"the fuzz child made no progress from case {next}:\n{string.Join("\n", lines.TakeLast(20))}");
            next = after;
        }
        return results;
    }

    /// <summary>Reads one child's lines; a case begun but not done is a crash or (timed out) a hang.</summary>
    private static List<Result> Parse(IReadOnlyList<string> lines, bool exitedCleanly, bool timedOut, int start, out int next)
    {
        var results = new List<Result>();
        var cases = new Dictionary<int, string>();
        int? open = null;
        bool inTorch = false, ended = false;
        next = start;
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 3);
            if (parts[0] == "END") { ended = true; continue; }
            if (parts.Length < 2 || !int.TryParse(parts[1], out int i)) continue;
            switch (parts[0])
            {
                case "CASE": cases[i] = parts.Length > 2 ? parts[2] : ""; open = i; inTorch = false; break;
                case "TORCH": inTorch = true; break;
                case "DONE":
                    var rest = (parts.Length > 2 ? parts[2] : "").Split(' ', 2);
                    results.Add(new Result(i, rest[0], rest.Length > 1 ? rest[1] : "", cases.GetValueOrDefault(i, "")));
                    open = null; next = i + 1;
                    break;
            }
        }
        if (open is { } o)
        {
            string verdict = (timedOut ? "HUNG" : "CRASHED") + (inTorch ? "-IN-LIBTORCH" : "");
            string tail = string.Join(" | ", lines.SkipWhile(l => !l.StartsWith($"CASE {o} ", StringComparison.Ordinal)).Skip(1).Take(8));
            results.Add(new Result(o, verdict, timedOut ? $"no answer within {CaseTimeout.TotalSeconds} s" : $"the child died: {tail}", cases[o]));
            next = o + 1;
        }
        else if (!ended && !exitedCleanly && lines.Count > 0) results.Add(new Result(next, "CRASHED", "the child died between cases: " + string.Join(" | ", lines.TakeLast(5)), ""));
        return results;
    }

    private static (List<string> Lines, bool ExitedCleanly, bool TimedOut) RunChild(int seed, int start, int count)
    {
        string dll = typeof(SubsetRunner).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", dll, FuzzChild.Command, seed.ToString(), start.ToString(), count.ToString() }) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0xC0000000";   // 3 GiB
        var lines = new List<string>();
        var lastLine = Stopwatch.StartNew();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lines) { lines.Add(e.Data); lastLine.Restart(); } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) { lines.Add("stderr: " + e.Data); lastLine.Restart(); } };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        bool timedOut = false;
        while (!p.WaitForExit(200))
        {
            TimeSpan quiet;
            lock (lines) quiet = lastLine.Elapsed;
            if (quiet > CaseTimeout) { timedOut = true; p.Kill(entireProcessTree: true); break; }
        }
        p.WaitForExit();
        lock (lines) return ([.. lines], !timedOut && p.ExitCode == 0, timedOut);
    }
}
