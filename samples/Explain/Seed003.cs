namespace Autograd.Samples.Explain;

/// <summary>
/// Seed 003: the pooling family on a 5×5 map with a 3×3 window at stride 1 (max, average, sum, Lp,
/// global), per channel; and its numpy Pooling layer, whose output size h // stride and backward
/// np.repeat(grad, stride) are right only when stride == kernel size and the size divides evenly.
/// The post's figures are images; the input here is 1 … 25 row by row, whose tables are easy by hand.
/// </summary>
public static class Seed003
{
    public static SeedReport Replay()
    {
        var report = new SeedReport("seed003", "the pooling family, and a numpy layer's limits");
        var values = Enumerable.Range(1, 25).Select(v => (float)v).ToArray();
        report.Table("x", "x", Tensor.From(values, [1, 1, 5, 5]));

        (string Key, string Call, Func<Tensor, Tensor> Op, Func<Tensor, RoutingMap> Map)[] family =
        [
            ("max", "max_pool2d(x, 3, stride=1)", t => F.MaxPool2d(t, 3, 1), t => RoutingMap.MaxPool2d(t, 3, 1)),
            ("avg", "avg_pool2d(x, 3, stride=1)", t => F.AvgPool2d(t, 3, 1), t => RoutingMap.AvgPool2d(t, 3, 1)),
            ("sum", "sum pooling = avg_pool2d(x, 3, stride=1, divisor_override=1)", t => F.AvgPool2d(t, 3, 1, divisorOverride: 1), t => RoutingMap.AvgPool2d(t, 3, 1, divisorOverride: 1)),
            ("lp2", "lp_pool2d(x, 2, 3, stride=1) (the window's Euclidean norm)", t => F.LpPool2d(t, 2, 3, 1), t => RoutingMap.LpPool2d(t, 2, 3, 1)),
            ("global-avg", "global average: adaptive_avg_pool2d(x, 1)", t => F.AdaptiveAvgPool2d(t, 1), t => RoutingMap.AdaptiveAvgPool2d(t, 1)),
            ("global-max", "global max: adaptive_max_pool2d(x, 1)", t => F.AdaptiveMaxPool2d(t, 1), t => RoutingMap.AdaptiveMaxPool2d(t, 1)),
        ];
        foreach (var (key, call, op, mapOf) in family)
        {
            var x = Tensor.From(values, [1, 1, 5, 5], requiresGrad: true);
            var y = op(x);
            y.Sum().Backward();
            report.Line().Line($"--- y = {call}; y.sum().backward()");
            report.Table(key + ".y", "y", y.Detach());
            report.Table(key + ".grad", "x.grad", x.Grad!);
            if (key is "max" or "avg") report.Table(key + ".windows", "windows covering each cell", mapOf(x).WindowCounts());
        }

        report.Line().Line("--- per channel: 3 channels in, 3 out (each plane pooled on its own)");
        var channels = Tensor.From(Enumerable.Range(0, 75).Select(v => (float)v).ToArray(), [1, 3, 5, 5]);
        report.Line($"max_pool2d(x of shape {channels.Shape}, 3, stride=1) has shape {F.MaxPool2d(channels, 3, 1).Shape}");

        report.Line().Line("--- the post's numpy Pooling layer against the engine (sum of the output as the loss)");
        foreach (var (size, k, s) in new[] { (4, 2, 2), (5, 2, 2), (5, 3, 2), (4, 2, 1) })
            report.Line(NumpyLayer.Compare(size, k, s));
        return report;
    }
}
