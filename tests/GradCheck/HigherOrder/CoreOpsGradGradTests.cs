namespace Autograd.Tests.HigherOrder;

/// <summary>
/// GradGradCheck (torch.autograd.gradgradcheck: finite differences of the first-order gradient) over the
/// ops whose backward rules are written with differentiable ops (Note [Double backward]).
/// </summary>
public class CoreOpsGradGradTests
{
    public static TheoryData<string> Cases => new(CoreCases.Keys);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> CoreCases = new()
    {
        ["add broadcast"] = (t => t[0] + t[1], [[2, 3], [3]]),
        ["sub broadcast"] = (t => t[0] - t[1], [[2, 1], [1, 3]]),
        ["mul broadcast"] = (t => t[0] * t[1], [[2, 3], [2, 1]]),
        ["mul self"] = (t => t[0] * t[0], [[4]]),
        ["div"] = (t => t[0] / (t[1] * t[1] + 1), [[3], [3]]),
        ["neg"] = (t => -(t[0] * t[0]), [[2, 2]]),
        ["pow 3"] = (t => t[0].Pow(3), [[5]]),
        ["pow -1.5 of positive"] = (t => (t[0] * t[0] + 1).Pow(-1.5), [[4]]),
        ["sum"] = (t => (t[0] * t[0]).Sum(), [[2, 3]]),
        ["sum dims"] = (t => (t[0] * t[0]).Sum([1], keepDim: false), [[2, 3, 2]]),
        ["mean"] = (t => (t[0] * t[1]).Mean(), [[3, 2], [3, 2]]),
        ["mean dims keep"] = (t => (t[0] * t[0]).Mean([0, 2], keepDim: true), [[2, 3, 2]]),
        ["sum trailing dims (block expand)"] = (t => (t[0] * t[0]).Sum([2, 3], keepDim: false) * t[1], [[2, 3, 4, 5], [2, 3]]),
        ["reshape"] = (t => (t[0] * t[0]).Reshape([6]) * t[1], [[2, 3], [6]]),
        ["permute"] = (t => (t[0] * t[0]).Permute([1, 0]) * t[1], [[2, 3], [3, 2]]),
        ["transpose"] = (t => F.Transpose(t[0] * t[1], 0, 1), [[2, 3], [2, 3]]),
        ["pad"] = (t => F.Pad(t[0] * t[0], [1, 2, 0, 1], value: 0.5), [[2, 3]]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, shapes) = CoreCases[name];
        var inputs = shapes.Select((s, i) => TestData.Randn(s, 700 + i)).ToArray();
        Assert.True(GradGradCheck.Check(f, inputs), name);
    }

    [Fact]
    public void ExpandingAlongTrailingDimsFillsEachBlockWithItsValue()
    {
        // d/dx Σ_{h,w} x[n, c, h, w] · s[n, c] = s[n, c] at every (h, w) (hand derivation): the backward expands
        // s (shape [2, 3, 1, 1]) along the trailing 4×5 block, the block-fill path of F.Expand.
        var x = Tensor.Zeros([2, 3, 4, 5], DType.Float64, requiresGrad: true);
        var s = Tensor.From([1.0, 2, 3, 4, 5, 6], [2, 3]);
        (x.Sum([2, 3]) * s).Sum().Backward();
        var g = x.Grad!.ToDoubleArray();
        for (int i = 0; i < g.Length; i++) Assert.Equal(1 + i / 20, g[i]);
    }

    [Fact]
    public void AWrongSecondDerivativeIsCaughtAndNamed()
    {
        // y = x² through a custom function whose Backward is right to first order (g·2x) but detaches x, so
        // its recorded graph misses ∂(g·2x)/∂x = 2g: gradcheck passes, gradgradcheck must not.
        var x = Tensor.From([2.0, -0.5], requiresGrad: true);
        Assert.True(GradCheck.Check(t => new WrongSquare().Apply(t[0]), [x]));
        var e = Assert.Throws<GradCheckException>(() => GradGradCheck.Check(t => new WrongSquare().Apply(t[0]), [x]));
        Assert.Contains("GradGradCheck: second derivative through the gradient of input 0", e.Message);
    }

    private sealed class WrongSquare : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] x)
        {
            ctx.SaveForBackward(x[0]);
            return [x[0]! * x[0]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * (ctx.SavedTensors[0]!.Detach() * 2)];
    }
}
