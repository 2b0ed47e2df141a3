using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Autograd.Oracle;
using Autograd.TorchSharp;

namespace Autograd.Tests.Oracle;

/// <summary>
/// Collects what the cross-checks proved and writes the conformance report: op × option × dtype,
/// configurations compared, tensors compared, worst error. Written when the oracle collection ends
/// (see <see cref="OracleFixture"/>) to artifacts/conformance.md, or to $AUTOGRAD_CONFORMANCE.
/// </summary>
public static class Conformance
{
    private sealed class Row
    {
        public int Configs, Tensors, Rejected;
        public double WorstAbs, WorstScaled, WorstUsed;
    }

    private static readonly ConcurrentDictionary<(string Op, string Option, string DType), Row> Rows = new();

    // Double backward (CrossCheck.CompareHvp) on its own: its configurations compare a first-order gradient
    // built with create_graph and a Hessian-vector product, not a forward and its gradients, so they are
    // neither counted in the first table's "(all)" rows nor in its totals.
    private static readonly ConcurrentDictionary<(string Op, string Option, string DType), Row> HvpRows = new();

    /// <summary>Where the report goes.</summary>
    public static string ReportPath =>
        Environment.GetEnvironmentVariable("AUTOGRAD_CONFORMANCE") is { Length: > 0 } p ? p
            : Path.Combine(RepositoryRoot(), "artifacts", "conformance.md");

    /// <summary>Total configurations compared (forward and backward, and double backward) so far, both dtypes.</summary>
    public static int TotalConfigs => new[] { Rows, HvpRows }.Sum(d => d.Where(r => r.Key.Option == "(all)").Sum(r => r.Value.Configs));

    /// <summary>One configuration compared: every tensor of it (outputs, indices, gradients) agreed or not.</summary>
    public static void Record(string op, IEnumerable<string> options, DType dtype, int tensors, double worstAbs, double worstScaled, double worstUsed)
        => Add(Rows, op, options, dtype, tensors, worstAbs, worstScaled, worstUsed);

    /// <summary>
    /// One double-backward configuration compared (CrossCheck.CompareHvp: the first-order gradient made with
    /// create_graph and the Hessian-vector product through it); listed in the report's own section.
    /// </summary>
    public static void RecordDoubleBackward(string op, IEnumerable<string> options, DType dtype, int tensors, double worstAbs, double worstScaled, double worstUsed)
        => Add(HvpRows, op, options, dtype, tensors, worstAbs, worstScaled, worstUsed);

    private static void Add(ConcurrentDictionary<(string Op, string Option, string DType), Row> rows, string op, IEnumerable<string> options, DType dtype,
        int tensors, double worstAbs, double worstScaled, double worstUsed)
    {
        foreach (var option in options.Prepend("(all)").Distinct())
        {
            var row = rows.GetOrAdd((op, option, Name(dtype)), _ => new Row());
            lock (row)
            {
                row.Configs++;
                row.Tensors += tensors;
                row.WorstAbs = Math.Max(row.WorstAbs, worstAbs);
                row.WorstScaled = Math.Max(row.WorstScaled, worstScaled);
                row.WorstUsed = Math.Max(row.WorstUsed, worstUsed);
            }
        }
    }

    /// <summary>One configuration both engines rejected (error agreement).</summary>
    public static void RecordRejected(string op, string option)
    {
        var row = Rows.GetOrAdd((op, "rejected: " + option, "-"), _ => new Row());
        lock (row) row.Rejected++;
    }

    /// <summary>
    /// One configuration kept from libtorch by the engine's guard (<see cref="OracleGuardException"/>): ours
    /// accepted it (a padding-only max_pool2d window) or rejected it as PyTorch does (divisor_override 0).
    /// </summary>
    public static void RecordGuarded(string op, bool rejected, string reason)
    {
        var row = Rows.GetOrAdd((op, $"guarded ({reason}): {(rejected ? "rejected by ours, as by PyTorch" : "accepted by ours")}, not sent to libtorch", "-"), _ => new Row());
        lock (row) row.Rejected++;
    }

