using Autograd.Nn;

namespace Autograd.Tests.Nn;

public class LayerTests
{
    /// <summary>The sample's network (samples/FashionMnist/Network.cs), rebuilt here to pin its shapes.</summary>
    private static Sequential SampleNetwork(Generator g) => new(
        new Conv2d(1, 32, 3, padding: 1, generator: g), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, padding: 1, generator: g), new ReLU(), new AvgPool2d(2),
        new Flatten(), new Linear(3136, 128, generator: g), new ReLU(), new Linear(128, 10, generator: g));

    [Fact]
    public void SampleNetworkShapesFollowTheLayers()
    {
        var net = SampleNetwork(new Generator(0));
        var x = Tensor.Rand([2, 1, 28, 28], generator: new Generator(1));
        int[][] expected = [[2, 32, 28, 28], [2, 32, 28, 28], [2, 32, 14, 14], [2, 64, 14, 14], [2, 64, 14, 14], [2, 64, 7, 7], [2, 3136], [2, 128], [2, 128], [2, 10]];
        for (int i = 0; i < net.Count; i++)
        {
            x = net[i].Forward(x);
            Assert.Equal(expected[i], x.Shape.ToArray());
        }
        // torch: sum(p.numel() for p in net.parameters()) == 421642
        Assert.Equal(421_642, net.ParameterCount());
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"], net.NamedParameters().Select(p => p.Name));
    }

    [Theory]
    [InlineData(1, 32, 9)]
    [InlineData(32, 64, 288)]
    public void ConvInitIsUniformWithinOneOverSqrtFanIn(int inC, int outC, int fanIn)
    {
        var conv = new Conv2d(inC, outC, 3, padding: 1, generator: new Generator(4));
        Assert.Equal([outC, inC, 3, 3], conv.Weight.Shape.ToArray());
        Assert.Equal([outC], conv.Bias!.Shape.ToArray());
        AssertUniform(conv.Weight.Data.ToDoubleArray(), 1 / Math.Sqrt(fanIn));
        AssertUniform(conv.Bias.Data.ToDoubleArray(), 1 / Math.Sqrt(fanIn));
    }

    [Fact]
    public void LinearInitIsUniformWithinOneOverSqrtFanIn()
    {
        var fc = new Linear(3136, 128, generator: new Generator(5));
        Assert.Equal([128, 3136], fc.Weight.Shape.ToArray());
        AssertUniform(fc.Weight.Data.ToDoubleArray(), 1 / Math.Sqrt(3136));
        AssertUniform(fc.Bias!.Data.ToDoubleArray(), 1 / Math.Sqrt(3136));
    }

    private static void AssertUniform(double[] v, double bound)
    {
        Assert.All(v, x => Assert.InRange(x, -bound * (1 + 1e-6), bound * (1 + 1e-6)));
        if (v.Length < 1000) return;
        // Large samples must also spread over the whole range: variance of U(-b, b) is b²/3.
        double mean = v.Average(), variance = v.Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(variance, 0.9 * bound * bound / 3, 1.1 * bound * bound / 3);
    }

    [Fact]
    public void InitialisationIsDeterministicPerSeed()
    {
        double[] Weights(int seed) => SampleNetwork(new Generator(seed)).Parameters().SelectMany(p => p.Data.ToDoubleArray()).ToArray();
        Assert.Equal(Weights(3), Weights(3));
        Assert.NotEqual(Weights(3), Weights(4));
    }

    [Fact]
    public void WithoutBiasThereIsNoBiasParameter()
    {
        var conv = new Conv2d(2, 4, (3, 1), bias: false);
        Assert.Null(conv.Bias);
        Assert.Single(conv.Parameters());
        Assert.Equal([4, 2, 3, 1], conv.Weight.Shape.ToArray());
        Assert.Equal("Conv2d(2, 4, kernel_size=(3, 1), stride=(1, 1), bias=False)", conv.ToString());
        Assert.Equal("Linear(in_features=3, out_features=2, bias=False)", new Linear(3, 2, bias: false).ToString());
    }

    [Fact]
    public void GroupedConvWeightHasInChannelsOverGroups()
    {
        var conv = new Conv2d(6, 9, 3, groups: 3);
        Assert.Equal([9, 2, 3, 3], conv.Weight.Shape.ToArray());
        AssertUniform(conv.Weight.Data.ToDoubleArray(), 1 / Math.Sqrt(2 * 9));
    }

    [Fact]
    public void BadLayerArgumentsThrow()
    {
        Assert.Contains("in_channels must be divisible by groups", Assert.ThrowsAny<ArgumentException>(() => new Conv2d(5, 4, 3, groups: 2)).Message);
        Assert.Contains("out_channels must be divisible by groups", Assert.ThrowsAny<ArgumentException>(() => new Conv2d(4, 5, 3, groups: 2)).Message);
        Assert.Contains("kernel_size must be positive", Assert.ThrowsAny<ArgumentException>(() => new Conv2d(1, 1, 0)).Message);
        Assert.Contains("in_features", Assert.ThrowsAny<ArgumentException>(() => new Linear(-1, 3)).Message);
        Assert.Contains("layer 1 is null", Assert.ThrowsAny<ArgumentException>(() => new Sequential(new ReLU(), null!)).Message);
    }

    [Fact]
    public void Float64LayersKeepTheirDType()
    {
        var net = new Sequential(new Linear(3, 2, dtype: DType.Float64), new ReLU());
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        Assert.Equal(DType.Float64, net.Forward(Tensor.Ones([4, 3], DType.Float64)).DType);
    }
}
