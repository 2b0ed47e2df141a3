using Autograd.Nn;
using Autograd.Nn.Optim;

namespace Autograd.Tests.Nn;

public class OptimizerBehaviourTests
{
    private static Tensor Param(params double[] v) => Tensor.From(v, [v.Length], requiresGrad: true);

    [Fact]
    public void SgdFirstMomentumStepCopiesTheGradientWithoutDampening()
    {
        // torch.optim.SGD: buf = clone(d_p) on the first step, so dampening only applies from step 2.
        var p = Param(1.0, 2.0);
        var opt = new SGD([p], lr: 0.5, momentum: 0.9, dampening: 0.7);
        Assert.Null(opt.MomentumBuffer(0));
        p.Grad = Tensor.From(new[] { 0.4, -1.0 }, [2]);
        opt.Step();
        Assert.Equal([0.4, -1.0], opt.MomentumBuffer(0)!.ToDoubleArray());
        Assert.Equal([1.0 - 0.5 * 0.4, 2.0 + 0.5], p.ToDoubleArray());
        p.Grad = Tensor.From(new[] { 1.0, 1.0 }, [2]);
        opt.Step();
        // buf = 0.9·buf + (1 − 0.7)·g
        Assert.Equal(0.9 * 0.4 + 0.3 * 1.0, opt.MomentumBuffer(0)!.ToDoubleArray()[0], 15);
        Assert.Equal(0.9 * -1.0 + 0.3 * 1.0, opt.MomentumBuffer(0)!.ToDoubleArray()[1], 15);
    }

    [Fact]
    public void ParametersWithoutGradAreSkippedAndKeepNoState()
    {
        var a = Param(1.0);
        var b = Param(5.0);
        var sgd = new SGD([a, b], lr: 0.1, momentum: 0.9);
        a.Grad = Tensor.From(new[] { 1.0 }, [1]);
        sgd.Step();
        Assert.Equal(5.0, b.ToDoubleArray()[0]);
        Assert.Null(sgd.MomentumBuffer(1));
        Assert.Equal(0.9, a.ToDoubleArray()[0], 15);

        var adam = new Adam([a, b], lr: 0.1);
        adam.Step(); // a still holds its gradient, b has none: only a takes a step
        Assert.Equal(1, adam.ParameterStep(0));
        Assert.Equal(0, adam.ParameterStep(1));
        Assert.Equal(5.0, b.ToDoubleArray()[0]);
    }

    [Fact]
    public void AdamFirstStepMovesEachElementByLrTimesSignOfGradient()
    {
        // With bias correction, step 1 is p −= lr·g/(|g| + eps·…): every element moves by ≈ lr.
        var p = Param(0.0, 0.0, 0.0);
        var opt = new Adam([p], lr: 0.01);
        p.Grad = Tensor.From(new[] { 3.0, -0.002, 1e4 }, [3]);
        opt.Step();
        var v = p.ToDoubleArray();
        Assert.Equal(-0.01, v[0], 8);
        Assert.Equal(0.01, v[1], 6);
        Assert.Equal(-0.01, v[2], 8);
    }

    [Fact]
    public void ZeroGradClearsEveryGradient()
    {
        var a = Param(1.0);
        var b = Param(2.0);
        var opt = new SGD([a, b], lr: 0.1);
        a.Grad = Tensor.From(new[] { 1.0 }, [1]);
        b.Grad = Tensor.From(new[] { 1.0 }, [1]);
        opt.ZeroGrad();
        Assert.Null(a.Grad);
        Assert.Null(b.Grad);
    }

    [Fact]
    public void LearningRateCanChangeBetweenSteps()
    {
        var p = Param(1.0);
        var opt = new SGD([p], lr: 0.1);
        p.Grad = Tensor.From(new[] { 1.0 }, [1]);
        opt.Step();
        opt.LearningRate = 0.01;
        opt.Step();
        Assert.Equal(1.0 - 0.1 - 0.01, p.ToDoubleArray()[0], 15);
        Assert.Equal(2, opt.StepCount);
    }

    [Fact]
    public void StepDoesNotRecordAGraph()
    {
        var p = Param(1.0, 2.0);
        var opt = new Adam([p]);
        p.Grad = Tensor.OnesLike(p).ConvertData(DType.Float64);
        opt.Step();
        Assert.True(p.IsLeaf);
        Assert.Null(p.GradFn);
    }

    [Fact]
    public void ModuleParametersFeedTheOptimizer()
    {
        var w = new Parameter(Tensor.From(new[] { 1.0, 2.0 }, [2]));
        Assert.True(w.RequiresGrad);
        var opt = new SGD(new[] { w }, lr: 1);
        w.Grad = Tensor.From(new[] { 0.5, 0.5 }, [2]);
        opt.Step();
        Assert.Equal([0.5, 1.5], w.Data.ToDoubleArray());
    }

    [Fact]
    public void InvalidHyperParametersThrowWithPyTorchWording()
    {
        var p = Param(1.0);
        Assert.Contains("Invalid learning rate: -0.1", Assert.ThrowsAny<ArgumentException>(() => new SGD([p], lr: -0.1)).Message);
        Assert.Contains("Invalid momentum value: -1", Assert.ThrowsAny<ArgumentException>(() => new SGD([p], lr: 0.1, momentum: -1)).Message);
        Assert.Contains("Invalid weight_decay value: -0.5", Assert.ThrowsAny<ArgumentException>(() => new SGD([p], lr: 0.1, weightDecay: -0.5)).Message);
        Assert.Contains("Nesterov momentum requires a momentum and zero dampening", Assert.ThrowsAny<ArgumentException>(() => new SGD([p], lr: 0.1, nesterov: true)).Message);
        Assert.Contains("Nesterov momentum requires a momentum and zero dampening", Assert.ThrowsAny<ArgumentException>(() => new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true)).Message);
        Assert.Contains("Invalid epsilon value: -1E-08", Assert.ThrowsAny<ArgumentException>(() => new Adam([p], eps: -1e-8)).Message);
        Assert.Contains("Invalid beta parameter at index 0: 1", Assert.ThrowsAny<ArgumentException>(() => new Adam([p], betas: (1.0, 0.999))).Message);
        Assert.Contains("Invalid beta parameter at index 1: -0.1", Assert.ThrowsAny<ArgumentException>(() => new Adam([p], betas: (0.9, -0.1))).Message);
        Assert.Contains("Invalid learning rate: NaN", Assert.ThrowsAny<ArgumentException>(() => new Adam([p], lr: double.NaN)).Message);
        Assert.Contains("empty parameter list", Assert.ThrowsAny<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), lr: 0.1)).Message);
        Assert.Contains("more than once", Assert.ThrowsAny<ArgumentException>(() => new SGD([p, p], lr: 0.1)).Message);
        var nonLeaf = p * 2.0;
        Assert.Contains("non-leaf", Assert.ThrowsAny<ArgumentException>(() => new SGD([nonLeaf], lr: 0.1)).Message);
        var opt = new SGD([p], lr: 0.1);
        Assert.Contains("Invalid learning rate", Assert.ThrowsAny<ArgumentException>(() => opt.LearningRate = -1).Message);
    }
}
