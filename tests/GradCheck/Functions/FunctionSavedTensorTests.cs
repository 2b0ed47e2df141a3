namespace Autograd.Tests.Functions;

/// <summary>
/// FunctionContext.SaveForBackward / SavedTensors: version checks and freeing (Note [Custom functions],
/// Note [Saved tensors]). Mirrors test_autograd.py's test_save_none_for_backward, test_saved_variables_deprecated
/// (the saved tensors are read back through the context), test_inplace_on_saved ... ("modified by an inplace
/// operation") and the "backward through the graph a second time" checks; messages as torch 1.13 prints them.
/// </summary>
public class FunctionSavedTensorTests
{
    private const string Modified = "one of the variables needed for gradient computation has been modified by an inplace operation";
    private const string SecondTime = "Trying to backward through the graph a second time";

    /// <summary>x² with x saved: backward 2·x·g. Keeps its context so a test can read SavedTensors later.</summary>
    private sealed class Square : Function
    {
        public FunctionContext? Ctx;

        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            Ctx = ctx;
            ctx.SaveForBackward(inputs[0]);
            Assert.Same(inputs[0], ctx.SavedTensors[0]);   // inside Forward: the tensors as given
            return [inputs[0]! * inputs[0]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [ctx.SavedTensors[0]! * g[0]! * 2];
    }

    /// <summary>exp(x) with the output saved: backward r·g.</summary>
    private sealed class SaveOut : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var r = inputs[0]!.Exp();
            ctx.SaveForBackward(r);
            return [r];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [ctx.SavedTensors[0]! * g[0]!];
    }

    [Fact]
    public void SavedInputAndOutputGiveTheHandDerivedGradients()
    {
        var x = TestData.Randn([3, 2], 11);
        new Square().Apply(x).Sum().Backward();
        TestData.AssertClose(x.ToDoubleArray().Select(v => 2 * v).ToArray(), x.Grad!);
        var z = TestData.Randn([4], 12);
        new SaveOut().Apply(z).Sum().Backward();
        TestData.AssertClose(z.ToDoubleArray().Select(Math.Exp).ToArray(), z.Grad!, 1e-15);
    }

    /// <summary>test_save_none_for_backward: save_for_backward(None, input, None).</summary>
    private sealed class SaveNone : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(null, inputs[0], null);
            return [inputs[0]! * inputs[0]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var saved = ctx.SavedTensors;
            Assert.Equal(3, saved.Count);
            Assert.Null(saved[0]);
            Assert.Null(saved[2]);
            return [saved[1]! * g[0]! * 2];
        }
    }

    [Fact]
    public void NullsSavedForBackwardComeBackAsNulls()
    {
        var x = TestData.Randn([5, 5], 13);
        new SaveNone().Apply(x).Sum().Backward();
        TestData.AssertClose(x.ToDoubleArray().Select(v => 2 * v).ToArray(), x.Grad!);
    }

    [Fact]
    public void ASavedNonLeafInputModifiedInPlaceAfterApplyIsRefused()
    {
        // torch 1.13: "[torch.FloatTensor [2]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead."
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var h = x * 1;
        var y = new Square().Apply(h);
        h.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains(Modified, e.Message);
        Assert.Contains("[torch.DoubleTensor [2]]", e.Message);
        Assert.Contains("is at version 1; expected version 0 instead", e.Message);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void ASavedLeafModifiedUnderNoGradIsRefused()
    {
        // torch 1.13: "[torch.FloatTensor [2]] is at version 1; expected version 0 instead." (a leaf has no producer)
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = new Square().Apply(x);
        using (Grad.NoGrad()) x.Mul_(3);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains(Modified, e.Message);
        Assert.Contains("[torch.DoubleTensor [2]] is at version 1; expected version 0 instead", e.Message);
    }

    [Fact]
    public void ASavedOutputModifiedInPlaceIsRefusedNamingTheFunction()
    {
        // torch 1.13: "..., which is output 0 of SaveOutBackward, is at version 1; expected version 0 instead."
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = new SaveOut().Apply(x);
        y.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains(Modified, e.Message);
        Assert.Contains("which is output 0 of SaveOutBackward, is at version 1; expected version 0 instead", e.Message);
    }

    [Fact]
    public void AnInPlaceWriteBeforeApplyIsNotAnError()
    {
        // Only writes after the save count: the version is taken when Apply returns.
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var h = x * 1;
        h.Add_(1);   // h = x + 1
        new Square().Apply(h).Sum().Backward();
        Assert.Equal([4.0, 6.0], x.Grad!.ToDoubleArray());   // 2·(x + 1)
    }

    [Fact]
    public void SavedTensorsAreFreedAfterABackwardWithoutRetainGraph()
    {
        var fn = new Square();
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = fn.Apply(x).Sum();
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => fn.Ctx!.SavedTensors);
        Assert.Contains(SecondTime, e.Message);
        Assert.Contains("SquareBackward", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains(SecondTime, e.Message);
        Assert.Equal([2.0, 4.0], x.Grad!.ToDoubleArray());   // the failed second pass accumulated nothing
    }

    [Fact]
    public void RetainGraphKeepsTheSavedTensorsForASecondBackward()
    {
        var fn = new Square();
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var y = fn.Apply(x).Sum();
        y.Backward(retainGraph: true);
        Assert.Same(x, fn.Ctx!.SavedTensors[0]);
        y.Backward();
        Assert.Equal([4.0, 8.0], x.Grad!.ToDoubleArray());
        Assert.Throws<InvalidOperationException>(() => fn.Ctx.SavedTensors);
    }

    private sealed class NoSave : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 2];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * 2];
    }

    [Fact]
    public void AFunctionThatSavedNothingCanRunBackwardTwice()
    {
        // torch 1.13: a second y.backward() through such a function works and accumulates (x.grad = 4).
        var x = Tensor.From([1.0, 1.0], requiresGrad: true);
        var y = new NoSave().Apply(x).Sum();
        y.Backward();
        y.Backward();
        Assert.Equal([4.0, 4.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SaveForBackwardOutsideForwardIsRefused()
    {
        var fn = new Square();
        var x = Tensor.From([1.0], requiresGrad: true);
        fn.Apply(x);
        Assert.Throws<InvalidOperationException>(() => fn.Ctx!.SaveForBackward(x));
    }

    [Fact]
    public void TheFunctionInstanceCanBeAppliedManyTimesEachCallWithItsOwnSavedTensors()
    {
        var fn = new Square();
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var b = Tensor.From([5.0], requiresGrad: true);
        var ya = fn.Apply(a);
        var yb = fn.Apply(b);
        (ya.Sum() + yb.Sum()).Backward();
        Assert.Equal([2.0, 4.0], a.Grad!.ToDoubleArray());
        Assert.Equal([10.0], b.Grad!.ToDoubleArray());
    }
}
