using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Grad.Compute's arguments: allowUnused, materializeGrads, empty and invalid inputs.</summary>
public class GradComputeOptionsTests
{
    // PyTorch: test_autograd.py::test_grad_materialize_grads. y = x·a through a Function whose backward
    // is differentiable: dy/dx = a, which does not depend on x, so d²y/dx² is None with allow_unused and
    // zeros with materialize_grads (allow_unused then implied), and materialize_grads with
    // allow_unused=False is refused.
    [Fact]
    public void MaterializeGradsGivesZerosForUnusedInputs()
    {
        var x = ScalarLeaf(0.5);
        var a = ScalarLeaf(1);
        var y = new Product().Apply(x, a);
        var dydx = Grad.Compute([y], [x], createGraph: true);
        Assert.Equal(1.0, dydx[0]!.Item());
        Assert.True(dydx[0]!.RequiresGrad);   // it depends on a

        var none = Grad.Compute([dydx[0]!], [x], createGraph: true, allowUnused: true);
        Assert.Null(none[0]);
        var zero = Grad.Compute([dydx[0]!], [x], createGraph: true, allowUnused: true, materializeGrads: true);
        Assert.Equal(0.0, zero[0]!.Item());
        Assert.Equal(DType.Float64, zero[0]!.DType);
        Assert.Empty(zero[0]!.Shape.ToArray());
        var third = Grad.Compute([zero[0]!], [x], materializeGrads: true);   // allowUnused implied
        Assert.Equal(0.0, third[0]!.Item());

        var e = Assert.Throws<ArgumentException>(() => Grad.Compute([y], [x], allowUnused: false, materializeGrads: true));
        Assert.Contains("Expected allowUnused to be true or not passed when materializeGrads is true", e.Message);
    }

    private sealed class Product : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] v)
        {
            ctx.SaveForBackward(v[0], v[1]);
            return [v[0]! * v[1]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var s = ctx.SavedTensors;
            return [g[0]! * s[1]!, g[0]! * s[0]!];
        }
    }

    // PyTorch: torch.autograd.grad: materialized gradients are zeros of the input's shape and dtype.
    [Fact]
    public void MaterializedZerosHaveTheInputsShapeAndDType()
    {
        var x = Leaf(1, 2);
        var unused = Tensor.Ones([2, 3], DType.Float32, requiresGrad: true);
        var g = Grad.Compute([(x * 2).Sum()], [x, unused], materializeGrads: true);
        Equal([2, 2], g[0]);
        Assert.Equal([2, 3], g[1]!.Shape.ToArray());
        Assert.Equal(DType.Float32, g[1]!.DType);
        Assert.All(g[1]!.ToDoubleArray(), v => Assert.Equal(0.0, v));
    }

    // PyTorch: test_autograd.py::test_grad_empty_inputs.
    [Fact]
    public void EmptyInputsAreRefused()
    {
        var x = Leaf(1);
        var e = Assert.Throws<ArgumentException>(() => Grad.Compute([2 * x], [], [T(1)]));
        Assert.StartsWith("grad requires non-empty inputs.", e.Message);
    }

    // PyTorch: test_autograd.py::test_grad_badcalls: an output or an input that does not require grad.
    [Fact]
    public void OutputsAndInputsMustRequireGrad()
    {
        var x = Tensor.Ones([1], DType.Float64);
        var y = x * x;
        Assert.Contains("does not require grad", Assert.Throws<InvalidOperationException>(() => Grad.Compute([x], [y])).Message);
        Assert.Contains("does not require grad", Assert.Throws<InvalidOperationException>(() => Grad.Compute([y], [x])).Message);
        var xr = Tensor.Ones([1], DType.Float64, requiresGrad: true);
        Equal([2], Grad.Compute([(xr * xr).Sum()], [xr])[0]);
    }

    // PyTorch: test_autograd.py::test_grad (shape check): "Mismatch in shape: grad_output[0] has a shape
    // of torch.Size([2]) and output[0] has a shape of torch.Size([2, 2])."
    [Fact]
    public void AGradOutputOfAnotherShapeIsRefused()
    {
        var x = Tensor.Ones([2, 2], DType.Float64, requiresGrad: true);
        var e = Assert.Throws<ArgumentException>(() => Grad.Compute([x * 2], [x], [Tensor.Ones([2], DType.Float64)]));
        Assert.Contains("Mismatch in shape: grad_output[0] has a shape of [2] and output[0] has a shape of [2, 2]", e.Message);
    }

    // PyTorch: the tensors grad returns are new: writing into one changes neither .grad nor the others,
    // even when the pass handed the same gradient to both inputs (add's backward).
    [Fact]
    public void ReturnedGradientsDoNotAliasEachOther()
    {
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        var g = Grad.Compute([a + b], [a, b], [T(1, 1)]);
        g[0]!.SetDouble(0, 100);
        Equal([1, 1], g[1]);
    }
}
