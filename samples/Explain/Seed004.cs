namespace Autograd.Samples.Explain;

/// <summary>
/// Seed 004: max pooling's backward must send each window's gradient to exactly one cell, for all
/// images and channels at once. A boolean mask x == max marks every tied maximum, and ties are common
/// (over half the windows of the author's data; here values in {0, 1, 2}).
/// </summary>
public static class Seed004
{
    public static SeedReport Replay()
    {
        var report = new SeedReport("seed004", "ties: one cell per window");
        var values = SeedData.Seed004X();
        var x = Tensor.From(values, [3, 4, 6, 6], requiresGrad: true);
        var y = F.MaxPool2d(x, 2);
        y.Sum().Backward();
        var map = RoutingMap.MaxPool2d(x, 2);

        // The mask x == max(window), upsampled: how many cells of each window it marks.
        int tied = 0, masked = 0;
        var maxima = y.ToFloatArray();
        for (int o = 0; o < map.OutputCount; o++)
        {
            int atMax = WindowCells(map, o).Count(i => values[i] == maxima[o]);
            masked += atMax;
            if (atMax > 1) tied++;
        }
        int receiving = Enumerable.Range(0, map.InputCount).Count(i => map.SenderCount(i) > 0);
        report.Line("x: (3, 4, 6, 6), values (i*i + 3*i) % 5 // 2 in {0, 1, 2}; y = max_pool2d(x, 2); y.sum().backward()");
        report.Line($"windows: {map.OutputCount}");
        report.Line($"windows with a tied maximum: {tied}");
        report.Line($"cells a boolean mask x == max would mark: {masked}");
        report.Line($"cells the engine sends gradient to: {receiving} (one per window: the first maximum in row-major order)");
        report.Line($"gradient sum: {x.Grad!.Sum()}");
        report.Table("x[0,0]", "x[0, 0]", x.Detach()[0, 0]);
        report.Table("x.grad[0,0]", "x.grad[0, 0]", x.Grad![0, 0]);
        return report;
    }

    /// <summary>The 2×2 window of output cell o of max_pool2d(x, 2) on (3, 4, 6, 6), as flat input indices.</summary>
    private static IEnumerable<int> WindowCells(RoutingMap map, int o)
    {
        var c = map.OutputCoords(o);
        for (int r = 0; r < 2; r++)
            for (int s = 0; s < 2; s++)
                yield return map.InputIndex(c[0], c[1], 2 * c[2] + r, 2 * c[3] + s);
    }
}
