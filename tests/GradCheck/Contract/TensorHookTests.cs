using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Tensor.RegisterHook on leaves and non-leaves: observing, replacing, ordering, removal, errors.</summary>
public class TensorHookTests
{
    // PyTorch: test_autograd.py::test_hooks.
    // z = x² + 2x + x·y + y with x = 1, y = 4: dz/dy = x + 1 = 2; a hook on z doubling its gradient makes
    // y.grad = 2(x + 1) = 4, and a second doubling hook on y itself makes it 4(x + 1) = 8.
    [Fact]
    public void HooksCountAddRemoveAndModify()
    {
        var x = Tensor.Ones([2, 2], DType.Float64, requiresGrad: true);
        var y = Tensor.Full([2, 2], 4, DType.Float64, requiresGrad: true);
        int counter = 0, xCalls = 0;
        var z = x * x + x * 2 + x * y + y;
        x.RegisterHook(g => { Assert.Equal([2, 2], g.Shape.ToArray()); xCalls++; });
        var test = z.RegisterHook(_ => counter += 1);
        var ones = Tensor.Ones([2, 2], DType.Float64);
        z.Backward(ones, retainGraph: true);
        Assert.Equal(1, counter);
        Assert.Equal(1, xCalls);

        var test2 = z.RegisterHook(_ => counter += 2);
        z.Backward(ones, retainGraph: true);
        Assert.Equal(4, counter);

        test2.Remove();
        z.Backward(ones, retainGraph: true);
        Assert.Equal(5, counter);
        Assert.Equal(3, xCalls);

        test.Remove();
        z.RegisterHook(g => g * 2);
        y.ZeroGrad();
        z.Backward(ones, retainGraph: true);
        Equal([4, 4, 4, 4], y.Grad);

        y.RegisterHook(g => g * 2);
        y.ZeroGrad();
        z.Backward(ones);
        Equal([8, 8, 8, 8], y.Grad);
        Assert.Equal(5, counter);   // the removed hooks never ran again
    }

    // PyTorch: torch.Tensor.register_hook's documented example: v.register_hook(lambda g: g * 2);
    // v.backward([1, 2, 3]) leaves v.grad = [2, 4, 6].
    [Fact]
    public void ALeafHookReplacesTheGradientBeforeItIsAccumulated()
    {
        var v = Leaf(0, 0, 0);
        var h = v.RegisterHook(g => g * 2);
        v.Backward(T(1, 2, 3));
        Equal([2, 4, 6], v.Grad);
        h.Remove();
        v.Backward(T(1, 2, 3));
        Equal([3, 6, 9], v.Grad);   // accumulated, unhooked this time
    }

    // PyTorch: docs "Backward Hooks execution" (a hook's result is what flows on). y = 3x:
    // x.grad = 3·hook(1) = 3·10 = 30, and the observing hook saw the incoming gradient, 1.
    [Fact]
    public void ANonLeafHookReplacesTheGradientThatFlowsOn()
    {
        var x = Leaf(1, 2);
        var y = x * 3;
        Tensor? seen = null;
        y.RegisterHook(g => seen = g.CloneData());
        y.RegisterHook(g => g * 10);
        y.Backward(T(1, 1));
        Equal([1, 1], seen);
        Equal([30, 30], x.Grad);
    }

    // PyTorch: docs "Backward Hooks execution": hooks of one kind on one tensor run in registration
    // order, and later hooks observe the changes earlier ones made. g = 1 → +1 → ×3 → observed 6.
    [Fact]
    public void SeveralHooksRunInRegistrationOrderEachSeeingThePreviousResult()
    {
        var x = Leaf(5);
        var y = x * 1;
        var log = new List<string>();
        y.RegisterHook(g => { log.Add($"a{g.Item()}"); return g + 1; });
        y.RegisterHook(g => { log.Add($"b{g.Item()}"); return g * 3; });
        y.RegisterHook(g => log.Add($"c{g.Item()}"));
        y.RegisterHook(g => { log.Add($"d{g.Item()}"); return null; });
        y.Backward(T(1));
        Assert.Equal(["a1", "b2", "c6", "d6"], log);
        Equal([6], x.Grad);
    }

    // PyTorch: RemovableHandle (torch.utils.hooks): remove() and Dispose are idempotent.
    [Fact]
    public void RemovingAHandleTwiceOrDisposingItIsHarmless()
    {
        var x = Leaf(1);
        int calls = 0;
        var h = x.RegisterHook(_ => calls++);
        using (x.RegisterHook(_ => calls += 100)) { }   // disposed before any backward
        h.Remove();
        h.Remove();
        h.Dispose();
        (x * 2).Sum().Backward();
        Assert.Equal(0, calls);
        Equal([2], x.Grad);
    }

