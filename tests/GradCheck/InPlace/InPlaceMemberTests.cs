using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.InPlace;

/// <summary>
/// Every in-place member on our engine: the same values and gradients as its out-of-place composition,
/// finite differences through the in-place sequence, PyTorch's node names and version counts, and the
/// leaf rules. Each member's cross-check against libtorch is in <see cref="InPlaceOracleTests"/>.
/// </summary>
public class InPlaceMemberTests
{
    private static readonly AutogradBackend Ours = AutogradBackend.Instance;

    public static TheoryData<string, DType> NamesAndTypes()
    {
        var d = new TheoryData<string, DType>();
        foreach (var m in InPlaceMembers.All)
            foreach (var t in new[] { DType.Float32, DType.Float64 }) d.Add(m.Name, t);
        return d;
    }

    public static TheoryData<string> Names() => InPlaceMembers.Names();

    // PyTorch: an in-place variant has its function's values and derivative (the OpInfo tests' rule,
    // test_ops.py test_variant_consistency_eager). A weighted sum makes every element's gradient differ.
    // Same kernels on both paths, so the match is exact.
    [Theory]
    [MemberData(nameof(NamesAndTypes))]
    public void ValuesAndGradientsEqualTheOutOfPlaceComposition(string name, DType dtype)
    {
        var m = InPlaceMembers.Get(name);
        var weights = Ours.From(CrossCheck.Draw(InPlaceMembers.SelfShape, Data.Normal, 4242), InPlaceMembers.SelfShape, dtype);

        (double[] Value, double[]?[] Grads) Run(bool inPlace)
        {
            var x = InPlaceMembers.Inputs(Ours, m, dtype, seed: 1);
            var a = x[0] * 1.0;   // a non-leaf: in-place on the leaf itself is refused
            var r = inPlace ? m.InPlace(a, x[1..]) : m.OutOfPlace(Ours, a, x[1..]);
            Ours.Backward(Ours.Sum(r * weights));
            return (r.Values(), x.Select(t => t.GradValues()).ToArray());
        }

        var (value, grads) = Run(inPlace: true);
        var (expectedValue, expectedGrads) = Run(inPlace: false);
        Assert.Equal(expectedValue, value);
        for (int i = 0; i < grads.Length; i++)
        {
            Assert.True((expectedGrads[i] is null) == (grads[i] is null), $"input {i}: gradient present {grads[i] is not null}, out-of-place {expectedGrads[i] is not null}");
            if (grads[i] is { } g) Assert.Equal(expectedGrads[i]!, g);
        }
    }

    // PyTorch: gradcheck of the in-place variant applied to a clone of the input (test_ops_gradients.py
    // test_inplace_grad); here x * 1 plays clone().
    [Theory]
    [MemberData(nameof(Names))]
    public void InPlaceSequencePassesGradCheck(string name)
    {
        var m = InPlaceMembers.Get(name);
        var inputs = InPlaceMembers.Inputs(Ours, m, DType.Float64, seed: 2).Select(AutogradBackend.Unwrap).ToArray();
        Assert.True(GradCheck.Check(t =>
        {
            var a = t[0] * 1.0;
            m.InPlace(AutogradBackend.Wrap(a), t[1..].Select(AutogradBackend.Wrap).ToArray());
            return a;
        }, inputs));
    }

    // PyTorch 1.13: type(a.grad_fn).__name__ after a = x * 1; a.op_(...), and a._version == 1; each further
    // in-place op adds one and chains onto the previous node (a.grad_fn.next_functions[0][0]).
    [Theory]
    [MemberData(nameof(Names))]
    public void RecordsPyTorchsNodeAndBumpsTheVersionByOne(string name)
    {
        var m = InPlaceMembers.Get(name);
        var x = InPlaceMembers.Inputs(Ours, m, DType.Float32, seed: 3);
        var a = AutogradBackend.Unwrap(x[0]) * 1f;
        Assert.Equal(0, a.Version);
        m.InPlace(AutogradBackend.Wrap(a), x[1..]);
        Assert.Equal(m.Node, a.GradFn!.Name);
        Assert.Equal(1, a.Version);
        var first = a.GradFn;
        a.Mul_(2.0);
        Assert.Equal(2, a.Version);
        Assert.Equal("MulBackward0", a.GradFn!.Name);
        Assert.Same(first, a.GradFn.NextFunctions[0]);
    }

