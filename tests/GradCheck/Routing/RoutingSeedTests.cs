using Autograd.Samples.Explain;

namespace Autograd.Tests.RoutingMaps;

/// <summary>
/// Routing maps against the seeds' printed tables (SeedTables): seed 000's position matrices, seed 001's
/// TensorFlow SAME gradients, seed 004's one-cell-per-window rule; and the map's lookups and errors.
/// </summary>
public class RoutingSeedTests
{
    private static Tensor Seed000X() => Tensor.From(SeedData.Seed000X, [1, 6, 6]);

    [Theory]
    [InlineData("max", 2)]
    [InlineData("max", 1)]
    [InlineData("avg", 2)]
    [InlineData("avg", 1)]
    public void Seed000PositionMatricesAreTheSenderCounts(string op, int stride)
    {
        var map = op == "max" ? RoutingMap.MaxPool2d(Seed000X(), 2, stride) : RoutingMap.AvgPool2d(Seed000X(), 2, stride);
        var (positions, divisor) = SeedTables.Seed000(op, stride);
        Assert.Equal(positions.Select(p => (long)p), map.SenderCounts().ToArray<long>());
        // x.grad of mean(pool(x)) = weight sums / number of windows = the seed's printed x.grad.
        var sums = map.WeightSums().ToDoubleArray();
        for (int i = 0; i < 36; i++) Assert.Equal(positions[i] / (double)divisor, sums[i] / map.OutputCount, 1e-12);
    }

    [Fact]
    public void Seed000MaxPoolWindowsAreAvgPoolsPositionMatrix()
    {
        // A max window covers its four cells whether or not they win it: the window counts of max pooling
        // at stride 1 are the seed's avg position matrix, its sender counts the max one.
        var map = RoutingMap.MaxPool2d(Seed000X(), 2, 1);
        Assert.Equal(SeedTables.AvgS1Positions.Select(p => (long)p), map.WindowCounts().ToArray<long>());
        Assert.Equal(SeedTables.MaxS1Positions.Select(p => (long)p), map.SenderCounts().ToArray<long>());
        var text = map.ToString();
        Assert.StartsWith("max_pool2d routing map: input [1, 6, 6] -> output [1, 5, 5], 25 routes\n", text);
        Assert.Contains("[1, 0, 2, 2, 4, 0]\n", text);       // the seed's position matrix, row 3
        Assert.Contains("[2, 4, 4, 4, 4, 2]\n", text);       // the windows table
        // Cell (4, 1) holds 10, the maximum of four windows.
        int cell = map.InputIndex(0, 4, 1);
        Assert.Equal(4, map.SenderCount(cell));
        Assert.Equal([map.OutputIndex(0, 3, 0), map.OutputIndex(0, 3, 1), map.OutputIndex(0, 4, 0), map.OutputIndex(0, 4, 1)],
            map.RoutesInto(cell).ToArray().Select(r => r.Output));
        Assert.Equal("x[0, 4, 1] <- y[0, 3, 0] × 1; y[0, 3, 1] × 1; y[0, 4, 0] × 1; y[0, 4, 1] × 1\n", map.DescribeInput(cell));
        Assert.Equal([0, 4, 1], map.InputCoords(cell));
    }

    [Fact]
    public void Seed000MaxStride1PrintsTheSeedsTables()
    {
        // The whole printout (docs/learn/routing-maps.md shows it): senders = the seed's max position matrix,
        // windows = its avg position matrix, weight sums = the senders again (each route weighs 1).
        static string Rows(int[] v) => string.Concat(v.Chunk(6).Select(r => "[" + string.Join(", ", r) + "]\n"));
        string expected = "max_pool2d routing map: input [1, 6, 6] -> output [1, 5, 5], 25 routes\ninput plane [0]:\n" +
            "senders (output cells sending gradient to each cell; the position matrix):\n" + Rows(SeedTables.MaxS1Positions) +
            "windows (output windows that include each cell):\n" + Rows(SeedTables.AvgS1Positions) +
            "weight sums (x.grad of y.sum()):\n" + Rows(SeedTables.MaxS1Positions);
        Assert.Equal(expected, RoutingMap.MaxPool2d(Seed000X(), 2, 1).ToString());
    }

