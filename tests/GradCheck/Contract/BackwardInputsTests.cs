using static Autograd.Tests.Contract.Contract;

namespace Autograd.Tests.Contract;

/// <summary>Backward(inputs: ...) and multi-root Grad.Backward.</summary>
public class BackwardInputsTests
{
    private static (Tensor X, Tensor Y) Pair()
        => (Tensor.Randn([2, 2], DType.Float64, requiresGrad: true, generator: new Generator(31)),
            Tensor.Randn([2, 2], DType.Float64, requiresGrad: true, generator: new Generator(32)));

    // PyTorch: test_autograd.py::test_backward_with_inputs. f = x² + y·x + y²:
    // df/dx = 2x + y, df/dy = x + 2y; only the named inputs accumulate.
    [Fact]
    public void OnlyTheNamedInputsAccumulate()
    {
        var (x, y) = Pair();
        Tensor Fn() => x * x + y * x + y * y;
        var gradient = Tensor.Ones([2, 2], DType.Float64);
        var xExpected = (2 * x + y).ToDoubleArray();
        var yExpected = (x + 2 * y).ToDoubleArray();

        Grad.Backward([Fn()], [gradient], inputs: [x, y]);
        TestData.AssertClose(xExpected, x.Grad!);
        TestData.AssertClose(yExpected, y.Grad!);

        x.ZeroGrad(); y.ZeroGrad();
        Grad.Backward([Fn()], [gradient], inputs: [x]);
        TestData.AssertClose(xExpected, x.Grad!);
        Assert.Null(y.Grad);

        x.ZeroGrad();
        Fn().Backward(gradient, inputs: [y]);
        TestData.AssertClose(yExpected, y.Grad!);
        Assert.Null(x.Grad);

        var e = Assert.Throws<ArgumentException>(() => Grad.Backward([Fn()], [gradient], inputs: []));
        Assert.StartsWith("'inputs' argument to backward() cannot be empty.", e.Message);
        e = Assert.Throws<ArgumentException>(() => Fn().Backward(gradient, inputs: []));
        Assert.StartsWith("'inputs' argument to backward() cannot be empty.", e.Message);
    }

    // PyTorch: test_autograd.py::test_backward_with_scalar_input.
    [Fact]
    public void AScalarInput()
    {
        var x = ScalarLeaf(-1.25);
        (x * x).Backward(inputs: [x]);
        Assert.Equal(-2.5, x.Grad!.Item());
    }

    // PyTorch: test_autograd.py::test_backward_with_nonleaf_inputs: a non-leaf named in inputs gets .grad
    // (df/dxn = 2xn + y); an input the output does not depend on stays None (no allow_unused needed).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ANonLeafInputGetsItsGradient(bool createGraph)
    {
        var (x, y) = Pair();
        var z = Tensor.Randn([2, 2], DType.Float64, requiresGrad: true, generator: new Generator(33));
        var xn = x * 1;
        var outp = xn * xn + y * xn + y * y;
        var ones = Tensor.Ones([2, 2], DType.Float64);
        outp.Backward(ones, retainGraph: true, createGraph: createGraph, inputs: [x, y, xn]);
        TestData.AssertClose((2 * x + y).ToDoubleArray(), x.Grad!);
        TestData.AssertClose((x + 2 * y).ToDoubleArray(), y.Grad!);
        TestData.AssertClose((2 * xn + y).ToDoubleArray(), xn.Grad!);

        outp.Backward(ones, createGraph: createGraph, inputs: [z]);
        Assert.Null(z.Grad);
    }

    // PyTorch: backward(inputs=...) calls retain_grad() on a non-leaf input (python_engine.cpp), so it
    // keeps retaining afterwards, and a tensor that already retained its gradient gets it once, not twice
    // (confirmed on torch: b = 3x, out = Σ b²: b.grad = 2b = [6, 12], then [12, 24] after a plain backward).
    [Fact]
    public void ANonLeafInputRetainsItsGradientFromThenOn()
    {
        var x = Leaf(1, 2);
        var b = x * 3;
        var outp = (b * b).Sum();
        Assert.False(b.RetainsGrad);
        outp.Backward(retainGraph: true, inputs: [b]);
        Assert.True(b.RetainsGrad);
        Equal([6, 12], b.Grad);
        Assert.Null(x.Grad);
        outp.Backward();
        Equal([12, 24], b.Grad);
        Equal([18, 36], x.Grad);

        var x2 = Leaf(1, 2);
        var b2 = x2 * 3;
        b2.RetainGrad();
        (b2 * b2).Sum().Backward(inputs: [b2]);
        Equal([6, 12], b2.Grad);
    }

