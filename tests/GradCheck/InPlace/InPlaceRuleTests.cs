using Autograd.Nn;
using Autograd.Nn.Optim;

namespace Autograd.Tests.InPlace;

/// <summary>
/// The rules around in-place writes on our engine: version checks of saved tensors, the library's own
/// writes (optimizers, Parameter.CopyFrom, Init), Detach/Detach_, views, and borrowed gradients.
/// </summary>
public class InPlaceRuleTests
{
    private const string Modified = "one of the variables needed for gradient computation has been modified by an inplace operation";

    // PyTorch 1.13: w = nn.Parameter(tensor([1.])); y = (w * x).sum(); with no_grad(): w.copy_(tensor([10.]))
    // bumps w._version, so y.backward() raises "... [torch.FloatTensor [1]] is at version 1; expected
    // version 0 instead." (The issue: before CopyFrom bumped the version, x.Grad silently became 10, the
    // new w, where 1, the w the forward pass used, is right.)
    [Fact]
    public void ParameterCopyFromBetweenForwardAndBackwardRefusesTheStaleGraph()
    {
        var w = new Parameter(Tensor.From([1.0], requiresGrad: false));
        var x = Tensor.From([1.0], requiresGrad: true);
        var y = ((Tensor)w * x).Sum();
        w.CopyFrom([10.0]);
        Assert.Equal(1, w.Data.Version);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains(Modified, e.Message);
        Assert.Contains("[torch.DoubleTensor [1]] is at version 1; expected version 0 instead", e.Message);
        Assert.Null(x.Grad);

        // A graph recorded after the write is fine and uses the new value.
        ((Tensor)w * x).Sum().Backward();
        Assert.Equal([10.0], x.Grad!.ToDoubleArray());
    }

    public static TheoryData<string> OptimizerNames => new() { "SGD", "SGD momentum", "Adam" };

    private static Optimizer MakeOptimizer(string name, Tensor p) => name switch
    {
        "SGD" => new SGD([p], lr: 0.1),
        "SGD momentum" => new SGD([p], lr: 0.1, momentum: 0.9),
        _ => new Adam([p], lr: 0.1),
    };

    // PyTorch 1.13: optimizer.step() writes p in place under no_grad, bumping p._version once per step; a
    // loss recorded before the step (loss = (p * x).sum(); opt.step(); loss.backward()) then fails with
    // "is at version 1; expected version 0 instead" instead of differentiating with the updated p.
    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void OptimizerStepBetweenForwardAndBackwardRefusesTheStaleGraph(string name)
    {
        var p = Tensor.From([1.0, -2.0], requiresGrad: true);
        var x = Tensor.From([3.0, 4.0], requiresGrad: true);
        var opt = MakeOptimizer(name, p);
        (p * x).Sum().Backward();
        var stale = (p * x).Sum();
        opt.Step();
        Assert.Equal(1, p.Version);
        var e = Assert.Throws<InvalidOperationException>(() => stale.Backward());
        Assert.Contains(Modified, e.Message);
        Assert.Contains("is at version 1; expected version 0 instead", e.Message);

        // The ordinary loop (forward, backward, step) is untouched: each step bumps once more.
        opt.ZeroGrad();
        x.ZeroGrad();
        (p * x).Sum().Backward();
        Assert.Equal(p.ToDoubleArray(), x.Grad!.ToDoubleArray());
        opt.Step();
        Assert.Equal(2, p.Version);
    }

    // PyTorch: nn.init.uniform_ writes under no_grad, bumping the version like any in-place write.
    [Fact]
    public void InitWritesBumpTheVersion()
    {
        var w = Tensor.Zeros([2, 3], DType.Float64, requiresGrad: true);
        var x = Tensor.Ones([2, 3], DType.Float64, requiresGrad: true);
        var y = (w * x).Sum();
        Init.Uniform_(w, -1, 1, new Generator(1));
        Assert.Equal(1, w.Version);
        Assert.Contains(Modified, Assert.Throws<InvalidOperationException>(() => y.Backward()).Message);
    }

