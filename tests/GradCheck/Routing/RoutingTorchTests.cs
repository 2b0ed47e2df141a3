using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Autograd.Tests.RoutingMaps;

/// <summary>
/// Every routing map against libtorch 2.10 (TorchSharp, in process): for each output cell o, the input
/// gradient libtorch computes for the upstream gradient one-hot(o) must be the map's weights from o,
/// cell for cell (zero where the map has no route), over a grid of configurations of every op.
/// </summary>
[Collection(OracleCollection.Name)]
public class RoutingTorchTests
{
    /// <summary>One configuration: the input, our map of it, and libtorch's op on the same values.</summary>
    public sealed record Case(string Name, Func<Tensor> Input, Func<Tensor, RoutingMap> Map, Func<TorchTensor, TorchTensor> Torch)
    {
        public override string ToString() => Name;
    }

    private static readonly int[] Planes = [2, 2, 5, 6];

    private static Tensor Random() => TestData.Randn(Planes, 3, requiresGrad: false);

    private static Tensor Positive() => TestData.Positive(Planes, 4, requiresGrad: false);

    /// <summary>Positive values with the first 2×2 window of the first plane all zero (lp pooling: m = 0 sends nothing).</summary>
    private static Tensor PositiveWithZeroWindow()
    {
        var t = Positive();
        foreach (int i in new[] { 0, 1, 6, 7 }) t.SetDouble(i, 0);
        return t;
    }

    /// <summary>Values in {0, 1, 2}: most windows have a tied maximum (seed 004).</summary>
    private static Tensor Ties() => Tensor.From(Enumerable.Range(0, 120).Select(i => (double)((i * i + 3 * i) % 5 / 2)).ToArray(), Planes);

    private static readonly Tensor ConvWeight = TestData.Randn([4, 2, 3, 2], 5, requiresGrad: false);
    private static readonly Tensor GroupWeight = TestData.Randn([4, 1, 2, 3], 6, requiresGrad: false);
    private static readonly Tensor SeedFilter = Tensor.From(new double[] { 1, -1, 0, 2 }, [1, 1, 2, 2]);

    private static long[] L(Pair p) => [p.H, p.W];

