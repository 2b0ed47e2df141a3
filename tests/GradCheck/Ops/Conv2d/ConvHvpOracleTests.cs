using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Conv2d;

/// <summary>
/// conv2d's double backward against libtorch 2.10 in the same process (CrossCheck.CompareHvp: the
/// first-order gradients under create_graph, then a Hessian-vector product through them), float32 and
/// float64, over a seeded random grid of every option, the wide-layer fast paths and the bounded loops.
/// </summary>
[Collection(OracleCollection.Name)]
public class ConvHvpOracleTests
{
    /// <summary>One configuration; Square feeds conv(x, w)² onward, so the upstream gradient depends on x and w too.</summary>
    private sealed record Conv(int N, int C, int H, int W, int OutC, int KH, int KW, Pair Stride, Padding Padding, Pair Dilation,
        int Groups, bool Bias, bool Unbatched, bool InputGrad, bool Square)
    {
        private int[] InputShape => Unbatched ? [C, H, W] : [N, C, H, W];

        public Case ToCase(params string[] extra)
        {
            var inputs = new List<Input> { new(InputShape, Data.Normal, InputGrad), new([OutC, C / Groups, KH, KW]) };
            if (Bias) inputs.Add(new Input([OutC]));
            string config = $"x[{string.Join(",", InputShape)}] w[{OutC},{C / Groups},{KH},{KW}]{(Bias ? " bias" : "")} stride {Stride} padding {Padding} dilation {Dilation} groups {Groups}{(Square ? ", squared" : "")}";
            string[] tags =
            [
                Stride == new Pair(1, 1) ? "stride 1" : "stride > 1",
                Padding.Mode is { } m ? $"padding '{m}'" : Padding.Size == new Pair(0, 0) ? "padding 0" : "padding > 0",
                Dilation == new Pair(1, 1) ? "dilation 1" : "dilation > 1",
                Groups == 1 ? "groups 1" : "groups > 1",
                Bias ? "bias" : "no bias",
                Unbatched ? "unbatched (C, H, W)" : "batched (N, C, H, W)",
                InputGrad ? "input requires grad" : "input without grad",
                Square ? "conv then square" : "conv alone (bilinear)",
                .. extra,
            ];
            return new Case("Conv2d", config, tags, [.. inputs]);
        }

        public OracleTensor Run(IOracleBackend e, OracleTensor[] x)
        {
            var y = e.Conv2d(x[0], x[1], Bias ? x[2] : null, Stride, Padding, Dilation, Groups);
            return Square ? e.Mul(y, y) : y;
        }
    }

    /// <summary>A valid configuration drawn at random, small enough to compare quickly.</summary>
    private static Conv RandomValid(Random r)
    {
        int groups = r.Next(3) == 0 ? 1 + r.Next(3) : 1;
        int c = groups * (1 + r.Next(2)), outC = groups * (1 + r.Next(2));
        int kh = 1 + r.Next(3), kw = r.Next(3) == 0 ? 1 + r.Next(3) : kh;
        Pair dilation = r.Next(3) == 0 ? (1 + r.Next(2), 1 + r.Next(3)) : 1;
        int mode = r.Next(5);   // 0-2 explicit, 3 same, 4 valid
        Pair stride = mode == 3 ? 1 : r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1 + r.Next(2);
        Padding padding = mode switch
        {
            3 => "same",
            4 => "valid",
            _ => r.Next(2) == 0 ? (Padding)r.Next(3) : (r.Next(3), r.Next(3)),
        };
        int effH = dilation.H * (kh - 1) + 1, effW = dilation.W * (kw - 1) + 1;
        int padH = padding.Mode is null ? padding.Size.H : 0, padW = padding.Mode is null ? padding.Size.W : 0;
        int h = Math.Max(1, effH - 2 * padH) + r.Next(4), w = Math.Max(1, effW - 2 * padW) + r.Next(4);
        return new Conv(1 + r.Next(2), c, h, w, outC, kh, kw, stride, padding, dilation, groups, r.Next(10) < 7, r.Next(4) == 0, r.Next(5) != 0, r.Next(2) == 0);
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items(DType dtype)
    {
        var r = Sweep.Random(20261202);
        foreach (var c in Enumerable.Range(0, Sweep.Count(32)).Select(_ => RandomValid(r)))
            yield return (c.ToCase(), c.Run);
        // The wide-layer paths the random grid's sizes never reach (ConvOracleTests.Conv2dWideLayerPathsMatchLibtorch):
        // the HWC weight-gradient GEMM and the input gradient as a convolution (ConvInputGrad, ConvWeightGrad
        // and the forward conv of their rules all take them), grouped and 'same'.
        Conv[] wide =
        [
            new(1, 33, 24, 24, 40, 3, 3, 1, 1, 1, 1, true, false, true, true),
            new(1, 64, 23, 27, 64, 3, 3, 1, (1, 2), (1, 2), 2, true, false, true, false),
            new(1, 35, 30, 31, 33, 2, 4, 1, "same", 2, 1, false, false, true, true),
        ];
        foreach (var c in wide) yield return (c.ToCase("wide layer (fast paths)"), c.Run);
        // The bounded loops (Note [Bounded convolution]). libtorch's float32 CPU convolution goes to oneDNN,
        // which cannot describe huge strides (ConvOracleTests.Conv2dExtremeGeometriesMatchLibtorch), so those are float64 only.
        (Conv Conv, bool OneDnnRejects)[] extreme =
        [
            (new(1, 2, 6, 7, 2, 3, 3, 1, 1000, 999, 1, true, false, true, true), false),
            (new(2, 4, 6, 7, 6, 3, 3, (3, 2), (30, 40), (30, 40), 2, true, false, true, false), false),
            (new(2, 3, 5, 4, 2, 2, 2, 262144, 0, 1, 1, true, false, true, true), true),
            (new(1, 2, 5, 5, 3, 5, 5, 1, "same", 1 << 30, 1, false, false, true, true), true),
        ];
        foreach (var (c, rejects) in extreme)
            if (dtype == DType.Float64 || !rejects) yield return (c.ToCase("extreme stride/padding/dilation (bounded path)"), c.Run);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Items(dtype));
}