    // PyTorch: each registration gets its own handle (an OrderedDict entry keyed by a unique id), so
    // removing the second registration of the same function removes that one, not the first.
    [Fact]
    public void RemovingOneOfTwoRegistrationsOfTheSameHookRemovesThatRegistration()
    {
        var x = Leaf(1);
        var y = x * 1;
        var log = new List<string>();
        Func<Tensor, Tensor?> f = g => { log.Add("f"); return g + 1; };
        y.RegisterHook(f);
        y.RegisterHook(g => { log.Add("g " + g.Item()); return g * 10; });
        var second = y.RegisterHook(f);
        second.Remove();
        y.Sum().Backward();
        Assert.Equal(["f", "g 2"], log);
        Equal([20], x.Grad);
    }

    // PyTorch: _call_hooks iterates a snapshot of the hooks (PyDict_Values, issue #58354), so a hook
    // that removes itself (or another) while running does not change the current pass, only later ones.
    // Confirmed on torch: first pass ['h1', h2 sees [2, 2]] and x.grad = [6, 6]; second pass h2 sees [1, 1].
    [Fact]
    public void AHookRemovingItselfWhileRunningTakesEffectFromTheNextPass()
    {
        var x = Leaf(1, 2);
        var y = x * 3;
        var log = new List<string>();
        RemovableHandle? h1 = null;
        h1 = y.RegisterHook(g => { log.Add("h1"); h1!.Remove(); return g * 2; });
        y.RegisterHook(g => log.Add($"h2 {g.ToDoubleArray()[0]}"));
        y.Sum().Backward(retainGraph: true);
        Assert.Equal(["h1", "h2 2"], log);
        Equal([6, 6], x.Grad);

        log.Clear();
        x.ZeroGrad();
        y.Sum().Backward();
        Assert.Equal(["h2 1"], log);
        Equal([3, 3], x.Grad);
    }

    [Fact]
    public void AHookRemovingALaterHookStillSeesItRunInTheCurrentPassOnly()
    {
        var x = Leaf(1);
        var y = x * 1;
        int later = 0;
        RemovableHandle? second = null;
        y.RegisterHook(_ => second!.Remove());
        second = y.RegisterHook(_ => later++);
        y.Sum().Backward(retainGraph: true);
        Assert.Equal(1, later);
        y.Sum().Backward();
        Assert.Equal(1, later);
    }

    // PyTorch: "hook 'h' has changed the size of value" / "has changed the type of value" (confirmed on torch).
    [Fact]
    public void AHookReturningAnotherShapeOrDTypeIsAnError()
    {
        var x = Leaf(1, 2);
        var y = x * 3;
        y.RegisterHook(_ => T(1, 1, 1));
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("has changed the size of value", e.Message);
        Assert.Null(x.Grad);

        var w = x * 3;
        w.RegisterHook(g => Tensor.Ones(g.Shape, DType.Float32));
        e = Assert.Throws<InvalidOperationException>(() => w.Sum().Backward());
        Assert.Contains("has changed the type of value", e.Message);

        x.RegisterHook(_ => T(1));   // on a leaf too
        e = Assert.Throws<InvalidOperationException>(() => (x * 3).Sum().Backward());
        Assert.Contains("has changed the size of value", e.Message);
        Assert.Null(x.Grad);
    }

    // PyTorch: "cannot register a hook on a tensor that doesn't require gradient" (confirmed on torch).
    [Fact]
    public void HooksCannotBeRegisteredOnATensorThatDoesNotRequireGrad()
    {
        var plain = T(1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => plain.RegisterHook(g => g));
        Assert.Equal("cannot register a hook on a tensor that doesn't require gradient", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => plain.RegisterHook(_ => { }));
        Assert.Equal("cannot register a hook on a tensor that doesn't require gradient", e.Message);
        Tensor computedWithoutGrad;
        using (Grad.NoGrad()) computedWithoutGrad = Leaf(1) * 2;
        Assert.Throws<InvalidOperationException>(() => computedWithoutGrad.RegisterHook(g => g));
    }