    [Fact]
    public void Seed001TensorFlowSameConvIsPadThenConv()
    {
        var x = Tensor.From(SeedData.Seed001X, [1, 1, 3, 3]);
        var w = Tensor.From(SeedData.Seed001Filter, [1, 1, 2, 2]);
        var map = RoutingMap.Pad(x, [0, 1, 0, 1]).Then(RoutingMap.Conv2d(F.Pad(x, [0, 1, 0, 1]), w, stride: 2));
        Assert.Equal("pad → conv2d", map.Op);
        Assert.Equal(SeedTables.Seed001ConvSameInputGrad.Select(v => (double)v), map.WeightSums().ToDoubleArray());
        // Stride 2 with a 2×2 filter: windows tile the padded 4×4 plane, so each real cell has one sender,
        // weighted by the filter tap over it.
        Assert.All(Enumerable.Range(0, 9), i => Assert.Equal(1, map.SenderCount(i)));
        Assert.Equal(2, map.Weight(map.InputIndex(0, 0, 1, 1), map.OutputIndex(0, 0, 0, 0)));
        Assert.Equal(0, map.Weight(map.InputIndex(0, 0, 1, 1), map.OutputIndex(0, 0, 1, 1)));
    }

    [Fact]
    public void Seed001TensorFlowSameAvgPoolDividesByRealCells()
    {
        var x = Tensor.From(SeedData.Seed001X, [1, 1, 3, 3]);
        var map = RoutingMap.AvgPool2d(x, 2, 2, ceilMode: true, countIncludePad: false);
        Assert.Equal(SeedTables.Seed001AvgSameInputGrad.Select(v => (double)v), map.WeightSums().ToDoubleArray());
        // avg pooling is linear: the routes from each output cell, applied to x, give the seed's SAME output.
        var forward = Enumerable.Range(0, 4).Select(o => map.RoutesFrom(o).ToArray().Sum(r => r.Weight * SeedData.Seed001X[r.Input]));
        Assert.Equal(SeedTables.Seed001AvgSame.Select(v => (double)v), forward);
        Assert.Contains("[0.25, 0.25,  0.5]\n[0.25, 0.25,  0.5]\n[ 0.5,  0.5,    1]\n", map.ToString());
    }

    [Fact]
    public void Seed004EachWindowSendsToExactlyOneCell()
    {
        var x = Tensor.From(SeedData.Seed004X(), [3, 4, 6, 6]);
        var map = RoutingMap.MaxPool2d(x, 2);
        Assert.Equal(108, map.OutputCount);
        Assert.All(Enumerable.Range(0, map.OutputCount), o => Assert.Equal(1, map.RoutesFrom(o).Length));
        Assert.Equal(108, Enumerable.Range(0, map.InputCount).Count(i => map.SenderCount(i) == 1));
        Assert.All(Enumerable.Range(0, map.InputCount), i => Assert.Equal(1, map.WindowCount(i)));
    }

    [Fact]
    public void LookupsAndMisuseNameTheArgument()
    {
        var map = RoutingMap.AvgPool2d(Seed000X(), 2);
        Assert.Equal(36, map.InputCount);
        Assert.Equal(9, map.OutputCount);
        Assert.Equal(36, map.Routes.Count);
        Assert.Equal([1, 3, 3], map.OutputShape.ToArray());
        Assert.Equal([0, 2, 1], map.OutputCoords(7));
        Assert.Equal(0.25, map.Weight(0, 0));
        Assert.Equal(0, map.Weight(0, 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => map.RoutesInto(36));
        Assert.Equal("input", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.RoutesFrom(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.InputIndex(0, 6, 0));
        Assert.Throws<ArgumentException>(() => map.InputIndex(0, 1));
        var ex = Assert.Throws<ArgumentException>(() => map.Backward(Tensor.Ones([1, 3, 4])));
        Assert.Contains("avg_pool2d output shape [1, 3, 3]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => map.Then(map));
        Assert.Contains("RoutingMap.Then: avg_pool2d takes an input of shape [1, 6, 6], but avg_pool2d gives [1, 3, 3]", ex.Message);
    }

    [Fact]
    public void EmptyBatchAndEmptyOutputGiveEmptyMaps()
    {
        var empty = RoutingMap.MaxPool2d(Tensor.Zeros([0, 2, 5, 6]), 2);
        Assert.Equal([0, 2, 2, 3], empty.OutputShape.ToArray());
        Assert.Empty(empty.Routes);
        var none = RoutingMap.AdaptiveAvgPool2d(Tensor.Zeros([1, 4, 4]), (0, 2));
        Assert.Equal(0, none.OutputCount);
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal(0, none.SenderCount(i)));
    }

    [Fact]
    public void LargeMapsPrintASummaryOnly()
    {
        var map = RoutingMap.AvgPool2d(Tensor.Zeros([2, 3, 40, 40]), 2);
        Assert.Equal(2, map.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