    // PyTorch 1.13: a second backward adds into x.grad in place (x.grad._version 0 → 1, same object);
    // a graph that saved x.grad before then refuses to backward ("is at version 2; expected version 1").
    [Fact]
    public void AccumulationIntoAnExistingGradIsAnInPlaceWrite()
    {
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        (x * 2.0).Sum().Backward();
        var g = x.Grad!;
        Assert.Equal(0, g.Version);
        (x * 2.0).Sum().Backward();
        Assert.Same(g, x.Grad);
        Assert.Equal(1, g.Version);
        var y = Tensor.Ones([3], DType.Float64, requiresGrad: true);
        var z = (x.Grad! * y).Sum();   // saves x.Grad at version 1
        (x * 2.0).Sum().Backward();
        var e = Assert.Throws<InvalidOperationException>(() => z.Backward());
        Assert.Contains("is at version 2; expected version 1 instead", e.Message);
    }

    // PyTorch: detach() shares the version counter ("in-place modifications on either of them will be
    // seen, and may trigger errors in correctness checks", torch.Tensor.detach's documentation):
    // a = x.sigmoid(); a.detach().mul_(2); a.sum().backward() raises, naming SigmoidBackward0.
    [Fact]
    public void DetachSharesTheVersionCounter()
    {
        var x = Tensor.From([0.5, -1, 2], requiresGrad: true);
        var a = x.Sigmoid();
        var d = a.Detach();
        d.Mul_(2);
        Assert.Equal(1, a.Version);
        Assert.Equal(d.ToDoubleArray(), a.ToDoubleArray());   // same storage
        var e = Assert.Throws<InvalidOperationException>(() => a.Sum().Backward());
        Assert.Contains(Modified, e.Message);
        Assert.Contains("which is output 0 of SigmoidBackward0, is at version 1; expected version 0 instead", e.Message);
    }

    // PyTorch: detach_() makes a non-leaf a leaf that does not require grad (grad_fn None); the version
    // does not move (1.13: a._version == 0 after a.detach_()). Later uses do not reach the old history.
    [Fact]
    public void DetachInPlaceMakesANonLeafALeaf()
    {
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var y = Tensor.From([4.0, 5, 6], requiresGrad: true);
        var a = x * 2.0;
        Assert.Same(a, a.Detach_());
        Assert.True(a.IsLeaf);
        Assert.False(a.RequiresGrad);
        Assert.Null(a.GradFn);
        Assert.Equal(0, a.Version);
        (a * y).Sum().Backward();
        Assert.Null(x.Grad);
        Assert.Equal([2.0, 4, 6], y.Grad!.ToDoubleArray());
    }

    // PyTorch: "Can't detach views in-place. Use detach() instead." (same text in 1.13 and 2.10).
    [Fact]
    public void DetachInPlaceRefusesViews()
    {
        var a = Tensor.From([1.0, 2, 3, 4], requiresGrad: true) * 2.0;
        var v = a.View([2, 2]);
        var e = Assert.Throws<InvalidOperationException>(() => v.Detach_());
        Assert.Contains("Can't detach views in-place", e.Message);
        Assert.True(v.RequiresGrad);
        Assert.False(v.IsLeaf);
    }

    // PyTorch: (a + b).sum().backward() gives a and b gradients that never alias (AccumulateGrad clones a
    // gradient another tensor still holds), so a.grad.mul_(2) leaves b.grad alone. Ours lets .Grad borrow
    // add's gradient (Note [Gradient ownership]): a write must copy first, also when it goes through a
    // view or a detached alias of the borrowed gradient (clip_grad_norm_ scales g.detach() in place).
    [Fact]
    public void WritingABorrowedGradNeverChangesAnotherLeafsGrad()
    {
        foreach (var write in new Func<Tensor, Tensor>[] { g => g.Mul_(2), g => g.View([3, 1]).Mul_(2), g => g.Detach().Mul_(2), g => g.Reshape([3]).Fill_(2) })
        {
            var a = Tensor.From([1.0, 2, 3], requiresGrad: true);
            var b = Tensor.From([4.0, 5, 6], requiresGrad: true);
            (a + b).Sum().Backward();
            Assert.True(a.Grad!.SharesStorageWith(b.Grad!), "precondition: the two gradients share storage");
            write(a.Grad!);
            Assert.Equal([2.0, 2, 2], a.Grad!.ToDoubleArray());
            Assert.Equal([1.0, 1, 1], b.Grad!.ToDoubleArray());

            // The write stays visible in a.Grad, and a later accumulation adds onto it.
            (a * 1.0).Sum().Backward();
            Assert.Equal([3.0, 3, 3], a.Grad!.ToDoubleArray());
            Assert.Equal([1.0, 1, 1], b.Grad!.ToDoubleArray());
        }
    }

