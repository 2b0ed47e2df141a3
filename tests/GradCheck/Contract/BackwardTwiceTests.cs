using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>What a second backward through the same graph does: only nodes that saved tensors are freed.</summary>
public class BackwardTwiceTests
{
    // PyTorch: test_autograd.py::test_backward_twice_without_saved_values: c = b + 1 saves nothing, so
    // a second backward without retain_graph works; the gradients accumulate (1 + 1).
    [Fact]
    public void NodesThatSavedNothingCanRunAgain()
    {
        var b = Tensor.Randn([3], DType.Float64, requiresGrad: true, generator: new Generator(3));
        var c = b + 1;
        var g = T(1, 1, 1);
        c.Backward(g);
        c.Backward(g);
        Equal([2, 2, 2], b.Grad);

        // A chain of such nodes (add, sub, neg, sum) too: d/db Σ(−(b − 2) + 5) = −1.
        var d = (-(b - 2) + 5).Sum();
        b.ZeroGrad();
        d.Backward();
        d.Backward();
        Equal([-2, -2, -2], b.Grad);
    }

    // PyTorch: test_autograd.py::test_backward_twice_with_saved_values (with x * 2, which saves the
    // scalar: confirmed on torch) and test_backward_twice_retained_graph_with_saved_values.
    [Fact]
    public void NodesThatSavedTensorsRefuseASecondBackwardUnlessRetained()
    {
        var b = Leaf(1, 2, 3);
        var c = b * 2;
        var g = T(1, 1, 1);
        c.Backward(g);
        var e = Assert.Throws<InvalidOperationException>(() => c.Backward(g));
        Assert.Contains(SecondBackward, e.Message);
        Assert.Contains("retainGraph: true", e.Message);
        Assert.StartsWith("MulBackward0", e.Message);
        Equal([2, 2, 2], b.Grad);   // the failed call accumulated nothing

        var s = b.Sigmoid();
        s.Backward(g, retainGraph: true);
        s.Backward(g);   // the retained graph runs once more, and is freed by this call
        Assert.Contains(SecondBackward, Assert.Throws<InvalidOperationException>(() => s.Backward(g)).Message);
    }

    // PyTorch: a graph mixing both kinds frees only the nodes with saved tensors: after one backward,
    // a new graph built on the saving-free part still runs, one through the freed node does not.
    [Fact]
    public void OnlyTheNodesWithSavedTensorsAreFreed()
    {
        var x = Leaf(0.5, -1);
        var e = x.Exp();          // saves its result
        var shifted = x + 3;      // saves nothing
        (e + shifted).Sum().Backward();
        x.ZeroGrad();
        (shifted * 2).Sum().Backward();   // AddBackward0 of x + 3 runs again
        Equal([2, 2], x.Grad);
        var err = Assert.Throws<InvalidOperationException>(() => (e * 2).Sum().Backward());
        Assert.Contains("ExpBackward0", err.Message);
        Assert.Contains(SecondBackward, err.Message);
    }

    // PyTorch: torch.autograd.backward / grad: "retain_graph defaults to the value of create_graph".
    [Fact]
    public void RetainGraphDefaultsToCreateGraph()
    {
        var x = Leaf(0.5, 1.5);
        var y = (x.Exp() * 2).Sum();
        y.Backward(createGraph: true);
        y.Backward();   // retained by the first call
        Assert.Contains(SecondBackward, Assert.Throws<InvalidOperationException>(() => y.Backward()).Message);
        TestData.AssertClose([4 * Math.Exp(0.5), 4 * Math.Exp(1.5)], x.Grad!);

        var z = (x.Exp() * 2).Sum();
        Grad.Compute([z], [x], createGraph: true);
        Grad.Compute([z], [x]);
        Assert.Contains(SecondBackward, Assert.Throws<InvalidOperationException>(() => Grad.Compute([z], [x])).Message);

        // An explicit retainGraph: false wins over createGraph.
        var w = (x.Exp() * 2).Sum();
        w.Backward(retainGraph: false, createGraph: true);
        Assert.Contains(SecondBackward, Assert.Throws<InvalidOperationException>(() => w.Backward()).Message);
    }

    // PyTorch: test_autograd.py::test_accumulate_grad: a second accumulation into .grad is in place
    // (the tensor read after the first backward sees the sum) without create_graph, and out of place
    // with it (the tensor read before keeps its value).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AccumulationIsInPlaceWithoutCreateGraphAndOutOfPlaceWithIt(bool createGraph)
    {
        var x = Tensor.Randn([2, 2], DType.Float64, requiresGrad: true, generator: new Generator(11));
        var y = x + 2;
        var go = Tensor.Ones([2, 2], DType.Float64);
        y.Backward(go, retainGraph: true);
        var xGrad = x.Grad!;
        var clone = xGrad.CloneData();
        y.Backward(go, createGraph: createGraph);
        Equal(createGraph ? clone.ToDoubleArray() : [2, 2, 2, 2], xGrad);
        Assert.Equal(!createGraph, ReferenceEquals(xGrad, x.Grad));
        Equal([2, 2, 2, 2], x.Grad);
    }
}
