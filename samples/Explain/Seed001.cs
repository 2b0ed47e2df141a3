namespace Autograd.Samples.Explain;

/// <summary>
/// Seed 001 (TensorFlow, NHWC): the 3×3 input M, one 2×2 filter and bias 1. conv2d SAME with stride 2
/// pads one row and column at the bottom/right only; avg_pool SAME divides by the real cells only.
/// In our (PyTorch's) terms: F.Pad then conv2d; avg_pool2d with ceilMode and countIncludePad: false.
/// </summary>
public static class Seed001
{
    public static SeedReport Replay()
    {
        var report = new SeedReport("seed001", "TensorFlow SAME/VALID, conv and pooling gradients");
        var x = Tensor.From(SeedData.Seed001X, [1, 1, 3, 3], requiresGrad: true);
        var w = Tensor.From(SeedData.Seed001Filter, [1, 1, 2, 2], requiresGrad: true);
        var b = Tensor.From(new[] { SeedData.Seed001Bias }, [1], requiresGrad: true);
        report.Table("x", "x", x.Detach()).Table("w", "w", w.Detach()).Table("b", "b", b.Detach());

        int[] pad = TfPadding.SamePad(3, 3, 2, 2);
        report.Line().Line("--- conv2d, TensorFlow SAME, stride 2");
        report.Line($"out = ceil(3 / 2) = 2; total padding (2 - 1)*2 + 2 - 3 = 1: top/left 0, bottom/right 1 -> F.Pad(x, [{string.Join(", ", pad)}])");
        var y = F.Conv2d(F.Pad(x, pad), w, b, stride: 2);
        y.Sum().Backward();
        report.Table("conv-same.y", "y = conv2d(pad(x), w, b, stride=2)", y);
        report.Line("y.sum().backward()");
        report.Table("conv-same.w.grad", "w.grad", w.Grad!).Table("conv-same.b.grad", "b.grad", b.Grad!).Table("conv-same.x.grad", "x.grad", x.Grad!);
        var padded = F.Pad(x.Detach(), pad);
        report.Line(RoutingMap.Pad(x, pad).Then(RoutingMap.Conv2d(padded, w, stride: 2)).ToString().TrimEnd());

        report.Line().Line("--- conv2d, TensorFlow VALID, stride 2 (no padding: H' = 1 + (H - HH) / stride = 1 + (3 - 2) / 2 = 1)");
        report.Table("conv-valid.y", "y = conv2d(x, w, b, stride=2, padding='valid')", F.Conv2d(x.Detach(), w.Detach(), b.Detach(), stride: 2, padding: "valid"));

        report.Line().Line("--- avg_pool 2x2, stride 2");
        var xp = Tensor.From(SeedData.Seed001X, [1, 1, 3, 3], requiresGrad: true);
        report.Table("avg-valid.y", "VALID: avg_pool2d(x, 2, 2)", F.AvgPool2d(xp.Detach(), 2, 2));
        report.Line("SAME pads the bottom/right and divides by the real cells: ceil_mode=True, count_include_pad=False (no top/left padding)");
        var same = F.AvgPool2d(xp, 2, 2, ceilMode: true, countIncludePad: false);
        same.Sum().Backward();
        report.Table("avg-same.y", "SAME: avg_pool2d(x, 2, 2, ceil_mode=True, count_include_pad=False)", same);
        report.Table("avg-same.x.grad", "SAME.sum().backward(): x.grad", xp.Grad!);
        report.Line(RoutingMap.AvgPool2d(xp, 2, 2, ceilMode: true, countIncludePad: false).ToString().TrimEnd());
        return report;
    }
}