    // PyTorch: SavedVariable's check, e.g. a = x.exp(); b = a * 1; a.add_(1): exp saved its output, so
    // backward through ExpBackward0 raises; a node that saved nothing of a (mul by a Python scalar
    // saves only the scalar) is unaffected.
    [Fact]
    public void OnlyNodesThatSavedTheWrittenTensorRefuse()
    {
        var x = Tensor.From([0.5, 1, 2], requiresGrad: true);
        var a = x * 1.0;
        var b = a * 3.0;   // saves only the scalar
        a.Add_(1);
        b.Sum().Backward();
        Assert.Equal([3.0, 3, 3], x.Grad!.ToDoubleArray());

        var c = x.Exp();
        var d = c * 1.0;
        c.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => d.Sum().Backward());
        Assert.Contains("which is output 0 of ExpBackward0, is at version 1; expected version 0 instead", e.Message);
    }

    // PyTorch: "output with shape [3] doesn't match the broadcast shape [2, 3]" (TensorIterator), raised
    // before the write: values and version unchanged. 1.13 and 2.10 agree on every shape here.
    [Fact]
    public void BroadcastingTheWrittenTensorIsRefusedBeforeAnyWrite()
    {
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var a = x * 1.0;
        foreach (var (op, other) in new (Func<Tensor, Tensor, Tensor>, int[])[]
                 {
                     ((t, o) => t.Add_(o), [2, 3]), ((t, o) => t.Sub_(o, 2), [2, 3]), ((t, o) => t.Mul_(o), [1, 3]),
                     ((t, o) => t.Div_(o), [2, 1]), ((t, o) => t.Copy_(o), [1, 1]), ((t, o) => t.Copy_(o), [2, 3]),
                 })
        {
            var o = Tensor.Ones(other, DType.Float64);
            var e = Assert.Throws<ArgumentException>(() => op(a, o));
            string broadcast = other[0] == 1 && other[1] == 1 ? "[1, 3]" : $"[{other[0]}, 3]";
            Assert.Contains($"output with shape [3] doesn't match the broadcast shape {broadcast}", e.Message);
        }
        Assert.Equal(0, a.Version);
        Assert.Equal([1.0, 2, 3], a.ToDoubleArray());
        Assert.Equal("MulBackward0", a.GradFn!.Name);
    }

    // PyTorch 2.10 (and 1.13): check_inplace runs before the kernel, so a leaf that requires grad is
    // refused as a leaf even when the shapes would not broadcast either.
    [Fact]
    public void TheLeafRuleComesBeforeTheShapeRule()
    {
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var o = Tensor.Ones([2, 3], DType.Float64);
        Assert.Contains("a leaf Variable that requires grad", Assert.Throws<InvalidOperationException>(() => x.Add_(o)).Message);
        Assert.Contains("a leaf Variable that requires grad", Assert.Throws<InvalidOperationException>(() => x.Copy_(o)).Message);
        Assert.Contains("a view of a leaf Variable that requires grad", Assert.Throws<InvalidOperationException>(() => x.View([3]).Mul_(o)).Message);
    }

    // PyTorch: clamp_ needs a bound, like clamp: "At least one of 'min' or 'max' must not be None".
    [Fact]
    public void ClampInPlaceNeedsABound()
    {
        var a = Tensor.From([1.0, 2, 3], requiresGrad: true) * 1.0;
        Assert.Contains("At least one of 'min' or 'max' must not be None", Assert.Throws<ArgumentException>(() => a.Clamp_()).Message);
        Assert.Equal(0, a.Version);
    }

    // PyTorch (test_autograd.py test_inplace_on_view_*): writing through a view of a non-leaf gives the
    // base the grad_fn CopySlices and the view AsStridedBackward0 over it (1.13: a.grad_fn is CopySlices,
    // b.grad_fn.next_functions[0][0] is a.grad_fn); both share the version, bumped once.
    [Fact]
    public void WritingThroughAViewRebasesTheBase()
    {
        var x = Tensor.From([1.0, 2, 3, 4, 5, 6], [2, 3], requiresGrad: true);
        var a = x * 1.0;
        var b = a.View([3, 2]);
        Assert.True(b.IsView);
        Assert.Same(a, b.Base);
        var y = Tensor.From([1.0, 2, 3, 4, 5, 6], [3, 2], requiresGrad: true);
        b.Mul_(y);
        Assert.Equal(1, a.Version);
        Assert.Equal(1, b.Version);
        Assert.Equal("CopySlices", a.GradFn!.Name);
        Assert.Equal("AsStridedBackward0", b.GradFn!.Name);
        Assert.Same(a.GradFn, b.GradFn.NextFunctions[0]);
        Assert.Equal([1.0, 4, 9, 16, 25, 36], a.ToDoubleArray());

        // Hand derivation: a = x ⊙ y (flat), so (a·a).sum() gives x.grad = 2·x·y², y.grad = 2·y·x².
        (a * a).Sum().Backward();
        Assert.Equal([2.0, 16, 54, 128, 250, 432], x.Grad!.ToDoubleArray());
        Assert.Equal([2.0, 16, 54, 128, 250, 432], y.Grad!.ToDoubleArray());
    }

    // PyTorch: writing the base directly makes its views' grad_fn AsStridedBackward0 over the base's new
    // node the next time it is read (VariableHooks::grad_fn regenerates it when _version moved).
    [Fact]
    public void WritingTheBaseRebuildsItsViewsHistory()
    {
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var a = x * 1.0;
        var b = a.View([3, 1]);
        Assert.Equal("ViewBackward0", b.GradFn!.Name);
        a.Mul_(2);
        Assert.Equal("AsStridedBackward0", b.GradFn!.Name);
        Assert.Same(a.GradFn, b.GradFn.NextFunctions[0]);
        b.Sum().Backward();
        Assert.Equal([2.0, 2, 2], x.Grad!.ToDoubleArray());
    }

    // PyTorch: a view made under no_grad is writable only while grad mode is still off; in grad mode the
    // write is refused with "A view was created in no_grad mode and is being modified inplace with grad
    // mode enabled" (checked before the view-of-a-leaf rule: libtorch 2.10 gives this message for a view of
    // a leaf too), and only when the write would be recorded.
    [Fact]
    public void ViewsMadeInNoGradModeAreWritableOnlyUnrecorded()
    {
        const string NoGradView = "A view was created in no_grad mode and is being modified inplace with grad mode enabled";
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var a = x * 2.0;
        Tensor va, vx;
        using (Grad.NoGrad()) { va = a.View([3]); vx = x.View([3]); }
        Assert.Contains(NoGradView, Assert.Throws<InvalidOperationException>(() => va.Add_(1)).Message);
        Assert.Contains(NoGradView, Assert.Throws<InvalidOperationException>(() => vx.Add_(1)).Message);
        Assert.Equal(0, a.Version);

        // Both inside the no-grad scope: allowed and unrecorded (a keeps MulBackward0, gradient 2).
        using (Grad.NoGrad()) va.Add_(1);
        Assert.Equal([3.0, 5, 7], a.ToDoubleArray());
        a.Sum().Backward();
        Assert.Equal([2.0, 2, 2], x.Grad!.ToDoubleArray());

        // A no-grad view of a tensor that needs no grad: refused only when the write would be recorded.
        var buf = Tensor.Zeros([3], DType.Float64);
        Tensor vb;
        using (Grad.NoGrad()) vb = buf.View([3]);
        vb.Add_(1);
        Assert.Equal([1.0, 1, 1], buf.ToDoubleArray());
        Assert.Contains(NoGradView, Assert.Throws<InvalidOperationException>(() => vb.Add_(x)).Message);
    }

    // PyTorch (torch 1.13 and 2.10): exp_/sigmoid_/tanh_/sqrt_/relu_ save the written tensor itself, so a
    // second write (a.sigmoid_(); a.mul_(2)) makes backward raise "which is output 0 of SigmoidBackward0,
    // is at version 2; expected version 1 instead". Without the second write the gradient is the true one.
    [Fact]
    public void ASecondWriteAfterAnOutputSavingInPlaceOpIsRefusedAsInPyTorch()
    {
        var x = TestData.Randn([2, 3], 31);
        foreach (var (first, node) in new (Func<Tensor, Tensor>, string)[] { (t => t.Sigmoid_(), "SigmoidBackward0"), (t => t.Exp_(), "ExpBackward0"), (t => t.Tanh_(), "TanhBackward0"), (t => t.Relu_(), "ReluBackward0") })
        {
            var a = x.Detach().RequiresGrad_() * 1.0;
            first(a);
            a.Mul_(2);
            var e = Assert.Throws<InvalidOperationException>(() => a.Sum().Backward());
            Assert.Contains($"which is output 0 of {node}, is at version 2; expected version 1 instead", e.Message);
            Assert.True(GradCheck.Check(t => { var b = t[0] * 1.0; first(b); return b * 2 + 1; }, [x]));
        }
    }
}