    private static readonly Case[] Cases =
    [
        new("max k2 s2", Random, x => RoutingMap.MaxPool2d(x, 2), t => TF.max_pool2d(t, [2, 2])),
        new("max k2 s1", Random, x => RoutingMap.MaxPool2d(x, 2, 1), t => TF.max_pool2d(t, [2, 2], [1, 1])),
        new("max k2 s1 ties", Ties, x => RoutingMap.MaxPool2d(x, 2, 1), t => TF.max_pool2d(t, [2, 2], [1, 1])),
        new("max k3 s2 p1 ceil", Random, x => RoutingMap.MaxPool2d(x, 3, 2, 1, ceilMode: true), t => TF.max_pool2d(t, [3, 3], [2, 2], [1, 1], ceil_mode: true)),
        new("max k(2,3) s(1,2) p(1,1) d(2,1)", Random, x => RoutingMap.MaxPool2d(x, (2, 3), (1, 2), (1, 1), (2, 1)),
            t => TF.max_pool2d(t, [2, 3], [1, 2], [1, 1], [2, 1])),
        new("avg k2 s1", Random, x => RoutingMap.AvgPool2d(x, 2, 1), t => TF.avg_pool2d(t, [2, 2], [1, 1])),
        new("avg k3 s2 p1", Random, x => RoutingMap.AvgPool2d(x, 3, 2, 1), t => TF.avg_pool2d(t, [3, 3], [2, 2], [1, 1])),
        new("avg k3 s2 p1 exclude pad", Random, x => RoutingMap.AvgPool2d(x, 3, 2, 1, countIncludePad: false),
            t => TF.avg_pool2d(t, [3, 3], [2, 2], [1, 1], count_include_pad: false)),
        new("avg k3 s2 p1 ceil", Random, x => RoutingMap.AvgPool2d(x, 3, 2, 1, ceilMode: true), t => TF.avg_pool2d(t, [3, 3], [2, 2], [1, 1], ceil_mode: true)),
        new("avg k(3,2) s(2,1) p(1,0) ceil exclude", Random, x => RoutingMap.AvgPool2d(x, (3, 2), (2, 1), (1, 0), ceilMode: true, countIncludePad: false),
            t => TF.avg_pool2d(t, [3, 2], [2, 1], [1, 0], ceil_mode: true, count_include_pad: false)),
        new("avg k2 s1 divisor 3", Random, x => RoutingMap.AvgPool2d(x, 2, 1, divisorOverride: 3), t => TF.avg_pool2d(t, [2, 2], [1, 1], divisor_override: 3)),
        new("avg TF SAME (ceil, exclude pad)", Random, x => RoutingMap.AvgPool2d(x, 2, 2, ceilMode: true, countIncludePad: false),
            t => TF.avg_pool2d(t, [2, 2], [2, 2], ceil_mode: true, count_include_pad: false)),
        new("lp p2 k2 s1", Positive, x => RoutingMap.LpPool2d(x, 2, 2, 1), t => TF.lp_pool2d(t, 2, [2, 2], [1, 1])),
        new("lp p3 k3 s2 ceil", Positive, x => RoutingMap.LpPool2d(x, 3, 3, 2, ceilMode: true), t => TF.lp_pool2d(t, 3, [3, 3], [2, 2], ceil_mode: true)),
        new("lp p1.5 k(2,3) s1", Positive, x => RoutingMap.LpPool2d(x, 1.5, (2, 3), 1), t => TF.lp_pool2d(t, 1.5, [2, 3], [1, 1])),
        new("lp p2 k2 with an all-zero window", PositiveWithZeroWindow, x => RoutingMap.LpPool2d(x, 2, 2), t => TF.lp_pool2d(t, 2, [2, 2])),
        new("lp p1 k2 (sum pooling)", Random, x => RoutingMap.LpPool2d(x, 1, 2), t => TF.lp_pool2d(t, 1, [2, 2])),
        new("adaptive avg (3, 4)", Random, x => RoutingMap.AdaptiveAvgPool2d(x, (3, 4)), t => TF.adaptive_avg_pool2d(t, [3, 4])),
        new("adaptive avg (4, 4) overlapping", Random, x => RoutingMap.AdaptiveAvgPool2d(x, 4), t => TF.adaptive_avg_pool2d(t, [4, 4])),
        new("adaptive max (3, 2)", Random, x => RoutingMap.AdaptiveMaxPool2d(x, (3, 2)), t => TF.adaptive_max_pool2d(t, [3, 2])),
        new("adaptive max (4, 5) ties", Ties, x => RoutingMap.AdaptiveMaxPool2d(x, (4, 5)), t => TF.adaptive_max_pool2d(t, [4, 5])),
        new("conv k(3,2) s1 p1", Random, x => RoutingMap.Conv2d(x, ConvWeight, padding: 1), t => TF.conv2d(t, ConvWeight.ToTorch(), padding: [1, 1])),
        new("conv k(3,2) s2 valid", Random, x => RoutingMap.Conv2d(x, ConvWeight, 2, "valid"), t => TF.conv2d(t, ConvWeight.ToTorch(), strides: [2, 2])),
        new("conv k(3,2) same d(2,1)", Random, x => RoutingMap.Conv2d(x, ConvWeight, padding: "same", dilation: (2, 1)),
            t => TF.conv2d_padding(t, ConvWeight.ToTorch(), null, [1, 1], global::TorchSharp.Padding.Same, [2, 1])),
        new("conv groups 2 s(2,1) p(1,2) d2", Random, x => RoutingMap.Conv2d(x, GroupWeight, (2, 1), (1, 2), 2, groups: 2),
            t => TF.conv2d(t, GroupWeight.ToTorch(), strides: [2, 1], padding: [1, 2], dilation: [2, 2], groups: 2)),
        new("conv unbatched k(3,2) s(1,2) p(2,1)", () => TestData.Randn([2, 5, 6], 10, requiresGrad: false),
            x => RoutingMap.Conv2d(x, ConvWeight, (1, 2), (2, 1)), t => TF.conv2d(t, ConvWeight.ToTorch(), strides: [1, 2], padding: [2, 1])),
        new("max unbatched k3 s2 p1 d(1,2)", () => TestData.Randn([3, 5, 6], 11, requiresGrad: false),
            x => RoutingMap.MaxPool2d(x, 3, 2, 1, (1, 2)), t => TF.max_pool2d(t, [3, 3], [2, 2], [1, 1], [1, 2])),
        new("TF SAME stride 2: pad then conv (seed 001)", () => TestData.Randn([1, 1, 3, 3], 7, requiresGrad: false),
            x => RoutingMap.Pad(x, [0, 1, 0, 1]).Then(RoutingMap.Conv2d(F.Pad(x, [0, 1, 0, 1]), SeedFilter, 2)),
            t => TF.conv2d(TF.pad(t, [0, 1, 0, 1]), SeedFilter.ToTorch(), strides: [2, 2])),
        new("reflect pad then avg k3 s2", Random,
            x => RoutingMap.Pad(x, [1, 2, 2, 1], "reflect").Then(RoutingMap.AvgPool2d(F.Pad(x, [1, 2, 2, 1], "reflect"), 3, 2)),
            t => TF.avg_pool2d(TF.pad(t, [1, 2, 2, 1], global::TorchSharp.PaddingModes.Reflect), [3, 3], [2, 2])),
    ];