    // PyTorch: check_inplace (torch/csrc/autograd/VariableTypeUtils.h), "a leaf Variable that requires grad
    // is being used in an in-place operation." in 1.13 and 2.10; the refusal comes before any write, so
    // neither the values nor the version move.
    [Theory]
    [MemberData(nameof(Names))]
    public void LeafThatRequiresGradIsRefusedBeforeAnyWrite(string name)
    {
        var m = InPlaceMembers.Get(name);
        var x = InPlaceMembers.Inputs(Ours, m, DType.Float64, seed: 4);
        var before = x[0].Values();
        var e = Assert.Throws<InvalidOperationException>(() => m.InPlace(x[0], x[1..]));
        Assert.Contains("a leaf Variable that requires grad is being used in an in-place operation.", e.Message);
        Assert.Equal(0, AutogradBackend.Unwrap(x[0]).Version);
        Assert.Equal(before, x[0].Values());

        // Through a view of the leaf (of the same shape, so the operands still fit): PyTorch's
        // "a view of a leaf Variable that requires grad ...".
        var v = Ours.View(x[0], InPlaceMembers.SelfShape);
        var ev = Assert.Throws<InvalidOperationException>(() => m.InPlace(v, x[1..]));
        Assert.Contains("a view of a leaf Variable that requires grad is being used in an in-place operation.", ev.Message);
        Assert.Equal(0, AutogradBackend.Unwrap(x[0]).Version);
    }

    // PyTorch: under torch.no_grad() the same write on a leaf is allowed (that is how optimizers update
    // parameters), it is not recorded (the leaf stays a leaf that requires grad), and _version moves by one.
    [Theory]
    [MemberData(nameof(Names))]
    public void NoGradWritesALeafUnrecordedAndBumpsItsVersion(string name)
    {
        var m = InPlaceMembers.Get(name);
        var x = InPlaceMembers.Inputs(Ours, m, DType.Float64, seed: 5);
        double[] expected;
        using (Grad.NoGrad())
        {
            expected = m.OutOfPlace(Ours, x[0], x[1..]).Values();
            m.InPlace(x[0], x[1..]);
        }
        var leaf = AutogradBackend.Unwrap(x[0]);
        Assert.Equal(expected, leaf.ToDoubleArray());
        Assert.Equal(1, leaf.Version);
        Assert.True(leaf.IsLeaf);
        Assert.True(leaf.RequiresGrad);
        Assert.Null(leaf.GradFn);
    }

    // PyTorch returns self from every in-place method (x.mul_(2) is x).
    [Fact]
    public void MembersReturnTheTensorItself()
    {
        var x = Tensor.From([1.0, 2, 3]);
        var y = Tensor.From([0.5, 1.5, 2.5]);
        foreach (var op in new Func<Tensor, Tensor>[]
                 {
                     t => t.Add_(y), t => t.Add_(y, 2), t => t.Add_(1), t => t.Sub_(y), t => t.Sub_(1), t => t.Mul_(y), t => t.Mul_(2),
                     t => t.Div_(y), t => t.Div_(2), t => t.Neg_(), t => t.Abs_(), t => t.Pow_(2), t => t.Sqrt_(), t => t.Exp_(), t => t.Log_(),
                     t => t.Relu_(), t => t.Sigmoid_(), t => t.Tanh_(), t => t.Clamp_(0, 1), t => t.Zero_(), t => t.Fill_(1), t => t.Copy_(y),
                 })
            Assert.Same(x, op(x));
    }