    [Fact]
    public void InputsThatDoNotRequireGradAreRejected()
    {
        var x = Leaf(1);
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2).Sum().Backward(inputs: [x, T(1)]));
        Assert.Contains("input 1", e.Message);
        Assert.Contains("does not require grad", e.Message);
    }

    // PyTorch: test_autograd.py::test_multi_backward: one pass from two roots; q2 = 2q is shared, so
    // q.grad = 2(gz + gc). The result equals the sum of two separate backward calls.
    [Fact]
    public void MultiRootBackwardEqualsTheSumOfSeparateCalls()
    {
        var gen = new Generator(41);
        Tensor R(bool rg = true) => Tensor.Randn([3, 2], DType.Float64, requiresGrad: rg, generator: gen);
        var (x, y, q, a, b) = (R(), R(), R(), R(), R());
        var gz = R(false);
        var gc = R(false);
        var q2 = q * 2;
        var z = x + y + q2;
        var c = a * b + q2;
        Grad.Backward([z, c], [gz, gc]);
        Equal(gz.ToDoubleArray(), x.Grad);
        Equal(gz.ToDoubleArray(), y.Grad);
        TestData.AssertClose((gc * b).ToDoubleArray(), a.Grad!);
        TestData.AssertClose((gc * a).ToDoubleArray(), b.Grad!);
        TestData.AssertClose(((gc + gz) * 2).ToDoubleArray(), q.Grad!);

        var together = new[] { x, y, q, a, b }.Select(t => t.Grad!.ToDoubleArray()).ToArray();
        foreach (var t in new[] { x, y, q, a, b }) t.ZeroGrad();
        q2 = q * 2;
        (x + y + q2).Backward(gz, retainGraph: true);   // q2's node is shared by the second call
        (a * b + q2).Backward(gc);
        var separate = new[] { x, y, q, a, b }.Select(t => t.Grad!.ToDoubleArray()).ToArray();
        for (int i = 0; i < 5; i++) TestData.AssertClose(separate[i], Tensor.From(together[i]));
    }

    // PyTorch: test_autograd.py::test_dependent_backward: y = x², z = y³ = x⁶, roots y and z:
    // x.grad = 2x·go_y + 6x⁵·go_z.
    [Fact]
    public void MultiRootBackwardWhereOneRootDependsOnTheOther()
    {
        var gen = new Generator(42);
        var x = Tensor.Randn([5], DType.Float64, requiresGrad: true, generator: gen);
        var y = x.Pow(2);
        var z = y.Pow(3);
        var goY = Tensor.Randn([5], DType.Float64, generator: gen);
        var goZ = Tensor.Randn([5], DType.Float64, generator: gen);
        Grad.Backward([y, z], [goY, goZ]);
        var xv = x.ToDoubleArray();
        var expected = xv.Select((v, i) => 2 * v * goY.GetDouble(i) + 6 * Math.Pow(v, 5) * goZ.GetDouble(i)).ToArray();
        TestData.AssertClose(expected, x.Grad!, 1e-10);
    }

    // PyTorch: test_autograd.py::test_multi_backward_no_grad and test_backward_no_grad.
    [Fact]
    public void EveryRootMustRequireGradAndNonScalarRootsNeedAGradient()
    {
        var x = Leaf(1, 2);
        var y = T(3, 4);
        var e = Assert.Throws<InvalidOperationException>(() => Grad.Backward([x + y, y * 2], [T(1, 1), T(1, 1)]));
        Assert.Contains("element 1 of tensors does not require grad", e.Message);
        Assert.Null(x.Grad);

        var b = x + 2;
        e = Assert.Throws<InvalidOperationException>(() => Grad.Backward([b], [null]));
        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => Grad.Backward([b]));
        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
    }
}
