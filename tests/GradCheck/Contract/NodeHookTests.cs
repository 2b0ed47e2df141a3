using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Node.RegisterPrehook / Node.RegisterHook, on op nodes and on a leaf's AccumulateGrad, and the order of Note [Hook order].</summary>
public class NodeHookTests
{
    // PyTorch: test_autograd.py::test_grad_fn_prehooks (the built-in op half).
    // b = 2a. Three pre-hooks double the gradient (1 → 8), the others return null or their argument;
    // both post-hooks see grad_output = 8 and grad_input = 2·8 = 16, and a.grad = 16.
    [Fact]
    public void PreHooksReplaceTheOutputGradientsAndPostHooksSeeBothSides()
    {
        var a = Leaf(1);
        var b = a * 2;
        int pre = 0, post = 0;
        Tensor?[]? Prehook(Tensor?[] gO) { pre++; return [gO[0]! * 2]; }
        Tensor?[]? Posthook(Tensor?[] gI, Tensor?[] gO)
        {
            Assert.Equal(3, pre);
            Equal([8], gO[0]);
            Equal([16], gI[0]);
            post++;
            return gI;
        }
        b.GradFn!.RegisterHook(Posthook);
        b.GradFn!.RegisterHook(Posthook);
        b.GradFn!.RegisterPrehook(Prehook);
        b.GradFn!.RegisterPrehook(_ => null);
        b.GradFn!.RegisterPrehook(Prehook);
        b.GradFn!.RegisterPrehook(Prehook);
        b.GradFn!.RegisterPrehook(g => g);
        b.GradFn!.RegisterPrehook(_ => null);
        b.Sum().Backward();
        Assert.Equal(2, post);
        Assert.Equal(3, pre);
        Equal([16], a.Grad);

        // A pre-hook returning null keeps the gradient: 2a again.
        var a2 = Tensor.Ones([3, 3], DType.Float64, requiresGrad: true);
        var b2 = a2 * 2;
        b2.GradFn!.RegisterPrehook(_ => { pre++; return null; });
        b2.Sum().Backward();
        Assert.Equal(4, pre);
        Equal(Enumerable.Repeat(2.0, 9).ToArray(), a2.Grad);
    }

    // PyTorch: test_autograd.py::test_grad_fn_prehooks (the custom Function half): same counts and values.
    [Fact]
    public void NodeHooksRunOnCustomFunctionNodesToo()
    {
        var a = Leaf(1);
        var b = new Mul2().Apply(a);
        int pre = 0, post = 0;
        b.GradFn!.RegisterPrehook(gO => { pre++; return [gO[0]! * 2]; });
        b.GradFn!.RegisterHook((gI, gO) => { post++; Equal([2], gO[0]); Equal([4], gI[0]); return null; });
        b.Sum().Backward();
        Assert.Equal((1, 1), (pre, post));
        Equal([4], a.Grad);
    }

