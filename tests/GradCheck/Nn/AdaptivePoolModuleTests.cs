using Autograd.Nn;

namespace Autograd.Tests.Nn;

/// <summary>The adaptive pooling modules are thin wrappers: same values as the functional ops, PyTorch's repr, arguments checked when built.</summary>
public class AdaptivePoolModuleTests
{
    [Fact]
    public void GlobalAveragePoolIsThePlaneMean()
    {
        var x = Tensor.Randn([2, 3, 5, 4], generator: new Generator(3));
        var y = new AdaptiveAvgPool2d(1).Forward(x);
        Assert.Equal([2, 3, 1, 1], y.Shape.ToArray());
        Assert.Equal(x.Mean([2, 3], keepDim: true).ToFloatArray(), y.ToFloatArray(), new FloatTolerance(1e-6f));
        Assert.Equal("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).ToString());
    }

    [Fact]
    public void MaxModuleMatchesTheFunctionalOp()
    {
        var x = Tensor.Randn([1, 2, 6, 7], generator: new Generator(4));
        Assert.Equal(F.AdaptiveMaxPool2d(x, (3, 2)).ToFloatArray(), new AdaptiveMaxPool2d((3, 2)).Forward(x).ToFloatArray());
        Assert.Equal("AdaptiveMaxPool2d(output_size=(3, 2))", new AdaptiveMaxPool2d((3, 2)).ToString());
    }

    [Fact]
    public void NonPositiveOutputSizeIsRefusedWhenBuilt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveAvgPool2d(0));
        Assert.Contains("output_size must be positive", e.Message);
    }

    private sealed class FloatTolerance(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(float v) => 0;
    }
}
