namespace Autograd.Tests.Engine;

public class EngineTests
{
    private const string SecondBackward = "Trying to backward through the graph a second time";

    [Fact]
    public void DiamondOnALeafSumsBothPaths()
    {
        // y = x*x + x  →  dy/dx = 2x + 1 (hand derivation).
        var x = Tensor.From([1.5, -2.0, 0.25], requiresGrad: true);
        (x * x + x).Sum().Backward();
        Assert.Equal([4.0, -3.0, 1.5], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void DiamondThroughAnIntermediateSumsBeforeRunningTheSharedNode()
    {
        // a = 2x; y = a * exp(a) + a  →  dy/dx = 2 (exp(a) + a exp(a) + 1).
        var x = Tensor.From([0.3, -0.7], requiresGrad: true);
        var a = x * 2;
        (a * a.Exp() + a).Sum().Backward();
        var expected = new[] { 0.3, -0.7 }.Select(v => 2 * (Math.Exp(2 * v) * (1 + 2 * v) + 1)).ToArray();
        TestData.AssertClose(expected, x.Grad!);
        Assert.True(GradCheck.Check(t => { var b = t[0] * 2; return b * b.Exp() + b; }, [TestData.Randn([3], 101)]));
    }

    [Fact]
    public void LeafGradientsAccumulateAcrossBackwardCallsUntilReset()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        (x * 3).Sum().Backward();
        (x * 3).Sum().Backward();
        Assert.Equal([6.0, 6.0], x.Grad!.ToDoubleArray());
        x.ZeroGrad();
        Assert.Null(x.Grad);
        (x * x).Sum().Backward();
        Assert.Equal([2.0, 4.0], x.Grad!.ToDoubleArray());
        x.Grad = null;
        (x * 5).Sum().Backward();
        Assert.Equal([5.0, 5.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void TheFirstAccumulatedGradientIsACopyNotTheUpstreamTensor()
    {
        // add's backward hands the same tensor to both inputs; accumulating in place into it would corrupt
        // the other leaf's gradient.
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var b = Tensor.From([3.0, 4.0], requiresGrad: true);
        var seed = Tensor.From([1.0, 1.0]);
        (a + b).Backward(seed);
        (a * 10).Sum().Backward();
        Assert.Equal([11.0, 11.0], a.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 1.0], b.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 1.0], seed.ToDoubleArray());
    }

    [Fact]
    public void RetainGraphAllowsASecondBackwardAndWithoutItTheGraphIsFreed()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = (x.Exp() * x).Sum();
        y.Backward(retainGraph: true);
        var once = x.Grad!.ToDoubleArray();
        y.Backward();   // allowed: the graph was retained; this call frees it
        Assert.Equal(once.Select(v => 2 * v).ToArray(), x.Grad!.ToDoubleArray());
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains(SecondBackward, e.Message);
        Assert.Contains("retainGraph: true", e.Message);
    }

    [Fact]
    public void ResidualsAreFreedAfterBackward()
    {
        // The saved tensors live in each node's backward closure; once freed, any path through the node fails.
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var h = x.Sigmoid();
        var y = (h * h).Sum();
        y.Backward();
        Assert.Contains(SecondBackward, Assert.Throws<InvalidOperationException>(() => y.Backward()).Message);
        // A new graph that reuses the freed node h also fails, naming the node.
        var e = Assert.Throws<InvalidOperationException>(() => (h * 2).Sum().Backward());
        Assert.Contains("SigmoidBackward0", e.Message);
        Assert.Contains(SecondBackward, e.Message);
        // Grad.Compute frees too.
        var z = (x.Tanh() * 3).Sum();
        Grad.Compute([z], [x]);
        Assert.Contains(SecondBackward, Assert.Throws<InvalidOperationException>(() => Grad.Compute([z], [x])).Message);
    }

    [Fact]
    public void BackwardOnANonScalarNeedsAGradient()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = x * x;
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
        y.Backward(Tensor.From([1.0, 0.5]));
        Assert.Equal([2.0, 2.0], x.Grad!.ToDoubleArray());
        var w = Assert.Throws<ArgumentException>(() => (x * x).Backward(Tensor.From([1.0, 2.0, 3.0])));
        Assert.Contains("Mismatch in shape", w.Message);
    }

