using System.Text.Json.Nodes;

namespace Autograd.Tests.Teaching;

/// <summary>The routing maps the trace page shows (one-hot gradients through the node's own rule), against hand-derived tables.</summary>
public class RoutingMapTests
{
    private static int[] Counts(JsonObject map) => map["counts"]!.AsArray().Select(c => (int)c!).ToArray();

    private static string Cell(JsonObject map, int cell) =>
        string.Join(" ", map["cells"]![cell]!.AsArray().Select(e => $"({(int)e![0]!},{(int)e[1]!})×{(double)e[2]!}"));

    [Fact]
    public void MaxPoolingSendsEachWindowsGradientToItsMaximum()
    {
        // 2×2 windows, stride 1, on a ramp: every window's maximum is its bottom-right cell.
        var x = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [1, 1, 3, 3], requiresGrad: true);
        var map = Routing.Map(F.MaxPool2d(x, 2, stride: 1).GradFn!, 1024)!;
        Assert.Equal([0, 0, 0, 0, 1, 1, 0, 1, 1], Counts(map));
        Assert.Equal("(0,0)×1", Cell(map, 4));
        Assert.Equal("(1,1)×1", Cell(map, 8));
    }

    [Fact]
    public void MaxPoolingTiesGoToTheFirstMaximumInTheWindow()
    {
        // All equal: PyTorch's kernel keeps the first maximum it scans (row-major), the window's top-left cell.
        var x = Tensor.Ones([1, 1, 3, 3], DType.Float64, requiresGrad: true);
        var map = Routing.Map(F.MaxPool2d(x, 2, stride: 1).GradFn!, 1024)!;
        Assert.Equal([1, 1, 0, 1, 1, 0, 0, 0, 0], Counts(map));
    }

    [Fact]
    public void ConvolutionSendsEachOutputsGradientThroughTheKernel()
    {
        // out(i, j) = Σ w(a, b) x(i + a, j + b): input cell (1, 1) is read by all four outputs, by w(1,1), w(1,0), w(0,1), w(0,0).
        var x = TestData.Randn([1, 1, 3, 3], 3);
        var w = Tensor.From(new double[] { 1, 2, 3, 4 }, [1, 1, 2, 2], requiresGrad: true);
        var map = Routing.Map(F.Conv2d(x, w).GradFn!, 1024)!;
        Assert.Equal([1, 2, 1, 2, 4, 2, 1, 2, 1], Counts(map));
        Assert.Equal("(0,0)×4 (0,1)×3 (1,0)×2 (1,1)×1", Cell(map, 4));
        Assert.Equal("(0,0)×1", Cell(map, 0));
    }

    [Fact]
    public void OtherNodesHaveNoMapAndLargeOnesSaySo()
    {
        var x = TestData.Randn([1, 1, 4, 4], 4);
        Assert.Null(Routing.Map(F.Relu(x).GradFn!, 1024));
        var big = Routing.Map(F.AvgPool2d(x, 1).GradFn!, 8)!;
        Assert.Contains("larger than the 8 cells", (string)big["skipped"]!);
    }
}
