namespace Autograd.Tests.Functions;

/// <summary>
/// FunctionContext.MarkDirty: a Forward that writes an input in place (Note [Custom functions]). Mirrors
/// test_autograd.py's test_return_leaf_inplace, test_mark_dirty-style checks (the dirty tensor takes the
/// function's node as its history) and the two errors torch 1.13 raises: a leaf that requires grad, and a
/// dirty tensor not returned.
/// </summary>
public class FunctionMarkDirtyTests
{
    /// <summary>x ← 2x in place (under the no-grad Forward), returned; backward 2·g.</summary>
    private sealed class Double_ : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            x.Mul_(2);
            ctx.MarkDirty(x);
            return [x];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * 2];
    }

    [Fact]
    public void ADirtyNonLeafIsReturnedItselfWithTheFunctionAsItsHistory()
    {
        var x = Tensor.From([1.0, -2.0], requiresGrad: true);
        var h = x * 3;
        int before = h.Version;
        var r = new Double_().Apply(h);
        Assert.Same(h, r);
        Assert.Equal([6.0, -12.0], h.ToDoubleArray());
        Assert.Equal(before + 1, h.Version);
        Assert.Equal("Double_Backward", h.GradFn!.Name);
        Assert.Equal("MulBackward0", h.GradFn.NextFunctions[0]!.Name);   // the old history is the node's input
        h.Sum().Backward();
        Assert.Equal([6.0, 6.0], x.Grad!.ToDoubleArray());   // d(2·3x)/dx
    }

    /// <summary>test_return_leaf_inplace: (a, b) → (a += b, b + 2), a marked dirty.</summary>
    private sealed class Inplace : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var (a, b) = (inputs[0]!, inputs[1]!);
            ctx.MarkDirty(a);
            return [a.Add_(b), b + 2];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0], g[0]! + g[1]!];
    }

    [Fact]
    public void ALeafThatDoesNotRequireGradTakesTheNodeWhenMarkedDirty()
    {
        var x = TestData.Randn([5, 5], 21, requiresGrad: false);
        var x0 = x.ToDoubleArray();
        var y = TestData.Randn([5, 5], 22);
        var outs = new Inplace().ApplyAll(x, y);
        var (q, p) = (outs[0], outs[1]);
        Assert.Same(x, q);
        Assert.Equal("InplaceBackward", q.GradFn!.Name);
        Assert.True(q.RequiresGrad);
        Assert.Equal(0, q.OutputNr);
        Assert.Equal(1, p.OutputNr);
        TestData.AssertClose(x0.Zip(y.ToDoubleArray(), (a, b) => a + b).ToArray(), q);
        q.Sum().Backward();
        Assert.All(y.Grad!.ToDoubleArray(), v => Assert.Equal(1.0, v));   // g[0] + materialized zeros for p
    }

    [Fact]
    public void ALeafThatRequiresGradCannotBeMarkedDirty()
    {
        // torch 1.13: "a leaf Variable that requires grad has been used in an in-place operation." (raised after Forward ran)
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => new Double_().Apply(x));
        Assert.Contains("a leaf Variable that requires grad", e.Message);
        Assert.True(x.IsLeaf);
        Assert.Null(x.GradFn);
        // Under no-grad nothing is recorded, so the write is allowed (as torch.no_grad() allows x.mul_(2)).
        using (Grad.NoGrad()) Assert.Same(x, new Double_().Apply(x));
    }

    private sealed class DirtyNotReturned : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            x.Mul_(2);
            ctx.MarkDirty(x);
            return [x * 1];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [g[0]! * 2];
    }

    [Fact]
    public void ADirtyInputMustBeReturned()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => new DirtyNotReturned().Apply(x * 1));
        Assert.Contains("Some elements marked as dirty during the forward method were not returned as output", e.Message);
    }

    [Fact]
    public void MarkingDirtyBumpsTheVersionSoEarlierSavesOfTheTensorAreRefused()
    {
        // h·h saved h; Double_ then writes h in place: MulBackward0 must refuse, as with any in-place op.
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var h = x * 1;
        var sq = h * h;
        new Double_().Apply(h);
        var e = Assert.Throws<InvalidOperationException>(() => sq.Sum().Backward());
        Assert.Contains("modified by an inplace operation", e.Message);
        // The dirty tensor's own new history works: d(2h)/dx = 2.
        h.Sum().Backward();
        Assert.Equal([2.0, 2.0], x.Grad!.ToDoubleArray());
    }

    /// <summary>Writes the input in place and saves it: the version is taken after the write.</summary>
    private sealed class SquareInPlace : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            ctx.SaveForBackward(x.CloneData());   // the old value, for the gradient 2·x_old
            x.Mul_(x.CloneData());
            ctx.MarkDirty(x);
            return [x];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => [ctx.SavedTensors[0]! * g[0]! * 2];
    }

    [Fact]
    public void ADirtyFunctionChainedTwiceGivesTheProductOfItsDerivatives()
    {
        // h = x + 1; h ← h²; h ← h²  ⇒  h = (x + 1)⁴, dh/dx = 4 (x + 1)³.
        var x = Tensor.From([0.5, -2.0], requiresGrad: true);
        var h = x + 1;
        new SquareInPlace().Apply(h);
        new SquareInPlace().Apply(h);
        Assert.Equal(new[] { 0.5, -2.0 }.Select(v => Math.Pow(v + 1, 4)).ToArray(), h.ToDoubleArray());
        h.Sum().Backward();
        TestData.AssertClose(new[] { 0.5, -2.0 }.Select(v => 4 * Math.Pow(v + 1, 3)).ToArray(), x.Grad!);
    }

    [Fact]
    public void ADirtyViewRewritesItsBasesHistory()
    {
        // torch 1.13: h = x·1; v = h.view(2, 2); D.apply(v) returns v; h.grad_fn is CopySlices, v.grad_fn AsStridedBackward0;
        // Σ h gives x.grad = 2 everywhere, Σ v·[[1, 2], [3, 4]] gives [2, 4, 6, 8].
        var x = Tensor.Arange(0, 4, 1, DType.Float64).RequiresGrad_();
        var h = x * 1;
        var v = h.View([2, 2]);
        Assert.Same(v, new Double_().Apply(v));
        Assert.Equal([0.0, 2, 4, 6], h.ToDoubleArray());
        Assert.Equal("CopySlices", h.GradFn!.Name);
        Assert.Equal("AsStridedBackward0", v.GradFn!.Name);
        h.Sum().Backward();
        Assert.Equal([2.0, 2, 2, 2], x.Grad!.ToDoubleArray());

        var x2 = Tensor.Arange(0, 4, 1, DType.Float64).RequiresGrad_();
        var v2 = (x2 * 1).View([2, 2]);
        new Double_().Apply(v2);
        (v2 * Tensor.From([1.0, 2, 3, 4], [2, 2])).Sum().Backward();
        Assert.Equal([2.0, 4, 6, 8], x2.Grad!.ToDoubleArray());
    }
}