    [Fact]
    public void BackwardOnATensorThatDoesNotRequireGradThrows()
    {
        var x = Tensor.From([1.0, 2.0]);
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2).Sum().Backward());
        Assert.Contains("does not require grad and does not have a grad_fn", e.Message);
    }

    [Fact]
    public void BackwardOnAScalarLeafSetsItsGradToOne()
    {
        var x = Tensor.Scalar(3, DType.Float64, requiresGrad: true);
        x.Backward();
        Assert.Equal(1.0, x.Grad!.Item());
    }

    [Fact]
    public void NoGradStopsRecordingInThisFlowOnly()
    {
        // Note [Grad mode across await]: the mode follows the flow of control. A thread started before
        // the scope keeps recording; one started inside it inherits no-grad (as an awaited task does).
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        Tensor? fromOtherFlow = null, fromInside = null;
        using var go = new ManualResetEventSlim();
        var before = new Thread(() => { go.Wait(); fromOtherFlow = x * 2; });
        before.Start();
        using (Grad.NoGrad())
        {
            Assert.False(Grad.IsEnabled);
            var y = x * 2;
            Assert.Null(y.GradFn);
            Assert.False(y.RequiresGrad);
            go.Set();
            before.Join();
            var inside = new Thread(() => fromInside = x * 2);
            inside.Start();
            inside.Join();
            using (Grad.EnableGrad()) Assert.NotNull((x * 2).GradFn);
            Assert.Null((x * 2).GradFn);
        }
        Assert.True(Grad.IsEnabled);
        Assert.Equal("MulBackward0", fromOtherFlow!.GradFn!.Name);
        Assert.Null(fromInside!.GradFn);
        Assert.Equal("MulBackward0", (x * 2).GradFn!.Name);
    }

    [Fact]
    public void DetachSharesStorageAndCutsTheGraph()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var h = x.Exp();
        var d = h.Detach();
        Assert.True(d.IsLeaf);
        Assert.False(d.RequiresGrad);
        Assert.Null(d.GradFn);
        Assert.Same(h.Storage, d.Storage);
        // y = x * detach(x): gradient x, not 2x.
        (x * x.Detach()).Sum().Backward();
        Assert.Equal([1.0, 2.0], x.Grad!.ToDoubleArray());
        Assert.Throws<InvalidOperationException>(() => (d * 2).Sum().Backward());
    }

    [Fact]
    public void RequiresGradOfANonLeafCannotBeTurnedOff()
    {
        var y = Tensor.From([1.0], requiresGrad: true) * 2;
        Assert.False(y.IsLeaf);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Fact]
    public void GradComputeReturnsGradientsAndLeavesDotGradUntouched()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var w = Tensor.From([3.0, -1.0], requiresGrad: true);
        var h = x * w;
        var y = (h * h).Sum();
        var g = Grad.Compute([y], [x, w, h]);
        Assert.Equal([18.0, 4.0], g[0]!.ToDoubleArray());    // 2 x w²
        Assert.Equal([6.0, -8.0], g[1]!.ToDoubleArray());    // 2 x² w
        Assert.Equal([6.0, -4.0], g[2]!.ToDoubleArray());    // 2 h (an intermediate)
        Assert.Null(x.Grad);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void GradComputeWithSeveralOutputsAndGradOutputs()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var a = x * 3;
        var b = (x * x).Sum();
        var g = Grad.Compute([a, b], [x], [Tensor.From([1.0, 10.0]), null]);
        Assert.Equal([3.0 + 2, 30.0 + 4], g[0]!.ToDoubleArray());
    }

    [Fact]
    public void GradComputeRejectsUnusedInputsUnlessAllowed()
    {
        var x = Tensor.From([1.0], requiresGrad: true);
        var unused = Tensor.From([1.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => Grad.Compute([(x * 2).Sum()], [x, unused]));
        Assert.Contains("appears to not have been used in the graph", e.Message);
        var g = Grad.Compute([(x * 2).Sum()], [x, unused], allowUnused: true);
        Assert.Equal(2.0, g[0]!.Item());
        Assert.Null(g[1]);
        Assert.Throws<InvalidOperationException>(() => Grad.Compute([(x * 2).Sum()], [Tensor.From([1.0])]));
    }

    [Fact]
    public void ABackwardRuleReturningAWrongShapeIsReportedWithTheOpName()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = Node.Record(Tensor.From([0.0, 0.0]), "BrokenBackward0", [x], g => [Tensor.From([1.0, 2.0, 3.0])]);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Function BrokenBackward0 returned an invalid gradient at index 0 - got [3] but expected shape compatible with [2]", e.Message);
    }
}
