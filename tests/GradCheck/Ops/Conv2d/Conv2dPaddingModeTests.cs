using Autograd.Nn;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Ops.Conv2d;

// The layer; inside this namespace the bare name Conv2d is the namespace itself.
using Conv2d = Autograd.Nn.Conv2d;

/// <summary>
/// nn.Conv2d's padding_mode against torch.nn.Conv2d (libtorch 2.10 through TorchSharp) with the same weights:
/// outputs and the gradients of input, weight and bias; and the layer equals F.Pad then F.Conv2d with padding 0.
/// </summary>
[Collection(OracleCollection.Name)]
public class Conv2dPaddingModeTests
{
    public static TheoryData<string, int, int, int, int> Configs => new()
    {
        { "reflect", 1, 1, 1, 1 }, { "replicate", 2, 1, 1, 1 }, { "circular", 1, 2, 1, 1 }, { "reflect", 2, 1, 2, 1 },
        { "circular", 2, 2, 1, 2 }, { "replicate", 1, 1, 2, 2 }, { "zeros", 1, 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void LayerMatchesTorchConv2dWithThePaddingMode(string mode, int padding, int stride, int dilation, int groups)
    {
        OracleFixture.RequireOracle();
        var ours = new Conv2d(4, 6, 3, stride, padding, dilation, groups, dtype: DType.Float64, generator: new Generator(7), paddingMode: mode);
        var torchMode = mode switch
        {
            "reflect" => global::TorchSharp.PaddingModes.Reflect,
            "replicate" => global::TorchSharp.PaddingModes.Replicate,
            "circular" => global::TorchSharp.PaddingModes.Circular,
            _ => global::TorchSharp.PaddingModes.Zeros,
        };
        using var theirs = TorchApi.nn.Conv2d(4, 6, 3, stride: stride, padding: padding, dilation: dilation, padding_mode: torchMode, groups: groups,
            dtype: TorchApi.ScalarType.Float64);
        ours.CopyTo(theirs);

        var x = TestData.Randn([2, 4, 7, 6], 11);
        var y = ours.Forward(x);
        using var tx = x.Detach().ToTorch().requires_grad_(true);
        using var ty = theirs.call(tx);
        Assert.Equal(TorchConversions.ReadDoubles(ty), y.ToDoubleArray(), new Close(1e-12));

        var up = TestData.Randn(y.Shape.ToArray(), 12, requiresGrad: false);
        (y * up).Sum().Backward();
        using var tup = up.ToTorch();
        using var tl = (ty * tup).sum();
        tl.backward();
        Assert.Equal(TorchConversions.ReadDoubles(tx.grad!), x.Grad!.ToDoubleArray(), new Close(1e-11));
        Assert.Equal(TorchConversions.ReadDoubles(theirs.weight!.grad!), ours.Weight.Grad!.ToDoubleArray(), new Close(1e-11));
        Assert.Equal(TorchConversions.ReadDoubles(theirs.bias!.grad!), ours.Bias!.Grad!.ToDoubleArray(), new Close(1e-11));
    }

    [Fact]
    public void LayerIsPadThenConvolutionWithoutPadding()
    {
        var layer = new Conv2d(2, 3, (3, 2), padding: (1, 2), dtype: DType.Float64, generator: new Generator(3), paddingMode: "reflect");
        var x = TestData.Randn([1, 2, 5, 6], 4, requiresGrad: false);
        var expected = F.Conv2d(F.Pad(x, [2, 2, 1, 1], "reflect"), layer.Weight, layer.Bias!.Data);
        Assert.Equal(expected.ToDoubleArray(), layer.Forward(x).ToDoubleArray());
        // padding="same" splits dilation·(k − 1) as total/2 before and the rest after (PyTorch's _ConvNd).
        var same = new Conv2d(2, 3, (2, 3), padding: "same", dilation: (1, 2), dtype: DType.Float64, generator: new Generator(3), paddingMode: "circular");
        var want = F.Conv2d(F.Pad(x, [2, 2, 0, 1], "circular"), same.Weight, same.Bias!.Data, dilation: (1, 2));
        Assert.Equal(want.ToDoubleArray(), same.Forward(x).ToDoubleArray());
        Assert.Equal(x.Shape.ToArray()[2..], same.Forward(x).Shape.ToArray()[2..]);
        Assert.Contains("padding_mode=circular", same.ToString());
    }

    [Fact]
    public void BadPaddingModesAreRejectedAsPyTorchDoes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(2, 3, 3, paddingMode: "mirror"));
        Assert.Contains("padding_mode must be one of", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Conv2d(2, 3, 3, stride: 2, padding: "same", paddingMode: "reflect"));
        Assert.Contains("padding='same' is not supported for strided convolutions", e.Message);
    }

    private sealed class Close(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol * Math.Max(1, Math.Abs(a));
        public int GetHashCode(double v) => 0;
    }
}
