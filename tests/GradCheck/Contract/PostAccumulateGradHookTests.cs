using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Tensor.RegisterPostAccumulateGradHook (tensor.register_post_accumulate_grad_hook).</summary>
public class PostAccumulateGradHookTests
{
    // PyTorch: test_autograd.py::test_post_accumulate_grad_hook_on_non_leaf.
    [Fact]
    public void RefusedOnNonLeavesAndOnTensorsThatDoNotRequireGrad()
    {
        var leaf = Leaf(1, 2, 3);
        var nonLeaf = 2.0 * leaf;
        var e = Assert.Throws<InvalidOperationException>(() => nonLeaf.RegisterPostAccumulateGradHook(t => t.Sub_(1.0)));
        Assert.Equal("post accumulate grad hooks cannot be registered on non-leaf tensors", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => T(1).RegisterPostAccumulateGradHook(_ => { }));
        Assert.Equal("cannot register a hook on a tensor that doesn't require gradient", e.Message);
    }

    // PyTorch: test_autograd.py::test_post_accumulate_grad_hook_multiple_hooks: both run, in order,
    // with .grad already updated: t ← (t − grad)·4 = 4(t − 1).
    [Fact]
    public void SeveralHooksRunInOrderAfterGradIsUpdated()
    {
        var t = Leaf(0.25, 0.5, 2);
        t.RegisterPostAccumulateGradHook(p => p.Sub_(p.Grad!));
        t.RegisterPostAccumulateGradHook(p => p.Mul_(4.0));
        t.Sum().Backward();
        Equal([-3, -2, 4], t);
        Equal([1, 1, 1], t.Grad);
    }

    // PyTorch: test_autograd.py::test_post_accumulate_grad_hook_multiple_tensors.
    [Fact]
    public void EachLeafRunsItsOwnHook()
    {
        var t1 = Leaf(0.5, 1.5, 2.5);
        var t2 = Leaf(1, 2, 3, 4, 5);
        Action<Tensor> hook = p => p.Sub_(p.Grad!);
        t1.RegisterPostAccumulateGradHook(hook);
        t2.RegisterPostAccumulateGradHook(hook);
        t1.Sum().Backward();
        t2.Sum().Backward();
        Equal([-0.5, 0.5, 1.5], t1);
        Equal([0, 1, 2, 3, 4], t2);
    }

    // PyTorch: test_autograd.py::test_post_accumulate_grad_hook_ordering, with the AccumulateGrad
    // post-hook reading .grad: tensor hook (g − 2), AccumulateGrad pre-hook (/5), post-accumulate hook
    // (.grad += 0.5), AccumulateGrad post-hook (.grad ×10): ((1 − 2)/5 + 0.5)·10 = 3.
    [Fact]
    public void RunsAfterTheAccumulateGradPreHookAndBeforeItsPostHook()
    {
        var tensor = Leaf(0.3, 0.6, 0.9);
        var acc = Clone(tensor).GradFn!.NextFunctions[0]!;
        tensor.RegisterHook(g => g - 2.0);
        acc.RegisterPrehook(gO => [gO[0]! / 5.0]);
        tensor.RegisterPostAccumulateGradHook(t => t.Grad!.Add_(0.5));
        acc.RegisterHook((gI, gO) => { tensor.Grad = tensor.Grad! * 10; return null; });
        tensor.Sum().Backward();
        TestData.AssertClose([3, 3, 3], tensor.Grad!);
    }

    // PyTorch: test_autograd.py::test_post_accumulate_grad_hook_e2e: a post-accumulate hook can run the
    // optimizer step inside backward (here plain SGD with lr 0.1, then zeroing .grad); removing the
    // handle stops the updates. x ← x − 0.1·2x per step for loss Σ x².
    [Fact]
    public void AnOptimizerStepInsideBackwardStopsWhenTheHandleIsRemoved()
    {
        var p = Leaf(1, -2);
        var handle = p.RegisterPostAccumulateGradHook(t => { t.Sub_(t.Grad! * 0.1); t.ZeroGrad(); });
        for (int i = 0; i < 3; i++) (p * p).Sum().Backward();
        TestData.AssertClose([0.512, -1.024], p);   // ×0.8 three times
        Assert.Null(p.Grad);

        handle.Remove();
        (p * p).Sum().Backward();
        TestData.AssertClose([0.512, -1.024], p);
        TestData.AssertClose([1.024, -2.048], p.Grad!);
    }

    // PyTorch: torch.autograd.grad does not execute AccumulateGrad, so its post-accumulate hooks do not run.
    [Fact]
    public void DoesNotRunUnderGradCompute()
    {
        var x = Leaf(1, 2);
        int calls = 0;
        x.RegisterPostAccumulateGradHook(_ => calls++);
        Equal([2, 2], Grad.Compute([(x * 2).Sum()], [x])[0]);
        Assert.Equal(0, calls);
        (x * 2).Sum().Backward();
        Assert.Equal(1, calls);
    }

    [Fact]
    public void RunsOncePerBackwardEvenWhenSeveralPathsReachTheLeaf()
    {
        var x = Leaf(1, 2);
        var seen = new List<double[]>();
        x.RegisterPostAccumulateGradHook(t => seen.Add(t.Grad!.ToDoubleArray()));
        (x * x + x * 3).Sum().Backward();   // 2x + 3
        Assert.Single(seen);
        Assert.Equal([5.0, 7.0], seen[0]);
    }
}
