using System.Globalization;
using System.Text;

namespace Autograd;

public sealed partial class RoutingMap
{
    /// <summary>Inputs larger than this print a summary only: the tables are for looking at.</summary>
    private const int MaxPrintedCells = 4096;

    /// <summary>
    /// The seeds' tables for each input plane (the last two dims; the leading ones name the plane):
    /// the senders ("position matrix": how many output cells send gradient to each cell), the window
    /// counts when they differ from it (max pooling), and the weight sums (x.grad of y.sum()).
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Op} routing map: input {ShapeUtil.Format(_inputShape)} -> output {ShapeUtil.Format(_outputShape)}, {_byInput.Length} routes\n");
        if (InputCount > MaxPrintedCells || _inputShape.Length < 2)
            return sb.Append("(tables printed for inputs of 2 or more dims and at most 4096 cells; use RoutesInto / SenderCounts / WeightSums)\n").ToString();
        int h = _inputShape[^2], w = _inputShape[^1], planes = InputCount / Math.Max(1, h * w);
        bool windowsDiffer = Enumerable.Range(0, InputCount).Any(i => _windows[i] != SenderCount(i));
        for (int p = 0; p < planes; p++)
        {
            if (planes > 1 || _inputShape.Length > 2)
                sb.Append("input plane [").AppendJoin(", ", InputCoords(p * h * w)[..^2]).Append("]:\n");
            int first = p * h * w;
            sb.Append("senders (output cells sending gradient to each cell; the position matrix):\n");
            Table(sb, h, w, i => SenderCount(first + i).ToString(CultureInfo.InvariantCulture));
            if (windowsDiffer)
            {
                sb.Append("windows (output windows that include each cell):\n");
                Table(sb, h, w, i => _windows[first + i].ToString(CultureInfo.InvariantCulture));
            }
            sb.Append("weight sums (x.grad of y.sum()):\n");
            Table(sb, h, w, i => Number(WeightSum(first + i)));
        }
        return sb.ToString();
    }

    /// <summary>
    /// One line per route into input cell <paramref name="input"/>: "x[0, 1, 1] &lt;- y[0, 0, 0] × 0.25".
    /// </summary>
    public string DescribeInput(int input)
    {
        var sb = new StringBuilder();
        sb.Append("x[").AppendJoin(", ", InputCoords(input)).Append(']');
        var routes = RoutesInto(input);
        if (routes.IsEmpty) return sb.Append(" <- nothing\n").ToString();
        sb.Append(" <-");
        foreach (var r in routes)
            sb.Append(" y[").AppendJoin(", ", OutputCoords(r.Output)).Append("] × ").Append(Number(r.Weight)).Append(';');
        sb.Length--;
        return sb.Append('\n').ToString();
    }

    /// <summary>A weight as the seeds print it: at most 4 decimals, no trailing zeros ("0.25", "0.1111", "-1").</summary>
    internal static string Number(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return v.ToString(CultureInfo.InvariantCulture);
        var s = Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    private static void Table(StringBuilder sb, int h, int w, Func<int, string> cell)
    {
        var cells = Enumerable.Range(0, h * w).Select(cell).ToArray();
        int width = cells.Max(c => c.Length);
        for (int r = 0; r < h; r++)
        {
            sb.Append('[');
            for (int c = 0; c < w; c++) sb.Append(c == 0 ? "" : ", ").Append(cells[r * w + c].PadLeft(width));
            sb.Append("]\n");
        }
    }
}
