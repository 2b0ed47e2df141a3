using Autograd.Nn;

namespace Autograd.Tests.Nn;

public class InitTests
{
    [Theory]
    [InlineData(new[] { 128, 3136 }, 3136, 128)]
    [InlineData(new[] { 64, 32, 3, 3 }, 288, 576)]
    [InlineData(new[] { 10, 4 }, 4, 10)]
    public void FanInAndFanOutFollowPyTorch(int[] shape, int fanIn, int fanOut)
    {
        // nn.init._calculate_fan_in_and_fan_out: fan_in = size(1)·receptive, fan_out = size(0)·receptive.
        Assert.Equal((fanIn, fanOut), Init.CalculateFanInAndFanOut(Tensor.Zeros(shape)));
    }

    [Fact]
    public void FanOfAVectorIsAnError()
    {
        Assert.Contains("fewer than 2 dimensions", Assert.ThrowsAny<ArgumentException>(() => Init.CalculateFanInAndFanOut(Tensor.Zeros([5]))).Message);
    }

    [Fact]
    public void KaimingUniformWithASqrt5IsUniformOneOverSqrtFanIn()
    {
        // gain = sqrt(2 / (1 + 5)), bound = sqrt(3)·gain / sqrt(fan_in) = 1 / sqrt(fan_in).
        var w = Tensor.Zeros([256, 100]);
        Init.KaimingUniform_(w, a: Math.Sqrt(5), generator: new Generator(1));
        double bound = 1 / Math.Sqrt(100);
        var v = w.ToDoubleArray();
        Assert.All(v, x => Assert.InRange(x, -bound, bound));
        // U(-b, b) has mean 0 and variance b²/3; 25 600 samples pin both to a few percent.
        double mean = v.Average(), variance = v.Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(mean, -0.003, 0.003);
        Assert.InRange(variance, 0.97 * bound * bound / 3, 1.03 * bound * bound / 3);
        Assert.True(v.Max() > 0.98 * bound && v.Min() < -0.98 * bound, "samples should reach close to both bounds");
    }

    [Fact]
    public void KaimingUniformDefaultsToReluGainAndFanOutWhenAsked()
    {
        var w = Tensor.Zeros([50, 20, 2, 2]);
        Init.KaimingUniform_(w, mode: "fan_out", nonlinearity: "relu", generator: new Generator(2));
        double bound = Math.Sqrt(2.0) * Math.Sqrt(3.0) / Math.Sqrt(50 * 4);
        var v = w.ToDoubleArray();
        Assert.All(v, x => Assert.InRange(x, -bound, bound));
        Assert.True(v.Max() > 0.95 * bound);
    }

    [Fact]
    public void SameSeedSameValues()
    {
        var a = Init.Uniform_(Tensor.Zeros([4, 4]), -1, 1, new Generator(5)).ToDoubleArray();
        var b = Init.Uniform_(Tensor.Zeros([4, 4]), -1, 1, new Generator(5)).ToDoubleArray();
        var c = Init.Uniform_(Tensor.Zeros([4, 4]), -1, 1, new Generator(6)).ToDoubleArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData("linear", 1.0)]
    [InlineData("sigmoid", 1.0)]
    [InlineData("tanh", 5.0 / 3)]
    [InlineData("relu", 1.4142135623730951)]
    [InlineData("leaky_relu", 1.4141428569978354)] // torch.nn.init.calculate_gain('leaky_relu') (slope 0.01)
    public void GainsMatchPyTorch(string nonlinearity, double gain)
    {
        Assert.Equal(gain, Init.CalculateGain(nonlinearity), 14);
    }

    [Fact]
    public void BadModeOrNonlinearityThrows()
    {
        Assert.Contains("Mode fan_avg not supported", Assert.ThrowsAny<ArgumentException>(() => Init.KaimingUniform_(Tensor.Zeros([2, 2]), mode: "fan_avg")).Message);
        Assert.Contains("Unsupported nonlinearity gelu", Assert.ThrowsAny<ArgumentException>(() => Init.CalculateGain("gelu")).Message);
        Assert.Contains("low <= high", Assert.ThrowsAny<ArgumentException>(() => Init.Uniform_(Tensor.Zeros([2]), 1, 0)).Message);
    }
}