    // PyTorch 1.13, a = x * 1; a.mul_(y); a.sum().backward(): x.grad = y and y.grad = the OLD a, since
    // MulBackward0 saved self before the write ([4, 5, 6] and [1, 2, 3] here). Twice in a row,
    // a = x·y², so x.grad = y², y.grad = 2xy.
    [Fact]
    public void MulByATensorThatRequiresGradSeesTheOldValue()
    {
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var y = Tensor.From([4.0, 5, 6], requiresGrad: true);
        var a = x * 1.0;
        a.Mul_(y);
        a.Sum().Backward();
        Assert.Equal([4.0, 5, 6], x.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 2, 3], y.Grad!.ToDoubleArray());

        x.ZeroGrad(); y.ZeroGrad();
        var b = x * 1.0;
        b.Mul_(y).Mul_(y);
        b.Sum().Backward();
        Assert.Equal([16.0, 25, 36], x.Grad!.ToDoubleArray());
        Assert.Equal([8.0, 20, 36], y.Grad!.ToDoubleArray());
    }

    // Hand derivation: a = x / y in place, then a + 0: d/dx = 1/y, d/dy = −old_a/y² with old_a = x.
    [Fact]
    public void DivByATensorThatRequiresGradSeesTheOldValue()
    {
        var x = Tensor.From([1.0, -2, 3], requiresGrad: true);
        var y = Tensor.From([2.0, 4, 0.5], requiresGrad: true);
        var a = x * 1.0;
        a.Div_(y);
        a.Add_(7);   // a later write that saves nothing keeps the division's backward valid
        a.Sum().Backward();
        Assert.Equal([0.5, 0.25, 2], x.Grad!.ToDoubleArray());
        Assert.Equal([-0.25, 0.125, -12], y.Grad!.ToDoubleArray());
    }

    // PyTorch: x = torch.zeros(3); x.add_(y) with y requiring grad makes x a non-leaf (AddBackward0) and
    // gradients reach y; buf.copy_(y) likewise (CopyBackwards): y.grad = 2·y from (buf·buf).sum().
    [Fact]
    public void WritingATensorThatNeedsNoGradFromOneThatDoesRecordsTheWrite()
    {
        var y = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var buf = Tensor.Zeros([2, 3], DType.Float64);
        buf.Copy_(y);
        Assert.False(buf.IsLeaf);
        Assert.Equal("CopyBackwards", buf.GradFn!.Name);
        (buf * buf).Sum().Backward();
        Assert.Equal([4.0, 8, 12], y.Grad!.ToDoubleArray());   // two broadcast rows, 2y each

        var acc = Tensor.Zeros([3], DType.Float64);
        acc.Add_(y, 3);
        Assert.Equal("AddBackward0", acc.GradFn!.Name);
        y.ZeroGrad();
        acc.Sum().Backward();
        Assert.Equal([3.0, 3, 3], y.Grad!.ToDoubleArray());
    }

    // PyTorch: copy_ converts (a float32 tensor takes float64 values) and its gradient to src comes back
    // in src's dtype; the old value's gradient is zero.
    [Fact]
    public void CopyConvertsTheDTypeAndTheGradientBack()
    {
        var x = Tensor.From([1f, 2, 3], requiresGrad: true);
        var a = x * 1f;
        var y = Tensor.From([0.1, 0.2, 0.3], requiresGrad: true);
        a.Copy_(y);
        Assert.Equal(DType.Float32, a.DType);
        Assert.Equal([0.1f, 0.2f, 0.3f], a.ToFloatArray());
        (a * a).Sum().Backward();
        Assert.Equal(DType.Float64, y.Grad!.DType);
        TestData.AssertClose([2 * 0.1f, 2 * 0.2f, 2 * 0.3f], y.Grad, 1e-7);
        Assert.Equal([0f, 0, 0], x.Grad!.ToFloatArray());
    }
}