    public static TheoryData<string> Names() => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void EachOutputCellsRoutesAreLibtorchsGradientOfAOneHot(string name)
    {
        OracleFixture.RequireOracle();
        // Every TorchSharp tensor made below (the cases' inline weights included) stays referenced by the scope until the
        // test ends: an unreferenced temporary can be finalized by a GC on another thread while libtorch still reads it.
        using var torchScope = global::TorchSharp.torch.NewDisposeScope();
        var c = Cases.Single(k => k.Name == name);
        var x = c.Input();
        var map = c.Map(x);
        using var tx = x.ToTorch().requires_grad_(true);
        using var ty = c.Torch(tx);
        Assert.Equal(ty.shape.Select(d => (int)d).ToArray(), map.OutputShape.ToArray());
        Assert.Equal(x.Shape.ToArray(), map.InputShape.ToArray());
        int outputs = map.OutputCount;
        for (int o = 0; o < outputs; o++)
        {
            var oneHot = new double[outputs];
            oneHot[o] = 1;
            using var tg = Tensor.From(oneHot, map.OutputShape).ToTorch();
            using var grad = TorchApi.autograd.grad([ty], [tx], [tg], retain_graph: true)[0];
            var expected = TorchConversions.ReadDoubles(grad);
            var actual = new double[map.InputCount];
            foreach (var r in map.RoutesFrom(o)) actual[r.Input] += r.Weight;
            for (int i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])),
                    $"{name}: output {o} → input {i}: libtorch {expected[i]:R}, map {actual[i]:R}");
        }
    }

    [Fact]
    public void BackwardOfTheMapIsTheEnginesBackward()
    {
        // The map applied to an upstream gradient gives the engine's x.grad (conv with groups and dilation).
        var x = TestData.Randn(Planes, 8);
        var y = F.Conv2d(x, GroupWeight, stride: (2, 1), padding: (1, 2), dilation: 2, groups: 2);
        var dy = TestData.Randn(y.Shape.ToArray(), 9, requiresGrad: false);
        y.Backward(dy);
        var map = RoutingMap.Conv2d(x, GroupWeight, (2, 1), (1, 2), 2, groups: 2);
        TestData.AssertClose(x.Grad!.ToDoubleArray(), map.Backward(dy));
    }
}