    private sealed class Mul2 : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 2];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * 2];
    }

    // PyTorch: test_autograd.py::test_grad_fn_prehooks_remove_hooks.
    [Fact]
    public void PreHooksCanBeRemovedBeforeAndDuringBackward()
    {
        var a = Tensor.Ones([3, 3], DType.Float64, requiresGrad: true);
        var b = a * 2;
        int counter = 0;
        var handle = b.GradFn!.RegisterPrehook(_ => { counter++; return null; });
        b.GradFn!.RegisterPrehook(_ => { counter++; return null; });
        handle.Remove();
        b.Sum().Backward();
        Equal(Enumerable.Repeat(2.0, 9).ToArray(), a.Grad);
        Assert.Equal(1, counter);

        // Removing hooks during backward: the pass already started runs its snapshot (PyTorch's
        // _call_hooks takes PyDict_Values first), so prehook2 still runs once; removing a removed handle is OK.
        a = Tensor.Ones([3, 3], DType.Float64, requiresGrad: true);
        b = a * 2;
        counter = 0;
        RemovableHandle? handle2 = null, handle3 = null;
        b.GradFn!.RegisterPrehook(_ => { handle2!.Remove(); handle3!.Remove(); return null; });
        handle2 = b.GradFn!.RegisterPrehook(_ => { counter++; return null; });
        handle3 = b.GradFn!.RegisterPrehook(_ => { counter++; return null; });
        handle3.Remove();
        b.Sum().Backward(retainGraph: true);
        Equal(Enumerable.Repeat(2.0, 9).ToArray(), a.Grad);
        Assert.Equal(1, counter);
        b.Sum().Backward();
        Assert.Equal(1, counter);   // gone for the next pass
    }

    // PyTorch: a pre-hook may return None for a gradient, which makes it undefined; a built-in node with
    // no defined gradient returns undefined gradients (generated code: any_grad_defined ? formula :
    // Tensor()), so nothing reaches the leaf, while the node's post-hooks still run.
    [Fact]
    public void APreHookDroppingTheGradientStopsItAtThatNode()
    {
        var a = Leaf(1, 2);
        var b = a.Exp();
        int post = 0;
        b.GradFn!.RegisterPrehook(_ => [null]);
        b.GradFn!.RegisterHook((gI, gO) => { post++; Assert.Null(gO[0]); Assert.Null(gI[0]); return null; });
        var c = a * 3;
        (b + c).Sum().Backward();
        Assert.Equal(1, post);
        Equal([3, 3], a.Grad);   // only the path through c
    }

    // PyTorch: torch.autograd.graph.Node.register_hook's documented example: a post-hook returning
    // (gO[0] * 2,) doubles a.grad; after handle.remove() it is 1 again.
    [Fact]
    public void APostHookReplacesTheInputGradientsUntilRemoved()
    {
        var a = Leaf(0, 0, 0);
        var b = Clone(a);
        var handle = b.GradFn!.RegisterHook((gI, gO) => [gO[0]! * 2]);
        b.Sum().Backward(retainGraph: true);
        Equal([2, 2, 2], a.Grad);
        handle.Remove();
        a.Grad = null;
        b.Sum().Backward(retainGraph: true);
        Equal([1, 1, 1], a.Grad);
    }

    // PyTorch: test_autograd.py::test_grad_fn_prehooks_multiple_outputs (custom Function half): a pre-hook
    // sees one gradient per output (null for an output no gradient reached) and must return as many.
    [Fact]
    public void PreHooksOfAMultiOutputNodeSeeOneGradientPerOutput()
    {
        const double k = 3;
        var a = Leaf(1, 2);
        var b = Leaf(-1, 0.5);
        var outs = new DoubleMul2(k).ApplyAll(a, b);
        int counter = 0;
        outs[0].GradFn!.RegisterPrehook(gO =>
        {
            Assert.Equal(2, gO.Length);
            counter++;
            return [gO[0]! * 2, gO[1]! * 2];
        });
        (outs[0] + outs[1]).Sum().Backward();
        Assert.Equal(1, counter);
        Equal([4 * k, 4 * k], a.Grad);   // 2k·(2·1)
        Equal([4 * k, 4 * k], b.Grad);

        var c = new DoubleMul2(k).ApplyAll(Leaf(1), Leaf(1));
        c[0].GradFn!.RegisterPrehook(gO => [gO[0]]);
        var e = Assert.Throws<InvalidOperationException>(() => (c[0] + c[1]).Sum().Backward());
        Assert.Contains("2 gradients", e.Message);
    }

    private sealed class DoubleMul2(double k) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] x) => [x[0]! * (2 * k), x[1]! * (2 * k)];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * (2 * k), g[1]! * (2 * k)];
    }

    [Fact]
    public void APostHookReturningTheWrongNumberOfGradientsIsAnError()
    {
        var a = Leaf(1);
        var b = a * Leaf(2);
        b.GradFn!.RegisterHook((gI, gO) => [gI[0]]);
        var e = Assert.Throws<InvalidOperationException>(() => b.Sum().Backward());
        Assert.Contains("MulBackward0", e.Message);
    }

    // PyTorch: test_autograd.py::test_prehook_ordering. Tensor hooks (1, ×3) run before the node's
    // pre-hooks (2, ×2); a leaf's tensor hooks run before its AccumulateGrad pre-hooks.
    // Values by hand: b's gradient 1 → ×3 → ×2 ×2 = 12 reaches a; a's hooks ×3 ×3 = 108; the
    // AccumulateGrad pre-hook ×2 = 216 is accumulated. grad(b, a) returns 108: AccumulateGrad does not run.
    // backward(inputs=[b]) gives b.grad = 3: the tensor hook's result, before the node's pre-hooks.
    [Fact]
    public void TensorHooksRunBeforeNodePreHooksOnNodesAndOnAccumulateGrad()
    {
        var log = new List<int>();
        Tensor Hook1(Tensor g) { log.Add(1); return g * 3; }
        Tensor?[] Hook2(Tensor?[] gs) { log.Add(2); return gs.Select(g => g! * 2).ToArray(); }

        var a = ScalarLeaf(1);
        var b = Clone(a);
        b.GradFn!.RegisterPrehook(Hook2);
        b.RegisterHook(Hook1);
        b.GradFn!.RegisterPrehook(Hook2);
        var acc = b.GradFn!.NextFunctions[0]!;
        Assert.Equal("AccumulateGrad", acc.Name);
        a.RegisterHook(Hook1);
        acc.RegisterPrehook(Hook2);
        a.RegisterHook(Hook1);

        b.Sum().Backward(retainGraph: true);
        Assert.Equal([1, 2, 2, 1, 1, 2], log);
        Assert.Equal(216.0, a.Grad!.Item());

        // grad also runs the tensor hooks of a leaf it captures, but not its AccumulateGrad's pre-hooks.
        log.Clear();
        var ga = Grad.Compute([b.Sum()], [a], retainGraph: true)[0]!;
        Assert.Equal([1, 2, 2, 1, 1], log);
        Assert.Equal(108.0, ga.Item());

        log.Clear();
        b.Sum().Backward(inputs: [b]);
        Assert.Equal([1, 2, 2], log);
        Assert.Equal(3.0, b.Grad!.Item());
        Assert.Equal(216.0, a.Grad!.Item());   // unchanged: a was not named
    }

    // PyTorch: test_autograd.py::test_accumulate_grad_posthooks_can_observe_tensor_prehook: an
    // AccumulateGrad's pre-hook sees (grad), its post-hook sees () and (grad), both after the tensor hooks.
    [Fact]
    public void AccumulateGradNodeHooksSeeTheGradientAfterTensorHooks()
    {
        var a = ScalarLeaf(1.5);
        var b = Clone(a);
        var acc = b.GradFn!.NextFunctions[0]!;
        int pre = 0, post = 0;
        acc.RegisterHook((gI, gO) => { Assert.Empty(gI); Assert.Single(gO); Assert.Equal(2.0, gO[0]!.Item()); post++; return null; });
        acc.RegisterPrehook(gO => { Assert.Single(gO); Assert.Equal(2.0, gO[0]!.Item()); pre++; return null; });
        a.RegisterHook(g => g * 2);
        b.Backward();
        Assert.Equal((1, 1), (pre, post));
        Assert.Equal(2.0, a.Grad!.Item());
    }

    // PyTorch: test_autograd.py::test_accumulate_grad_posthooks_should_not_execute: with
    // backward(inputs=[b]) neither a's tensor hook nor c's AccumulateGrad post-hook runs.
    [Fact]
    public void HooksOfLeavesNotNamedInBackwardInputsDoNotRun()
    {
        var a = ScalarLeaf(1);
        a.RegisterHook(_ => throw new InvalidOperationException("a's hook ran"));
        var b = ScalarLeaf(1);
        var c = Clone(a);
        var acc = c.GradFn!.NextFunctions[0]!;
        acc.RegisterHook((_, _) => throw new InvalidOperationException("the post-hook ran"));
        var outp = a + b + c;
        outp.Sum().Backward(inputs: [b]);
        Assert.Equal(1.0, b.Grad!.Item());
        Assert.Null(a.Grad);
    }

    // PyTorch: test_autograd.py::test_hook_edge_case_when_called_with_grad: grad runs the tensor hooks of
    // the tensors it captures, but the node hooks only of nodes it executes; backward executes every
    // node on the way, the named inputs' own nodes included.
    [Fact]
    public void GradRunsNodeHooksOnlyOfTheNodesItExecutes()
    {
        var a = ScalarLeaf(1);
        var b = a * 2;
        var c = b * 2;
        int tensor = 0, pre = 0, post = 0;
        a.RegisterHook(_ => tensor++);
        b.RegisterHook(_ => tensor++);
        var acc = b.GradFn!.NextFunctions[0]!;
        acc.RegisterHook((_, _) => { post++; return null; });
        acc.RegisterPrehook(_ => { pre++; return null; });
        b.GradFn!.RegisterHook((_, _) => { post++; return null; });
        b.GradFn!.RegisterPrehook(_ => { pre++; return null; });

        Grad.Compute([c], [b], retainGraph: true);
        Assert.Equal((1, 0, 0), (tensor, pre, post));
        (tensor, pre, post) = (0, 0, 0);

        Grad.Compute([c], [a, b], retainGraph: true);
        Assert.Equal((2, 1, 1), (tensor, pre, post));
        (tensor, pre, post) = (0, 0, 0);

        c.Backward(retainGraph: true);
        Assert.Equal((2, 2, 2), (tensor, pre, post));
        (tensor, pre, post) = (0, 0, 0);

        c.Backward(retainGraph: true, inputs: [a, b]);
        Assert.Equal((2, 2, 2), (tensor, pre, post));
    }

    // Note [Hook order], end to end on one node and one leaf. The node's rule is recorded by hand so the
    // log shows where it runs. Values: 1 → tensor hooks (+1, ×2) = 4, retained; pre-hook +10 = 14; the
    // rule ×3 = 42; post-hook −2 = 40 reaches the leaf; leaf hook ×0.5 = 20; AccumulateGrad pre-hook
    // +1 = 21 accumulated; post-accumulate hook sees .Grad = 21; AccumulateGrad post-hook sees (21).
    [Fact]
    public void TheFullHookOrderOfOneBackwardPass()
    {
        var log = new List<string>();
        var x = ScalarLeaf(1);
        var y = Node.Record(x.CloneData(), "TimesThreeBackward", [x], g => { log.Add("rule " + g.Item()); return [g * 3]; });
        var node = y.GradFn!;
        var acc = node.NextFunctions[0]!;
        node.RegisterHook((gI, gO) => { log.Add($"node post {gI[0]!.Item()} {gO[0]!.Item()}"); return [gI[0]! - 2]; });
        node.RegisterPrehook(gO => { log.Add($"node pre {gO[0]!.Item()} retained {y.Grad!.Item()}"); return [gO[0]! + 10]; });
        y.RetainGrad();
        y.RegisterHook(g => { log.Add("tensor hook 1: " + g.Item()); return g + 1; });
        y.RegisterHook(g => { log.Add("tensor hook 2: " + g.Item()); return g * 2; });
        x.RegisterPostAccumulateGradHook(t => log.Add("post accumulate " + t.Grad!.Item()));
        acc.RegisterHook((gI, gO) => { log.Add($"acc post {gI.Length} {gO[0]!.Item()}"); return null; });
        acc.RegisterPrehook(gO => { log.Add("acc pre " + gO[0]!.Item()); return [gO[0]! + 1]; });
        x.RegisterHook(g => { log.Add("leaf hook " + g.Item()); return g * 0.5; });

        y.Backward(Tensor.Scalar(1, DType.Float64));
        Assert.Equal(
        [
            "tensor hook 1: 1", "tensor hook 2: 2", "node pre 4 retained 4", "rule 14", "node post 42 14",
            "leaf hook 40", "acc pre 20", "post accumulate 21", "acc post 0 21",
        ], log);
        Assert.Equal(4.0, y.Grad!.Item());
        Assert.Equal(21.0, x.Grad!.Item());
    }
}
