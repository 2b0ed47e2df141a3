namespace Autograd.Samples.Explain;

/// <summary>
/// Seed 000: loss = mean(pool(x)) on one 6×6 plane, for max and average pooling with a 2×2 window at
/// stride 2 (windows tile the plane) and stride 1 (windows overlap). x.grad is the "position matrix"
/// (how many windows send gradient to each cell) divided by the number of windows (× 4 for avg).
/// </summary>
public static class Seed000
{
    public static readonly (string Op, int Stride)[] Cases = [("max", 2), ("max", 1), ("avg", 2), ("avg", 1)];

    public static SeedReport Replay()
    {
        var report = new SeedReport("seed000", "pooling backward, and why stride matters");
        report.Table("x", "x", Tensor.From(SeedData.Seed000X, [1, 6, 6]));
        foreach (var (op, stride) in Cases)
        {
            var x = Tensor.From(SeedData.Seed000X, [1, 6, 6], requiresGrad: true);
            var y = op == "max" ? F.MaxPool2d(x, 2, stride) : F.AvgPool2d(x, 2, stride);
            y.Mean().Backward();
            var map = op == "max" ? RoutingMap.MaxPool2d(x, 2, stride) : RoutingMap.AvgPool2d(x, 2, stride);
            int windows = y.Numel, share = op == "max" ? 1 : 4, divisor = windows * share;
            string key = $"{op}-s{stride}";

            report.Line().Line($"--- y = {op}_pool2d(x, kernel_size=2, stride={stride}); y.mean().backward()");
            report.Table(key + ".y", "y", y);
            report.Table(key + ".grad", "x.grad", x.Grad!);
            report.Table(key + ".positions", "position matrix (Routing map: windows sending gradient to each cell)", map.SenderCounts());
            report.Line(op == "max"
                ? $"each of the {windows} windows sends 1/{windows} (the mean) to its maximum only: x.grad = positions / {divisor}"
                : $"each of the {windows} windows sends 1/{windows} (the mean), shared by its 4 cells: x.grad = positions / {divisor}");
            int busiest = Enumerable.Range(0, map.InputCount).MaxBy(map.SenderCount);
            report.Line($"busiest cell: {map.DescribeInput(busiest).TrimEnd()}");
        }
        return report;
    }
}