    // PyTorch: docs "Backward Hooks execution": a tensor's hooks run when its gradient is computed,
    // even for a tensor passed as an input to torch.autograd.grad; for a leaf, the hook's result is
    // what grad returns. y = 2x, hook ×3: dy/dx = 6; .grad stays untouched.
    [Fact]
    public void LeafHooksAlsoApplyToTheGradientGradComputeReturns()
    {
        var x = Leaf(1, 2);
        int calls = 0;
        x.RegisterHook(g => { calls++; return g * 3; });
        var gx = Grad.Compute([(x * 2).Sum()], [x])[0];
        Equal([6, 6], gx);
        Assert.Equal(1, calls);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void NonLeafHooksApplyToTheGradientGradComputeReturnsForThem()
    {
        var x = Leaf(1, 2);
        var h = x * 2;
        h.RegisterHook(g => g + 1);
        var g = Grad.Compute([(h * 5).Sum()], [h])[0];
        Equal([6, 6], g);   // 5 + 1
    }

    // PyTorch: test_autograd.py::test_grad_nonleaf_many_outputs: grad stops at the requested
    // non-leaves, so a hook on the leaf beyond them never runs and its .grad stays None.
    // d(a + 2b)/da = go, d/db = 2 go.
    [Fact]
    public void GradComputeStoppingAtNonLeavesDoesNotRunHooksBeyondThem()
    {
        var x = Leaf(1, 2, 3, 4);
        var a = x * 1;
        var b = x * 1;
        bool called = false;
        x.RegisterHook(_ => called = true);
        var go = T(0.5, -1, 2, 3);
        var g = Grad.Compute([a + 2 * b], [a, b], [go]);
        Equal([0.5, -1, 2, 3], g[0]);
        Equal([1, -2, 4, 6], g[1]);
        Assert.False(called);
        Assert.Null(x.Grad);
    }

    // PyTorch: test_autograd.py::test_hook_none: a Function returning two outputs whose backward gives
    // None for the second input; hooks on both outputs are called with a defined gradient.
    [Fact]
    public void HooksOnBothOutputsOfAMultiOutputFunctionSeeDefinedGradients()
    {
        var x = Tensor.Randn([3, 3], DType.Float64, requiresGrad: true, generator: new Generator(7));
        var y = Tensor.Randn([3, 3], DType.Float64, generator: new Generator(8));
        var outs = new NoneGradientFunction().ApplyAll(x, y);
        int calls = 0;
        outs[0].RegisterHook(g => { Assert.NotNull(g); calls++; });
        outs[1].RegisterHook(g => { Assert.NotNull(g); calls++; });
        (outs[0] + outs[1]).Sum().Backward();
        Assert.Equal(2, calls);
        Equal(Enumerable.Repeat(1.0, 9).ToArray(), x.Grad);
    }

    private sealed class NoneGradientFunction : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            Assert.True(ctx.NeedsInputGrad[0]);
            Assert.False(ctx.NeedsInputGrad[1]);
            return [inputs[0]!.CloneData(), inputs[1]!.CloneData()];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0], null];
    }

    // PyTorch: test_autograd.py::test_tensor_hooks_inplace: a hook registered before an in-place op stays
    // bound to the old grad_fn (it sees the gradient with respect to the old value); one registered
    // after it is bound to the new one. b = clone(a); b *= 2: fn2 sees 1 and doubles it (2), mul_ doubles
    // it (4), fn1 sees 4 and doubles it: a.grad = 8.
    [Fact]
    public void HooksRegisteredBeforeAnInPlaceOpStayWithTheOldHistory()
    {
        var a = Leaf(1);
        var b = Clone(a);
        int count1 = 0, count2 = 0;
        b.RegisterHook(g => { count1++; Equal([4], g); return g * 2; });
        b.Mul_(2);
        b.RegisterHook(g => { count2++; Equal([1], g); return g * 2; });
        b.Sum().Backward();
        Assert.Equal(1, count1);
        Assert.Equal(1, count2);
        Equal([8], a.Grad);
    }

    // PyTorch: backward runs with grad mode set to create_graph, and hooks run inside it.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HooksRunWithGradModeAsTheBackwardPassHasIt(bool createGraph)
    {
        var x = Leaf(1, 2);
        var y = x * 3;
        bool? inside = null, leafInside = null;
        y.RegisterHook(_ => inside = Grad.IsEnabled);
        x.RegisterHook(_ => leafInside = Grad.IsEnabled);
        y.Backward(T(1, 1), createGraph: createGraph);
        Assert.Equal(createGraph, inside);
        Assert.Equal(createGraph, leafInside);
        Assert.True(Grad.IsEnabled);
    }
}
