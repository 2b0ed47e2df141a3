using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Assigning .Grad: PyTorch's validation, and accumulation into an assigned gradient.</summary>
public class GradAssignmentTests
{
    // PyTorch: the .grad setter (THPVariable_set_grad; messages confirmed on torch).
    [Fact]
    public void AssignmentIsValidated()
    {
        var x = Tensor.Ones([2], DType.Float32, requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => x.Grad = x);
        Assert.Equal("can't assign Variable as its own grad", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => x.Grad = Tensor.Ones([2], DType.Float64));
        Assert.StartsWith("assigned grad has data of a different type", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => x.Grad = Tensor.Ones([3], DType.Float32));
        Assert.StartsWith("assigned grad has data of a different size", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => x.Grad = Tensor.Ones([2, 1], DType.Float32));
        Assert.StartsWith("assigned grad has data of a different size", e.Message);
        Assert.Null(x.Grad);   // nothing was assigned

        var ok = Tensor.From([0.5f, 0.25f]);
        x.Grad = ok;
        Assert.Same(ok, x.Grad);
        x.Grad = null;
        Assert.Null(x.Grad);
    }

    // PyTorch: test_autograd.py::test_accumulate_grad_tensor_reference (dense case): backward accumulates
    // into an assigned .grad, keeping the same tensor object without create_graph.
    [Fact]
    public void BackwardAccumulatesIntoAnAssignedGradKeepingTheTensor()
    {
        var p = Leaf(1.5, 1.5);
        var assigned = T(1.5, 1.5);
        p.Grad = assigned;
        p.Backward(T(1.5, 1.5));
        Assert.Same(assigned, p.Grad);
        Equal([3, 3], p.Grad);

        var q = Leaf(1.5, 1.5);
        var assigned2 = T(1.5, 1.5);
        q.Grad = assigned2;
        q.Backward(T(1.5, 1.5), createGraph: true);
        Assert.NotSame(assigned2, q.Grad);
        Equal([3, 3], q.Grad);
        Equal([1.5, 1.5], assigned2);
    }

    // PyTorch: the gradient passed to backward is never aliased by .grad (accumulate_grad clones a
    // gradient it cannot steal), so writing into it later leaves .grad alone.
    [Fact]
    public void TheGradientPassedToBackwardIsNotAliasedByGrad()
    {
        var v = Leaf(1, 2);
        var seed = T(5, 6);
        v.Backward(seed);
        seed.SetDouble(0, -1);
        Equal([5, 6], v.Grad);
    }

    // PyTorch: a non-leaf's .grad can be assigned (and is then returned without a warning).
    [Fact]
    public void ANonLeafsGradCanBeAssigned()
    {
        var y = Leaf(1, 2) * 2;
        var g = T(7, 8);
        y.Grad = g;
        var w = CaptureWarnings(() => Assert.Same(g, y.Grad));
        Assert.Empty(w);
    }
}
