using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Tensor.RetainGrad and the non-leaf .Grad warning.</summary>
public class RetainGradTests
{
    // PyTorch: test_autograd.py::test_retain_grad.
    // h = 3x, out = Σ h²: dout/dh = 2h, accumulated over two backward calls to 4h; retain_grad is a
    // no-op on a leaf, and dout/dx = 18x.
    [Fact]
    public void RetainedGradientsAccumulateAcrossBackwardCallsAndLeavesAreUnaffected()
    {
        var input = Tensor.From([0.25, -0.5, 1.5], [1, 3], requiresGrad: true);
        var h1 = input * 3;
        var outp = (h1 * h1).Sum();
        h1.RetainGrad();
        h1.RetainGrad();   // calling it twice is fine
        Assert.True(h1.RetainsGrad);

        outp.Backward(retainGraph: true);
        Equal([1.5, -3, 9], h1.Grad);      // 2h
        outp.Backward(retainGraph: true);
        Equal([3, -6, 18], h1.Grad);       // 4h

        input.ZeroGrad();
        input.RetainGrad();
        input.RetainGrad();
        Assert.False(input.RetainsGrad);   // PyTorch: a leaf's retains_grad stays False
        outp.Backward();
        Equal([4.5, -9, 27], input.Grad);  // 18x
    }

    // PyTorch: test_autograd.py::test_retains_grad_can_always_observe_tensor_prehook (PyTorch 2.x):
    // the retained .Grad is the gradient after all tensor hooks, whatever the registration order.
    [Fact]
    public void RetainGradSeesTheGradientAfterAllTensorHooksWhateverTheOrder()
    {
        var a = ScalarLeaf(1);
        var b = Clone(a);
        b.RegisterHook(g => g * 2);
        b.RetainGrad();
        b.RegisterHook(g => g * 2);
        Clone(b).Backward();
        Assert.Equal(4.0, b.Grad!.Item());

        a = ScalarLeaf(1);
        b = Clone(a);
        b.RetainGrad();
        b.RegisterHook(g => g * 2);
        Clone(b).Backward();
        Assert.Equal(2.0, b.Grad!.Item());
    }

    // PyTorch: test_autograd.py::test_retain_grad_inplace: after an in-place op the retained gradient is
    // the one with respect to the tensor's latest version (1, not 2 or 4).
    [Fact]
    public void RetainGradFollowsTheTensorThroughInPlaceOps()
    {
        var a = Clone(Leaf(1));
        a.RetainGrad();
        a.Mul_(2);
        a.Sum().Backward();
        Equal([1], a.Grad);

        a = Clone(Leaf(1));
        a.RetainGrad();
        a.Mul_(2);
        a.Mul_(2);
        a.Sum().Backward();
        Equal([1], a.Grad);
    }

    // PyTorch: test_autograd.py::test_retains_grad_inplace_multiple_outputs: two outputs of one node
    // retain their gradients; an in-place op on one moves only its retain-grad hook. The retained values
    // equal grad(out, (var, mean)) on the same graph built again.
    [Fact]
    public void RetainGradOnOneOutputOfAMultiOutputNodeFollowsItThroughAnInPlaceOp()
    {
        var b = Tensor.Randn([3, 3], DType.Float64, requiresGrad: true, generator: new Generator(71));
        var outs = new DoubleMul().ApplyAll(b);
        var (v, m) = (outs[0], outs[1]);
        v.RetainGrad();
        m.RetainGrad();
        v.Mul_(2);
        (v * m + m).Sum().Backward();

        var a = b.Detach().RequiresGrad_();
        var outs2 = new DoubleMul().ApplyAll(a);
        var (v2, m2) = (outs2[0], outs2[1]);
        v2.Mul_(2);
        var expected = Grad.Compute([(v2 * m2 + m2).Sum()], [v2, m2]);
        TestData.AssertClose(expected[0]!.ToDoubleArray(), v.Grad!);
        TestData.AssertClose(expected[1]!.ToDoubleArray(), m.Grad!);
        TestData.AssertClose(m.ToDoubleArray(), v.Grad!);                          // d/dv (v·m + m) = m
        TestData.AssertClose(v.ToDoubleArray().Select(e => e + 1).ToArray(), m.Grad!);   // v + 1
    }

    private sealed class DoubleMul : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] x) => [x[0]! * 2, x[0]! * 3];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * 2 + g[1]! * 3];
    }

    // PyTorch: "can't retain_grad on Tensor that has requires_grad=False" (confirmed on torch).
    [Fact]
    public void RetainGradOnATensorThatDoesNotRequireGradIsAnError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => T(1).RetainGrad());
        Assert.Equal("can't retain_grad on Tensor that has requires_grad=False", e.Message);
    }

    // PyTorch: retains_grad hooks are tensor pre-hooks, which run for every tensor a gradient is
    // computed for, so torch.autograd.grad fills a retaining tensor's .grad too (confirmed on torch:
    // y = 2x, z = Σ 3y: grad(z, x) = [6, 6] and y.grad = [3, 3]).
    [Fact]
    public void GradComputeFillsTheGradOfATensorThatRetainsIt()
    {
        var x = Leaf(1, 2);
        var y = x * 2;
        y.RetainGrad();
        var z = (y * 3).Sum();
        Equal([6, 6], Grad.Compute([z], [x])[0]);
        Equal([3, 3], y.Grad);
        Assert.Null(x.Grad);
    }

    // PyTorch: the retained gradient is a copy, not the gradient flowing on (retain_grad clones it), so
    // writing into it in place does not change what reaches the leaves.
    [Fact]
    public void TheRetainedGradientIsNotTheTensorThatFlowsOn()
    {
        var x = Leaf(1, 2);
        var y = x * 2;
        y.RetainGrad();
        Tensor? flowing = null;
        y.RegisterHook(g => flowing = g);
        (y * 3).Sum().Backward();
        Assert.NotSame(flowing, y.Grad);
        Assert.NotSame(flowing!.Storage, y.Grad!.Storage);
        Equal([3, 3], y.Grad);
        Equal([6, 6], x.Grad);
    }

    // PyTorch: test_autograd.py::test_tensor_grad_warnings: reading .grad warns on a non-leaf only, and
    // not once it retains its gradient. The warning text names RetainGrad.
    [Fact]
    public void ReadingGradOfANonLeafWarnsUnlessItRetainsGrad()
    {
        var leaf = Tensor.Zeros([1], requiresGrad: true);
        Tensor? seen = null;
        var w = CaptureWarnings(() => seen = leaf.Grad);
        Assert.Empty(w);
        Assert.Null(seen);

        var nonLeaf = Clone(leaf);
        w = CaptureWarnings(() => seen = nonLeaf.Grad);
        Assert.Null(seen);
        var message = Assert.Single(w);
        Assert.Contains("is not a leaf Tensor is being accessed", message);
        Assert.Contains(".RetainGrad()", message);

        nonLeaf.RetainGrad();
        w = CaptureWarnings(() => seen = nonLeaf.Grad);
        Assert.Empty(w);
        Assert.Null(seen);

        // A plain tensor that does not require grad is a leaf: no warning either.
        Assert.Empty(CaptureWarnings(() => _ = T(1).Grad));
    }

    [Fact]
    public void ReadingGradOfANonLeafThatDoesNotRetainItWarnsEveryTime()
    {
        var y = Leaf(1) * 2;
        y.Sum().Backward();
        var w = CaptureWarnings(() => { _ = y.Grad; _ = y.Grad; });
        Assert.Equal(2, w.Count);
    }
}
