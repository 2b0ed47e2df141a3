using System.Globalization;

namespace Autograd.Samples.FashionMnist;

/// <summary>
/// A plain-text column chart of the loss curve: the steps are split into <c>width</c> buckets, each
/// column is the bucket's mean loss, drawn with eighth-block characters so a 12-row chart has 96
/// levels. Plain text on purpose: it reads the same on a terminal, in a CI log and in a file.
/// </summary>
internal static class LossChart
{
    private static readonly char[] Eighths = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

    public static IReadOnlyList<string> Render(IReadOnlyList<double> values, int width, int height)
    {
        if (values.Count == 0) return ["(no steps)"];
        int columns = Math.Min(width, values.Count);
        var means = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            int from = (int)((long)c * values.Count / columns), to = (int)((long)(c + 1) * values.Count / columns);
            double s = 0;
            for (int i = from; i < to; i++) s += values[i];
            means[c] = s / (to - from);
        }
        // The axis spans the curve itself (not 0..max): the interesting part of a loss curve is its
        // tail, which a zero-based axis squashes into the bottom rows. The labels say where it sits.
        double lo = means.Min(), hi = means.Max();
        if (hi - lo < 1e-9) hi = lo + 1e-9;
        string Label(double v) => v.ToString("F2", CultureInfo.InvariantCulture).PadLeft(6);
        var lines = new List<string>();
        for (int row = height - 1; row >= 0; row--)
        {
            var line = new char[columns];
            for (int c = 0; c < columns; c++)
            {
                // eighths of this row covered by the column
                double level = (means[c] - lo) / (hi - lo) * height * 8 - row * 8;
                line[c] = Eighths[(int)Math.Clamp(Math.Round(level), row == 0 ? 1 : 0, 8)];
            }
            string axis = row == height - 1 ? Label(hi) : row == 0 ? Label(lo) : new string(' ', 6);
            lines.Add(axis + " ┤" + new string(line));
        }
        string steps = values.Count.ToString(CultureInfo.InvariantCulture);
        lines.Add(new string(' ', 7) + "└" + new string('─', columns));
        lines.Add(new string(' ', 8) + "step 1" + steps.PadLeft(Math.Max(1, columns - 6)));
        return lines;
    }
}
