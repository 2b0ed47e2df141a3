using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// Double backward of the pooling ops against libtorch in the same process (CrossCheck.CompareHvp: the
/// first-order gradient with createGraph and a Hessian-vector product through it), float32 and float64.
/// Most cases square the pooled output, so the HVP goes through the double-backward node and back through
/// the forward; every third max/avg case pools alone, where the gradient still requires grad (as PyTorch's:
/// its node takes the input too) and the HVP is zero.
/// </summary>
[Collection(OracleCollection.Name)]
public class PoolHvpOracleTests
{
    private static string Shape(int[] s) => $"x[{string.Join(",", s)}]";

    private static OracleTensor Squared(IOracleBackend e, OracleTensor y, bool square) => square ? e.Mul(y, y) : y;

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> MaxAndAvg()
    {
        var r = Sweep.Random(1313);
        for (int n = 0, made = 0; made < 36; n++)
        {
            var c = PoolOracleTests.RandomValid(r, max: true);
            if (c.GuardTrips) continue;   // padding-only windows crash libtorch (MaxPoolGuardTests)
            bool square = made++ % 3 != 2;
            string[] tags = [.. PoolOracleTests.CommonTags(c), c.Dilation == new Pair(1, 1) ? "dilation 1" : "dilation > 1", square ? "y·y" : "y alone"];
            yield return (new Case("MaxPool2d", c.Describe(max: true) + (square ? " squared" : ""), tags, [new Input(c.Shape, c.Kind)]),
                (e, x) => Squared(e, e.MaxPool2d(x[0], c.Kernel, c.Stride, c.Padding, c.Dilation, c.Ceil), square));
        }
        for (int made = 0; made < 36; made++)
        {
            var c = PoolOracleTests.RandomValid(r, max: false);
            bool square = made % 3 != 2;
            string[] tags = [.. PoolOracleTests.CommonTags(c), c.CountIncludePad ? "count_include_pad" : "count_include_pad=False",
                c.Divisor is null ? "no divisor_override" : c.Divisor < 0 ? "negative divisor_override" : "divisor_override", square ? "y·y" : "y alone"];
            yield return (new Case("AvgPool2d", c.Describe(max: false) + (square ? " squared" : ""), tags, [new Input(c.Shape, c.Kind)]),
                (e, x) => Squared(e, c.Avg(e, x[0]), square));
        }
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Adaptive()
    {
        (int[] Shape, Pair Out)[] grid =
        [
            ([1, 2, 5, 7], (3, 4)), ([2, 3, 6, 6], (4, 4)), ([3, 5, 4], (5, 2)), ([1, 2, 4, 5], (1, 1)),
            ([2, 6, 7], (7, 3)), ([1, 1, 9, 3], (4, 3)),
        ];
        for (int i = 0; i < grid.Length; i++)
        {
            var (shape, o) = grid[i];
            bool square = i % 3 != 2;
            string[] tags = [shape.Length == 3 ? "unbatched (C, H, W)" : "batched (N, C, H, W)", shape[^2] % o.H != 0 || shape[^1] % o.W != 0 ? "uneven windows" : "even windows", square ? "y·y" : "y alone"];
            string cfg = $"{Shape(shape)} output {o}" + (square ? " squared" : "");
            yield return (new Case("AdaptiveAvgPool2d", cfg, tags, [new Input(shape)]), (e, x) => Squared(e, e.AdaptiveAvgPool2d(x[0], o), square));
            yield return (new Case("AdaptiveMaxPool2d", cfg, tags, [new Input(shape, i % 2 == 0 ? Data.Normal : Data.Ties)]),
                (e, x) => Squared(e, e.AdaptiveMaxPool2d(x[0], o), square));
        }
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Unpool()
    {
        var r = Sweep.Random(1717);
        for (int i = 0; i < 10; i++)
        {
            Pair k = 1 + r.Next(3);
            Pair s = r.Next(3) == 0 ? k : (1 + r.Next(3), 1 + r.Next(3));
            Pair p = (r.Next(k.H / 2 + 1), r.Next(k.W / 2 + 1));
            int h = 1 + r.Next(4), w = 1 + r.Next(4), planes = 2;
            int oh = (h - 1) * s.H - 2 * p.H + k.H, ow = (w - 1) * s.W - 2 * p.W + k.W;
            if (oh < 1 || ow < 1 || h * w > oh * ow) { i--; continue; }
            // distinct indices inside each output plane (a repeated index's forward depends on write order)
            var indices = new int[planes * h * w];
            for (int pl = 0; pl < planes; pl++)
                Enumerable.Range(0, oh * ow).OrderBy(_ => r.Next()).Take(h * w).ToArray().CopyTo(indices, pl * h * w);
            bool unbatched = i % 3 == 0;
            int[] shape = unbatched ? [planes, h, w] : [1, planes, h, w];
            yield return (new Case("MaxUnpool2d", $"{Shape(shape)} kernel {k} stride {s} padding {p} squared",
                    [unbatched ? "unbatched (C, H, W)" : "batched (N, C, H, W)", p == new Pair(0, 0) ? "padding 0" : "padding > 0"], [new Input(shape)]),
                (e, x) => { var u = e.MaxUnpool2d(x[0], indices, k, s, p); return e.Mul(u, u); });
        }
        // The round trip with each engine's own indices; stride 1 repeats indices (overlapping windows).
        foreach (var (k, s) in new (int, int)[] { (2, 2), (3, 2), (2, 1) })
            yield return (new Case("MaxUnpool2d", $"unpool(max_pool2d(x)) kernel {k} stride {s} squared", ["round trip with max_pool2d indices"], [new Input([2, 3, 7, 8])]),
                (e, x) =>
                {
                    var (y, idx) = e.MaxPool2dWithIndices(x[0], k, s);
                    var u = e.MaxUnpool2d(y, idx, k, s, outputSize: [7, 8]);
                    return e.Mul(u, u);
                });
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxAndAvgPoolingAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, MaxAndAvg());

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AdaptivePoolingAgreesWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Adaptive());

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxUnpoolingAgreesWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Unpool());
}
