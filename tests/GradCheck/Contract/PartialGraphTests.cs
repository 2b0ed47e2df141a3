using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Note [Partial graphs]: Grad.Compute and Backward(inputs) run only the part of the graph they need.</summary>
public class PartialGraphTests
{
    // The case. PyTorch only executes (and so only frees) the nodes on a path to the requested
    // inputs (exec_info), so grad(loss, x) leaves the w branch's saved tensors alone and a later
    // backward through it works (confirmed on torch: w.grad = σ(w)(1 − σ(w)), then backward to x again
    // fails because ExpBackward0 was freed).
    [Fact]
    public void GradComputeOnOneBranchLeavesTheOtherBranchUsable()
    {
        var x = Leaf(0.5, -1);
        var w = Leaf(0.3, 2);
        var loss = (x.Exp() + w.Sigmoid()).Sum();
        TestData.AssertClose([Math.Exp(0.5), Math.Exp(-1)], Grad.Compute([loss], [x])[0]!);

        loss.Backward(inputs: [w]);
        double S(double v) => 1 / (1 + Math.Exp(-v));
        TestData.AssertClose([S(0.3) * (1 - S(0.3)), S(2) * (1 - S(2))], w.Grad!);
        Assert.Null(x.Grad);

        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward(inputs: [x]));
        Assert.Contains("ExpBackward0", e.Message);
        Assert.Contains(SecondBackward, e.Message);
    }

    [Fact]
    public void GradComputeToAnIntermediateLeavesTheNodesBelowItUntouched()
    {
        var x = Leaf(0.5, 1);
        var h = x.Exp();
        bool leafHook = false;
        x.RegisterHook(_ => leafHook = true);
        var y = (h * h).Sum();
        var gh = Grad.Compute([y], [h])[0];
        TestData.AssertClose([2 * Math.Exp(0.5), 2 * Math.Exp(1)], gh!);   // 2h
        Assert.False(leafHook);
        // ExpBackward0 neither ran nor was freed: a new graph through h still reaches x.
        h.Sum().Backward();
        TestData.AssertClose([Math.Exp(0.5), Math.Exp(1)], x.Grad!);
        Assert.True(leafHook);
    }

    // PyTorch: test_autograd.py::test_copy_slices_graph_task_updates ("Ensure that we don't run extra
    // view Node": a hook on a tensor no requested gradient passes through is never called) and
    // test_accumulate_grad_posthooks_should_not_execute, for a non-leaf.
    [Fact]
    public void HooksOfTensorsOffThePathToTheRequestedInputsDoNotRun()
    {
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        var c = a * 2;
        c.RegisterHook(_ => throw new InvalidOperationException("c's hook ran"));
        c.GradFn!.RegisterPrehook(_ => throw new InvalidOperationException("c's node ran"));
        var outp = (c + b).Sum();
        Equal([1, 1], Grad.Compute([outp], [b], retainGraph: true)[0]);
        outp.Backward(inputs: [b]);
        Equal([1, 1], b.Grad);
        Assert.Null(a.Grad);
    }

    // PyTorch: test_autograd.py::test_sharded_grad: gradients of a loss with respect to intermediates,
    // computed in chunks by several grad calls without retain_graph, then the rest of the pass with one
    // backward from the intermediates. Works because each grad call runs (and frees) only the nodes
    // above its chunk. dloss/dl_i = i·(i + 2 l_i) (confirmed on torch for l_i = 0.5 + i: 0, 4, 14, 30).
    [Fact]
    public void ShardedGradThenBackwardFromTheIntermediates()
    {
        var leaves = Enumerable.Range(0, 4).Select(i => Tensor.Full([2, 2], 0.5 + i, DType.Float64, requiresGrad: true)).ToArray();
        var intermediates = leaves.Select((l, i) => l * i + l * l).ToArray();
        var loss = intermediates.Select((v, i) => v * i).Aggregate((a, b) => a + b).Sum();
        var d = intermediates.Chunk(2).SelectMany(chunk => Grad.Compute([loss], chunk)).Select(g => g!).ToArray();
        Grad.Backward(intermediates, d);
        for (int i = 0; i < 4; i++)
            Equal(Enumerable.Repeat(i * (i + 2 * (0.5 + i)), 4).ToArray(), leaves[i].Grad);
    }

    // PyTorch: test_autograd.py::test_grad_unreachable: an input the outputs do not depend on is None
    // with allow_unused (whether or not it has a grad accumulator yet), and an error without it.
    [Fact]
    public void UnreachableInputsAreNullWithAllowUnusedAndAnErrorWithout()
    {
        var x = Leaf(1);
        var y = Leaf(1);
        _ = x * 2;   // both have accumulators
        _ = y * 2;
        var g = Grad.Compute([x * 2], [x, y], [T(1)], allowUnused: true);
        Equal([2], g[0]);
        Assert.Null(g[1]);

        var z = Leaf(1);   // no accumulator at all
        g = Grad.Compute([x * 2], [x, z], [T(1)], allowUnused: true);
        Equal([2], g[0]);
        Assert.Null(g[1]);

        var e = Assert.Throws<InvalidOperationException>(() => Grad.Compute([x * 2], [x, y], [T(1)], allowUnused: false));
        Assert.Contains("allowUnused: true", e.Message);
        Assert.Contains("input 1", e.Message);
    }

    // PyTorch: test_autograd.py::test_grad_unreachable_discovery: nodes with no path to a requested input
    // are not executed (#39784), and backward(inputs=...) treats an unreachable input as allow_unused.
    [Fact]
    public void NodesWithNoPathToARequestedInputAreNotExecuted()
    {
        Tensor MustNotRun(Tensor t) => Node.Record(t.CloneData(), "MustNotRunBackward", [t], _ => throw new InvalidOperationException("This node should not be executed!"));
        var gen = new Generator(5);

        var x = MustNotRun(Tensor.Randn([1], DType.Float64, requiresGrad: true, generator: gen) * 2);
        var y = Tensor.Randn([1], DType.Float64, requiresGrad: true, generator: gen);
        Assert.Null(Grad.Compute([x], [y], [T(1)], allowUnused: true)[0]);

        x = MustNotRun(Tensor.Randn([1], DType.Float64, requiresGrad: true, generator: gen) * 2);
        var z = Tensor.Randn([1], DType.Float64, requiresGrad: true, generator: gen);
        var g = Grad.Compute([x + z], [y, z], [T(1)], allowUnused: true);
        Assert.Null(g[0]);
        Equal([1], g[1]);

        x = MustNotRun(Tensor.Randn([1], DType.Float64, requiresGrad: true, generator: gen) * 2);
        Grad.Backward([x], [T(1)], inputs: [y]);
        Assert.Null(y.Grad);
    }

    // PyTorch: test_autograd.py::test_grad_nonleaf: grad with respect to a non-leaf, iterated, touches no
    // .grad; a final backward reaches the original leaf. f(x) = x² + y·x + y², df/dx = 2x + y. (PyTorch
    // iterates with create_graph; built-in rules are not differentiable yet, Note [Double backward, for
    // now], so here the steps are constants and d x_final / d x_init = 1, while y gets no gradient.)
    [Fact]
    public void GradWithRespectToNonLeavesTouchesNoGrad()
    {
        var xInit = Tensor.Randn([2, 2], DType.Float64, requiresGrad: true, generator: new Generator(21));
        var y = Tensor.Randn([2, 2], DType.Float64, requiresGrad: true, generator: new Generator(22));
        var go = Tensor.Ones([2, 2], DType.Float64);
        Tensor F(Tensor v) => v * v + y * v + y * y;
        var x = xInit;
        for (int i = 0; i < 3; i++)
        {
            var gx = Grad.Compute([F(x)], [x], [go])[0]!;
            var expected = (2 * x + y).ToDoubleArray();
            TestData.AssertClose(expected, gx);
            Assert.Null(y.Grad);
            Assert.Null(xInit.Grad);
            x = x + gx * 0.05;
        }
        x.Backward(go);
        Assert.Null(y.Grad);
        Equal([1, 1, 1, 1], xInit.Grad);
    }
}
