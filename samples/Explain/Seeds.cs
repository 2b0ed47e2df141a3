using System.Text;

namespace Autograd.Samples.Explain;

/// <summary>One seed post: its command name, its file in the seeds folder, what it teaches, and its replay.</summary>
public sealed record Seed(string Name, string File, string Title, Func<SeedReport> Replay);

/// <summary>The five seeds in the order of their files (000 … 004).</summary>
public static class Seeds
{
    public static readonly IReadOnlyList<Seed> All =
    [
        new("seed000", "000_4341b73b83660234.txt", "pooling backward, and why stride matters (max/avg, stride 2 and 1)", Seed000.Replay),
        new("seed001", "001_5a013865a6160c68.txt", "TensorFlow SAME/VALID: conv and pooling gradients", Seed001.Replay),
        new("seed002", "002_33a3af56e241b3d4.txt", "the chain rule: conv backward as convolutions, max pooling backward", Seed002.Replay),
        new("seed003", "003_513f91769ac2a8c4.txt", "the pooling family (max, avg, sum, Lp, global) and a numpy layer's limits", Seed003.Replay),
        new("seed004", "004_47b8a67f0326eb48.txt", "ties: max pooling sends each window's gradient to exactly one cell", Seed004.Replay),
    ];

    /// <summary>The seed named <paramref name="name"/> ("seed000" … "seed004"), or null.</summary>
    public static Seed? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>The usage text: one line per seed.</summary>
    public static string List()
    {
        var sb = new StringBuilder("usage: dotnet run --project samples/Explain -- <seed>|all|list\n");
        foreach (var s in All) sb.Append($"  {s.Name}  {s.Title}  ({s.File})\n");
        return sb.ToString();
    }
}