    public static string Write()
    {
        var path = ReportPath;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Render());
        return path;
    }

    public static string Render()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string version;
        string oneDnn = "";
        try
        {
            version = TorchSharpLibrary.LibTorchVersion + " (TorchSharp)";
            if (TorchSharpLibrary.MkldnnDisabledReason is { } why) oneDnn = $" On this machine {why} (Note [oneDNN self-check]).";
        }
        catch (TorchSharpUnavailableException) { version = "unavailable"; }
        var rows = Rows.ToArray();
        var hvpRows = HvpRows.ToArray();
        int configs = rows.Where(r => r.Key.Option == "(all)").Sum(r => r.Value.Configs);
        int tensors = rows.Where(r => r.Key.Option == "(all)").Sum(r => r.Value.Tensors);
        int rejected = rows.Where(r => r.Key.Option.StartsWith("rejected: ", StringComparison.Ordinal)).Sum(r => r.Value.Rejected);
        sb.AppendLine("# Conformance report: Autograd against libtorch " + version);
        sb.AppendLine();
        sb.AppendLine($"Generated by the libtorch cross-checks (tests/GradCheck/Oracle). Regenerate: `./scripts/conformance.sh`.{oneDnn}");
        sb.AppendLine();
        sb.AppendLine($"- configurations compared (forward + every input gradient): **{configs}**");
        sb.AppendLine($"- tensors compared (outputs, indices, gradients): **{tensors}**");
        sb.AppendLine($"- invalid configurations rejected by both engines: **{rejected}**");
        sb.AppendLine($"- double backward (gradient with create_graph, then a Hessian-vector product through it): **{hvpRows.Where(r => r.Key.Option == "(all)").Sum(r => r.Value.Configs)}** configurations, " +
                      $"**{hvpRows.Where(r => r.Key.Option == "(all)").Sum(r => r.Value.Tensors)}** tensors (own section below)");
        var (r64, a64) = Tolerance.For(DType.Float64);
        var (r32, a32) = Tolerance.For(DType.Float32);
        sb.AppendLine(string.Create(inv, $"- tolerance: |Δ| ≤ atol·max(1, max|ref|) + rtol·|ref|; float64 rtol = atol = {r64:g}, float32 rtol = atol = {r32:g} (Note [Oracle tolerances]); NaN/±∞ positions and indices exact"));
        sb.AppendLine();
        sb.AppendLine("Columns: *configs* = configurations compared; *tensors* = tensors compared in them; *max |Δ|* = worst absolute difference;");
        sb.AppendLine("*max |Δ|/scale* = worst difference relative to the tensor's magnitude (scale = max(1, max|ref|)); *tol used* = worst fraction of the tolerance used (≤ 1 passes).");
        sb.AppendLine();
        // From, Backward and Grad drive the engines; they are not ops.
        var ops = typeof(IOracleBackend).GetMethods().Select(m => m.Name).Where(n => n is not ("From" or "Backward" or "Grad") && !n.StartsWith("get_", StringComparison.Ordinal)).Distinct().Order().ToList();
        var missing = ops.Where(op => !rows.Any(r => r.Key.Op == op && r.Value.Configs > 0)).ToList();
        sb.AppendLine(missing.Count == 0
            ? $"Every op of the oracle's API ({ops.Count}) was compared."
            : $"**Not compared in this run:** {string.Join(", ", missing)}");
        sb.AppendLine();
        sb.AppendLine("| op | option | dtype | configs | tensors | max \\|Δ\\| | max \\|Δ\\|/scale | tol used |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var ((op, option, dtype), row) in rows.Where(r => r.Value.Configs > 0)
                     .OrderBy(r => r.Key.Op, StringComparer.Ordinal).ThenBy(r => r.Key.Option == "(all)" ? 0 : 1)
                     .ThenBy(r => r.Key.Option, StringComparer.Ordinal).ThenBy(r => r.Key.DType, StringComparer.Ordinal))
            sb.AppendLine(string.Create(inv, $"| {op} | {option} | {dtype} | {row.Configs} | {row.Tensors} | {row.WorstAbs:0.0e+0} | {row.WorstScaled:0.0e+0} | {row.WorstUsed:0.0e+0} |"));
        foreach (var op in missing) sb.AppendLine($"| {op} | NOT COMPARED | - | 0 | 0 | - | - | - |");
        sb.AppendLine();
        RenderDoubleBackward(sb, hvpRows, ops);
        sb.AppendLine("## Error agreement (invalid configurations rejected by libtorch and by us)");
        sb.AppendLine();
        sb.AppendLine("Each configuration runs in float32 and in float64, so each counts twice.");
        sb.AppendLine();
        sb.AppendLine("| op | rejected because | checks |");
        sb.AppendLine("|---|---|---:|");
        foreach (var ((op, option, _), row) in rows.Where(r => r.Value.Rejected > 0).OrderBy(r => r.Key.Op, StringComparer.Ordinal).ThenBy(r => r.Key.Option, StringComparer.Ordinal))
            sb.AppendLine($"| {op} | {(option.StartsWith("rejected: ", StringComparison.Ordinal) ? option["rejected: ".Length..] : option)} | {row.Rejected} |");
        return sb.ToString();
    }

    /// <summary>
    /// The double-backward section (Note [Double backward]): per op, the configurations where the first-order
    /// gradient (made with create_graph, upstream v) and the Hessian-vector product (the gradient of ⟨g, u⟩)
    /// agreed with libtorch's torch.autograd.grad(create_graph=True). Options are the cases' own tags.
    /// </summary>
    private static void RenderDoubleBackward(StringBuilder sb, KeyValuePair<(string Op, string Option, string DType), Row>[] hvpRows, List<string> ops)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## Double backward (Hessian-vector products)");
        sb.AppendLine();
        sb.AppendLine("Each configuration computes g = grad(f(x), x, v, create_graph=True) for a random upstream v, then the Hessian-vector");
        sb.AppendLine("product h = grad(Σ⟨g, u⟩, x) for a random u, in both engines from the same values (tests/GradCheck/Oracle/CrossCheck.Hvp.cs);");
        sb.AppendLine("*tensors* counts the g and h compared. Same tolerance and columns as above.");
        sb.AppendLine();
        var compared = ops.Where(op => hvpRows.Any(r => r.Key.Op == op && r.Value.Configs > 0)).ToList();
        sb.AppendLine(compared.Count == ops.Count
            ? $"Every op of the oracle's API ({ops.Count}) was compared."
            : $"Compared for {compared.Count} of the oracle's {ops.Count} ops; **not compared in this run:** {string.Join(", ", ops.Except(compared))}");
        sb.AppendLine();
        if (hvpRows.Length == 0) return;
        sb.AppendLine("| op | option | dtype | configs | tensors | max \\|Δ\\| | max \\|Δ\\|/scale | tol used |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var ((op, option, dtype), row) in hvpRows.Where(r => r.Value.Configs > 0)
                     .OrderBy(r => r.Key.Op, StringComparer.Ordinal).ThenBy(r => r.Key.Option == "(all)" ? 0 : 1)
                     .ThenBy(r => r.Key.Option, StringComparer.Ordinal).ThenBy(r => r.Key.DType, StringComparer.Ordinal))
            sb.AppendLine(string.Create(inv, $"| {op} | {option} | {dtype} | {row.Configs} | {row.Tensors} | {row.WorstAbs:0.0e+0} | {row.WorstScaled:0.0e+0} | {row.WorstUsed:0.0e+0} |"));
        sb.AppendLine();
    }

    private static string Name(DType d) => d == DType.Float32 ? "float32" : "float64";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Autograd.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
