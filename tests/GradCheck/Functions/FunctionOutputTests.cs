namespace Autograd.Tests.Functions;

/// <summary>
/// Custom <see cref="Function"/>: outputs and their gradients (Note [Custom functions]). Mirrors
/// test_autograd.py's test_function, test_return_leaf, test_function_returns_input,
/// test_function_returns_undefined_tensor, test_materialize_grads, test_set_materialize_grads,
/// test_needs_input_grad, test_mark_non_differentiable and test_mark_non_differentiable_mixed.
/// </summary>
public class FunctionOutputTests
{
    /// <summary>test_function: t1 + s·t2 + t1·t2 with s a Python scalar (here: configuration on the instance).</summary>
    private sealed class MyFunction(double s) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var (t1, t2) = (inputs[0]!, inputs[1]!);
            ctx.SaveForBackward(t1, t2);
            return [t1 + t2 * s + t1 * t2];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var saved = ctx.SavedTensors;
            return [g[0]! + g[0]! * saved[1]!, g[0]! * s + g[0]! * saved[0]!];
        }
    }

    [Fact]
    public void TestFunctionGradientsAreTheHandDerivedOnes()
    {
        var x = TestData.Randn([5, 5], 1);
        var y = TestData.Randn([5, 5], 2);
        var r = new MyFunction(2).Apply(x, y);
        TestData.AssertClose(x.ToDoubleArray().Zip(y.ToDoubleArray(), (a, b) => a + 2 * b + a * b).ToArray(), r);
        r.Sum().Backward();
        TestData.AssertClose(y.ToDoubleArray().Select(v => 1 + v).ToArray(), x.Grad!);   // ∂/∂t1 = 1 + t2
        TestData.AssertClose(x.ToDoubleArray().Select(v => 2 + v).ToArray(), y.Grad!);   // ∂/∂t2 = s + t1
    }

    [Fact]
    public void TheNodeIsNamedAfterTheClassAndLinksToTheInputs()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var h = x * 2;
        var r = new MyFunction(1).Apply(h, x);
        Assert.Equal("MyFunctionBackward", r.GradFn!.Name);
        Assert.Equal("MyFunctionBackward", new MyFunction(1).Name);
        Assert.Equal(2, r.GradFn.NextFunctions.Count);
        Assert.Equal("MulBackward0", r.GradFn.NextFunctions[0]!.Name);
        Assert.Equal("AccumulateGrad", r.GradFn.NextFunctions[1]!.Name);
        Assert.False(r.IsLeaf);
        Assert.True(r.RequiresGrad);
    }

    [Fact]
    public void NothingIsRecordedWhenNoInputRequiresGradOrGradModeIsOff()
    {
        var a = Tensor.From([1.0, 2.0]);
        var r = new MyFunction(1).Apply(a, a);
        Assert.False(r.RequiresGrad);
        Assert.Null(r.GradFn);
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        using (Grad.NoGrad())
        {
            var n = new MyFunction(1).Apply(x, x);
            Assert.False(n.RequiresGrad);
            Assert.Null(n.GradFn);
        }
    }

    /// <summary>Two outputs, x·2 and x·3; Backward records what arrived in each slot.</summary>
    private sealed class TwoOutputs(bool materialize = true) : Function
    {
        public Tensor?[]? Seen;

        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            if (!materialize) ctx.SetMaterializeGrads(false);
            return [inputs[0]! * 2, inputs[0]! * 3];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            Seen = g;
            Tensor? gx = null;
            if (g[0] is { } g0) gx = g0 * 2;
            if (g[1] is { } g1) gx = gx is null ? g1 * 3 : gx + g1 * 3;
            return [gx];
        }
    }

    [Fact]
    public void EachOutputsGradientReachesItsOwnSlot()
    {
        // loss = Σ 5·p + 7·q with p = 2x, q = 3x: Backward sees 5 in slot 0 and 7 in slot 1; ∂loss/∂x = 2·5 + 3·7 = 31
        // (swapped slots would give 2·7 + 3·5 = 29).
        var fn = new TwoOutputs();
        var x = Tensor.From([1.0, -1.0], requiresGrad: true);
        var outs = fn.ApplyAll(x);
        Assert.Equal(2, outs.Length);
        Assert.Same(outs[0].GradFn, outs[1].GradFn);
        Assert.Equal(0, outs[0].OutputNr);
        Assert.Equal(1, outs[1].OutputNr);
        (outs[0] * 5 + outs[1] * 7).Sum().Backward();
        Assert.Equal([5.0, 5.0], fn.Seen![0]!.ToDoubleArray());
        Assert.Equal([7.0, 7.0], fn.Seen![1]!.ToDoubleArray());
        Assert.Equal([31.0, 31.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AnUnusedOutputsGradientIsMaterializedAsZeros()
    {
        // test_materialize_grads: by default a gradient that never arrives is passed as zeros of the output's shape.
        var fn = new TwoOutputs();
        var x = Tensor.From([1.0, -1.0, 4.0], requiresGrad: true);
        var outs = fn.ApplyAll(x);
        outs[1].Sum().Backward();
        Assert.NotNull(fn.Seen![0]);
        Assert.Equal([0.0, 0.0, 0.0], fn.Seen[0]!.ToDoubleArray());
        Assert.Equal([3.0, 3.0, 3.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void WithMaterializeGradsOffAnUnusedOutputsGradientIsNull()
    {
        // test_set_materialize_grads: gx present, gy None.
        var fn = new TwoOutputs(materialize: false);
        var x = Tensor.From([1.0, -1.0], requiresGrad: true);
        var outs = fn.ApplyAll(x);
        outs[0].Sum().Backward();
        Assert.NotNull(fn.Seen![0]);
        Assert.Null(fn.Seen[1]);
        Assert.Equal([2.0, 2.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ApplyRefusesAFunctionWithSeveralOutputsAndForwardMustReturnTensors()
    {
        var x = Tensor.From([1.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => new TwoOutputs().Apply(x));
        Assert.Contains("use ApplyAll", e.Message);
        Assert.Throws<InvalidOperationException>(() => new ReturnsNothing().Apply(x));
    }

    private sealed class ReturnsNothing : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [];
    }

    /// <summary>test_needs_input_grad: records ctx.NeedsInputGrad in Forward and in Backward.</summary>
    private sealed class NeedsGrad : Function
    {
        public bool[]? InForward, InBackward;

        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            InForward = [.. ctx.NeedsInputGrad];
            return [inputs[0]! * inputs[1]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            InBackward = [.. ctx.NeedsInputGrad];
            return [ctx.NeedsInputGrad[0] ? g[0] : null, ctx.NeedsInputGrad[1] ? g[0] : null, null];
        }
    }

    [Fact]
    public void NeedsInputGradFollowsEachInputsRequiresGrad()
    {
        var fn = new NeedsGrad();
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var b = Tensor.From([3.0, 4.0]);
        fn.Apply(a, b, null).Sum().Backward();   // a null optional input needs no gradient
        Assert.Equal([true, false, false], fn.InForward!);
        Assert.Equal([true, false, false], fn.InBackward!);
        Assert.Equal([1.0, 1.0], a.Grad!.ToDoubleArray());   // Backward returns g itself, not ∂(a·b)/∂a: what was returned arrives
        Assert.Null(b.Grad);

        // PyTorch's ctx.needs_input_grad is each input's requires_grad, even where nothing is recorded (torch 1.13:
        // (True, False) inside torch.no_grad()).
        using (Grad.NoGrad()) fn.Apply(a, b, null);
        Assert.Equal([true, false, false], fn.InForward!);
    }

    /// <summary>test_function_returns_input: Forward returns its input as is; Backward doubles the gradient.</summary>
    private sealed class Identity : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]!];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * 2];
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 2, 3 })]
    public void AnInputReturnedAsIsComesBackAsAViewWhoseHistoryIsTheFunction(int[] shape)
    {
        var v = Tensor.Ones(shape, DType.Float64, requiresGrad: true);
        var y = new Identity().Apply(v);
        Assert.NotSame(v, y);
        Assert.True(y.IsView);
        Assert.Same(v, y.Base);
        Assert.Equal("IdentityBackward", y.GradFn!.Name);
        Assert.True(v.IsLeaf);   // the input's own history is untouched
        Assert.Null(v.GradFn);
        y.Sum().Backward();
        Assert.All(v.Grad!.ToDoubleArray(), g => Assert.Equal(2.0, g));

        v.ZeroGrad();
        var c = v * 1;
        new Identity().Apply(c).Sum().Backward();
        Assert.Equal("MulBackward0", c.GradFn!.Name);
        Assert.All(v.Grad!.ToDoubleArray(), g => Assert.Equal(2.0, g));
    }

    [Fact]
    public void AnInputReturnedAsIsIsAViewEvenWhenNothingIsRecorded()
    {
        // torch 1.13: Id.apply(torch.ones(2)) is not the input and is a view of it.
        var x = Tensor.From([1.0, 2.0]);
        var y = new Identity().Apply(x);
        Assert.NotSame(x, y);
        Assert.Same(x, y.Base);
        Assert.False(y.RequiresGrad);
    }

    /// <summary>test_return_leaf: (a, b) → (a, a + b); the first output is the input itself.</summary>
    private sealed class ReturnLeaf : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]!, inputs[0]! + inputs[1]!];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! + g[1]!, g[1]];
    }

    [Fact]
    public void AReturnedLeafsHookSeesOnlyTheGradientOfTheOutput()
    {
        var x = TestData.Randn([5, 5], 3);
        var y = TestData.Randn([5, 5], 4);
        var outs = new ReturnLeaf().ApplyAll(x, y);
        var (q, p) = (outs[0], outs[1]);
        bool called = false;
        q.RegisterHook(g => { called = true; Assert.All(g.ToDoubleArray(), v => Assert.Equal(1.0, v)); });
        (q + p + x).Sum().Backward();
        Assert.True(called);
        Assert.All(x.Grad!.ToDoubleArray(), v => Assert.Equal(3.0, v));
        Assert.All(y.Grad!.ToDoubleArray(), v => Assert.Equal(1.0, v));
    }

    /// <summary>test_function_returns_undefined_tensor: Backward returns no gradient.</summary>
    private sealed class NoGradient : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 2];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [null];
    }

    [Fact]
    public void ABackwardReturningNullLeavesTheInputWithoutAGradient()
    {
        var x = Tensor.From([1.0], requiresGrad: true);
        new NoGradient().Apply(x).Backward();
        Assert.Null(x.Grad);
        new NoGradient().Apply(x * x).Backward();
        Assert.Null(x.Grad);
        new NoGradient().Apply(x).Sum().Backward();
        Assert.Null(x.Grad);
        Assert.Null(Grad.Compute([new NoGradient().Apply(x)], [x], allowUnused: true)[0]);
    }

    /// <summary>test_mark_non_differentiable_mixed: a = x + 1 (non-differentiable), b = x + 2.</summary>
    private sealed class Mixed : Function
    {
        public Tensor?[]? Seen;

        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var a = inputs[0]! + 1;
            var b = inputs[0]! + 2;
            ctx.MarkNonDifferentiable(a);
            return [a, b];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            Seen = g;
            return [g[1]];
        }
    }

    [Fact]
    public void ANonDifferentiableOutputDoesNotRequireGradAndItsGradientArrivesAsZeros()
    {
        var fn = new Mixed();
        var x = TestData.Randn([5, 5], 5);
        var outs = fn.ApplyAll(x);
        Assert.False(outs[0].RequiresGrad);
        Assert.Null(outs[0].GradFn);
        Assert.True(outs[1].RequiresGrad);
        Assert.Equal(1, outs[1].OutputNr);
        outs[1].Sum().Backward();
        Assert.All(fn.Seen![0]!.ToDoubleArray(), v => Assert.Equal(0.0, v));
        Assert.All(fn.Seen[1]!.ToDoubleArray(), v => Assert.Equal(1.0, v));
        Assert.All(x.Grad!.ToDoubleArray(), v => Assert.Equal(1.0, v));
    }

    /// <summary>test_mark_non_differentiable: a mask computed from the input.</summary>
    private sealed class Mask : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            var m = Tensor.From(x.ToDoubleArray().Select(v => v > 0 ? 1.0 : 0.0).ToArray(), x.Shape);
            ctx.MarkNonDifferentiable(m);
            return [m];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * 0];
    }

    [Fact]
    public void AMaskMarkedNonDifferentiableIsAConstantDownstream()
    {
        var x = Tensor.From([-1.0, 2.0, 0.5, -3.0], requiresGrad: true);
        var mask = new Mask().Apply(x);
        Assert.False(mask.RequiresGrad);
        Assert.True(mask.IsLeaf);
        (x * mask).Sum().Backward();
        Assert.Equal([0.0, 1.0, 1.0, 0.0], x.Grad!.ToDoubleArray());
    }

    /// <summary>Returns its input, marked non-differentiable.</summary>
    private sealed class InputAsConstant : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.MarkNonDifferentiable(inputs[0]!);
            return [inputs[0]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]];
    }

    [Fact]
    public void AnInputReturnedAsANonDifferentiableOutputIsADetachedAlias()
    {
        // torch 1.13: y is not x, y.requires_grad False, y.grad_fn None, not a view, same storage; x still requires grad.
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = new InputAsConstant().Apply(x);
        Assert.NotSame(x, y);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        Assert.False(y.IsView);
        Assert.Same(x.Storage, y.Storage);
        Assert.True(x.RequiresGrad);
        Assert.True(x.IsLeaf);
        (x * y).Sum().Backward();   // y is a constant: d(x·y)/dx = y
        Assert.Equal([1.0, 2.0], x.Grad!.ToDoubleArray());
    }
}
