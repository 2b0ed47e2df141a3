namespace Autograd.Tests.Ops.Elementwise;

public class ArithmeticGradTests
{
    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [3], [3] },
        { [2, 3], [3] },
        { [2, 1, 4], [3, 1] },
        { [1], [2, 5] },
        { [], [2, 3] },
        { [4, 1], [1, 5] },
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void AddSubMulDivPassGradCheck(int[] sa, int[] sb)
    {
        var g = new Generator(7);
        var a = Tensor.Randn(sa, DType.Float64, requiresGrad: true, generator: g);
        var b = (Tensor.Rand(sb, DType.Float64, generator: g) + 0.5).Detach().RequiresGrad_();
        Assert.True(GradCheck.Check(x => x[0] + x[1], [a, b]));
        Assert.True(GradCheck.Check(x => x[0] - x[1], [a, b]));
        Assert.True(GradCheck.Check(x => x[0] * x[1], [a, b]));
        Assert.True(GradCheck.Check(x => x[0] / x[1], [a, b]));
    }

    [Fact]
    public void GradCheckReportsAWrongRule()
    {
        var a = Tensor.Randn([3], DType.Float64, requiresGrad: true);
        // x * x.Detach() has gradient x, not 2x: gradcheck must catch the factor of two.
        var msg = GradCheck.Run(x => x[0] * x[0].Detach(), [a]);
        Assert.NotNull(msg);
        Assert.Contains("input 0", msg);
        Assert.Contains("numerical", msg);
    }
}
