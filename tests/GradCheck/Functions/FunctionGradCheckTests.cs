using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Functions;

/// <summary>
/// GradCheck.Check(Function, inputs), the one-liner for torch.autograd.gradcheck(Fn.apply, inputs): it passes a
/// correct function, catches a wrong backward on any output, and a custom function that mirrors a torch op
/// (softplus) gives libtorch's values and gradients (TorchSharp, libtorch 2.10).
/// </summary>
[Collection(OracleCollection.Name)]
public class FunctionGradCheckTests
{
    /// <summary>(x·y, exp(x)·y), with optional deliberate mistakes in the backward of one output.</summary>
    private sealed class MulExp(double scale0 = 1, bool wrongSecond = false) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var (x, y) = (inputs[0]!, inputs[1]!);
            var e = x.Exp();
            ctx.SaveForBackward(x, y, e);
            return [x * y, e * y];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var s = ctx.SavedTensors;
            var (x, y, e) = (s[0]!, s[1]!, s[2]!);
            var g1 = g[1]! * (wrongSecond ? x : e);   // the wrong rule: d(exp(x)·y)/dy taken as x
            return [g[0]! * y * scale0 + g[1]! * e * y, g[0]! * x + g1];
        }
    }

    [Fact]
    public void ACorrectFunctionPassesOnEveryOutputAndInput()
    {
        Assert.True(GradCheck.Check(new MulExp(), [TestData.Randn([2, 3], 31), TestData.Randn([2, 3], 32)]));
        // Only the inputs that require grad are checked.
        Assert.True(GradCheck.Check(new MulExp(), [TestData.Randn([4], 33), TestData.Randn([4], 34, requiresGrad: false)]));
    }

    [Fact]
    public void AWrongFactorInTheFirstOutputsBackwardIsCaughtAndNamed()
    {
        var e = Assert.Throws<GradCheckException>(() =>
            GradCheck.Check(new MulExp(scale0: 2), [TestData.Randn([3], 35), TestData.AwayFromZero([3], 36)]));
        Assert.StartsWith("MulExpBackward, output 0: ", e.Message);
        Assert.Contains("input 0", e.Message);
        Assert.Contains("constant factor 2", e.Message);
    }

    [Fact]
    public void AWrongRuleInTheSecondOutputsBackwardIsCaughtAndNamed()
    {
        var e = Assert.Throws<GradCheckException>(() =>
            GradCheck.Check(new MulExp(wrongSecond: true), [TestData.Randn([3], 37), TestData.Randn([3], 38)]));
        Assert.StartsWith("MulExpBackward, output 1: ", e.Message);
        Assert.Contains("input 1", e.Message);
    }

    [Fact]
    public void GradCheckRefusesFloat32Inputs()
    {
        var x = Tensor.From([1f, 2f], requiresGrad: true);
        Assert.Throws<ArgumentException>(() => GradCheck.Check(new MulExp(), [x, x]));
    }

    /// <summary>softplus(x) = log(1 + exp(x)); backward g·sigmoid(x), written with differentiable ops.</summary>
    internal sealed class Softplus : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return [(inputs[0]!.Exp() + 1).Log()];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * ctx.SavedTensors[0]!.Sigmoid()];
    }

    [Fact]
    public void ACustomSoftplusMatchesLibtorchsSoftplusAndItsGradient()
    {
        var x = TestData.Randn([3, 4], 39);
        var up = TestData.Randn([3, 4], 40, requiresGrad: false);
        TorchCheck.Check(t => new Softplus().Apply(t[0]), t => TorchApi.nn.functional.softplus(t[0]), [x], gradOutput: up);
        Assert.True(GradCheck.Check(new Softplus(), [x]));
    }

    [Fact]
    public void ACustomSoftplusSecondDerivativeMatchesLibtorchs()
    {
        // d²/dx² Σ softplus(x)·v = v·sigmoid(x)·(1 − sigmoid(x)); ours through the custom Backward under createGraph,
        // libtorch's through torch.autograd.grad(create_graph=True) on its own softplus.
        var xs = new[] { -2.0, -0.3, 0.0, 0.7, 3.0 };
        var vs = new[] { 1.5, -1.0, 0.5, 2.0, 1.0 };
        var x = Tensor.From(xs, requiresGrad: true);
        var v = Tensor.From(vs);
        var g1 = Grad.Compute([new Softplus().Apply(x)], [x], [v], createGraph: true)[0]!;
        var g2 = Grad.Compute([g1.Sum()], [x])[0]!;

        TorchSharpLibrary.EnsureLoaded();
        using var tx = TorchApi.tensor(xs, requires_grad: true);
        using var tv = TorchApi.tensor(vs);
        using var ty = TorchApi.nn.functional.softplus(tx);
        var tg1 = TorchApi.autograd.grad([ty], [tx], [tv], create_graph: true)[0];
        using var ts = tg1.sum();
        var tg2 = TorchApi.autograd.grad([ts], [tx])[0];
        TestData.AssertClose(TorchConversions.ReadDoubles(tg1), g1, 1e-14);
        TestData.AssertClose(TorchConversions.ReadDoubles(tg2), g2, 1e-14);
        tg1.Dispose();
        tg2.Dispose();
        // And by hand.
        TestData.AssertClose(xs.Zip(vs, (a, w) => { double s = 1 / (1 + Math.Exp(-a)); return w * s * (1 - s); }).ToArray(), g2, 1e-14);
    }
}
