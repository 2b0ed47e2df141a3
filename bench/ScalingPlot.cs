using System.Globalization;
using System.Text;

namespace Autograd.Bench;

/// <summary>
/// `--plot SUMMARY.csv OUT.svg`: draws the size-scaling family's ratio to libtorch 2.10 against input size
/// (Note [Size-scaling family]) as a plain SVG, one panel per pass, one line per op. Written by hand
/// rather than with a plotting package: the bench must build offline, and two log-scaled panels of
/// polylines are a few dozen lines.
/// </summary>
public static class ScalingPlot
{
    private const int PanelW = 420, PanelH = 300, Left = 60, Top = 40, Gap = 70, Bottom = 50, LegendH = 30;
    private const double MinRatio = 0.125, MaxRatio = 8;

    private static readonly (string Op, string Label, string Colour)[] Series =
    [
        ("conv", "conv2d k3 p1", "#1f77b4"), ("maxpool", "max_pool2d k2 s2", "#d62728"), ("avgpool", "avg_pool2d k2 s2", "#2ca02c"),
        ("mean", "mean", "#9467bd"), ("train", "training step", "#ff7f0e"),
    ];

    /// <summary>Reads summary.csv, or --paired's paired.csv (its paired median ratio), at <paramref name="threads"/> threads and writes the SVG; returns the number of points drawn.</summary>
    public static int Write(string summaryCsv, string svgPath, int threads = 2)
    {
        var points = new List<(string Op, string Pass, long Size, double Ratio)>();
        var lines = File.ReadAllLines(summaryCsv);
        var header = lines[0].Split(',');
        int col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new FormatException($"--plot: {summaryCsv} has no column '{name}'");
        int caseCol = col("case"), threadsCol = col("threads"), passCol = col("pass"), ratioCol = Array.IndexOf(header, "ratio_torchsharp") >= 0 ? col("ratio_torchsharp") : col("ratio_paired_median");
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            if (f.Length <= ratioCol || Cases.ScaleInputSize(f[caseCol]) is not { } size) continue;
            if (int.Parse(f[threadsCol], CultureInfo.InvariantCulture) != threads || f[ratioCol].Length == 0) continue;
            points.Add((f[caseCol].Split('_')[1], f[passCol], size, double.Parse(f[ratioCol], CultureInfo.InvariantCulture)));
        }
        if (points.Count == 0) throw new InvalidOperationException($"--plot: no scale_* rows with {threads} threads and a ratio in {summaryCsv}");

        double minX = Math.Log10(points.Min(p => p.Size)) - 0.2, maxX = Math.Log10(points.Max(p => p.Size)) + 0.2;
        int width = Left + 2 * PanelW + Gap + 20, height = Top + PanelH + Bottom + LegendH;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        string[] passes = ["fwd", "fwd+bwd"];
        for (int pi = 0; pi < passes.Length; pi++)
        {
            double x0 = Left + pi * (PanelW + Gap);
            double X(long size) => x0 + (Math.Log10(size) - minX) / (maxX - minX) * PanelW;
            double Y(double ratio) => Top + (1 - (Math.Log2(Math.Clamp(ratio, MinRatio, MaxRatio)) - Math.Log2(MinRatio)) / (Math.Log2(MaxRatio) - Math.Log2(MinRatio))) * PanelH;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + PanelW / 2}\" y=\"{Top - 15}\" text-anchor=\"middle\" font-size=\"14\">{passes[pi]}: ours / libtorch 2.10, {threads} threads</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0}\" y=\"{Top}\" width=\"{PanelW}\" height=\"{PanelH}\" fill=\"none\" stroke=\"#444\"/>\n");
            for (double r = MinRatio; r <= MaxRatio; r *= 2)
            {
                string stroke = r == 1 ? "stroke=\"#000\" stroke-width=\"1.5\"" : "stroke=\"#ddd\"";
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" x2=\"{x0 + PanelW}\" y1=\"{Y(r):F1}\" y2=\"{Y(r):F1}\" {stroke}/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 5}\" y=\"{Y(r) + 4:F1}\" text-anchor=\"end\">{r:0.###}×</text>\n");
            }
            for (int e = (int)Math.Ceiling(minX); e <= maxX; e++)
            {
                double gx = x0 + (e - minX) / (maxX - minX) * PanelW;
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{gx:F1}\" x2=\"{gx:F1}\" y1=\"{Top}\" y2=\"{Top + PanelH}\" stroke=\"#ddd\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{gx:F1}\" y=\"{Top + PanelH + 16}\" text-anchor=\"middle\">10^{e}</text>\n");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + PanelW / 2}\" y=\"{Top + PanelH + 34}\" text-anchor=\"middle\">input elements (N·C·H·W; training step: N·28·28)</text>\n");
            foreach (var (op, _, colour) in Series)
            {
                var s = points.Where(p => p.Op == op && p.Pass == passes[pi]).OrderBy(p => p.Size).ToList();
                if (s.Count == 0) continue;
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{string.Join(' ', s.Select(p => FormattableString.Invariant($"{X(p.Size):F1},{Y(p.Ratio):F1}")))}\"/>\n");
                foreach (var p in s)
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.Size):F1}\" cy=\"{Y(p.Ratio):F1}\" r=\"3.5\" fill=\"{colour}\"><title>{op} {p.Size} elements: {p.Ratio:F2}</title></circle>\n");
            }
        }
        double lx = Left;
        foreach (var (_, label, colour) in Series)
        {
            double ly = Top + PanelH + Bottom + 12;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{lx}\" x2=\"{lx + 20}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"3\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 25}\" y=\"{ly + 4}\">{label}</text>\n");
            lx += 30 + 8 * label.Length;
        }
        svg.Append("</svg>\n");
        File.WriteAllText(svgPath, svg.ToString());
        return points.Count;
    }
}
