namespace Autograd.Tests.Functions;

/// <summary>
/// What a custom Backward may return (PyTorch's validate_outputs): one gradient per input, extra
/// trailing nulls allowed (test_too_many_grads), too few or extra non-null refused, a broadcastable
/// gradient summed down, any other shape refused. Messages as torch 1.13 prints them.
/// </summary>
public class FunctionBackwardResultTests
{
    /// <summary>Forward a + b; Backward returns whatever the test gives it.</summary>
    private sealed class Returns(Func<Tensor, Tensor?[]> backward, int inputs = 2) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] x) => [inputs == 1 ? x[0]! * 1 : x[0]! + x[1]!];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => backward(g[0]!);
    }

    [Fact]
    public void TooFewGradientsAreRefused()
    {
        // torch 1.13: "function FewBackward returned an incorrect number of gradients (expected 2, got 1)"
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var b = Tensor.From([1.0, 2.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => new Returns(g => [g]).Apply(a, b).Sum().Backward());
        Assert.Contains("function ReturnsBackward returned an incorrect number of gradients (expected 2, got 1)", e.Message);
    }

    [Fact]
    public void ExtraNonNullGradientsAreRefused()
    {
        // torch 1.13: "function ManyBackward returned an incorrect number of gradients (expected 1, got 2)"
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => new Returns(g => [g, g], inputs: 1).Apply(a).Sum().Backward());
        Assert.Contains("function ReturnsBackward returned an incorrect number of gradients (expected 1, got 2)", e.Message);
    }

    [Fact]
    public void ExtraTrailingNullsAreAccepted()
    {
        // test_too_many_grads: return grad_output, None, None for one input.
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        new Returns(g => [g * 3, null, null], inputs: 1).Apply(a).Sum().Backward();
        Assert.Equal([3.0, 3.0], a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ABroadcastableGradientIsSummedToTheInputsShape()
    {
        // The gradient [3, 2] of ones for an input [2]: summed over the leading dim, 3 each (torch 1.13 gives [3., 3.]).
        // For [3, 1] → [3, 4] it is summed over the size-1 dim instead.
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        new Returns(g => [Tensor.Ones([3, 2], DType.Float64)], inputs: 1).Apply(a).Sum().Backward();
        Assert.Equal([3.0, 3.0], a.Grad!.ToDoubleArray());

        var c = Tensor.Zeros([3, 1], DType.Float64, requiresGrad: true);
        var ramp = Tensor.Arange(0, 12, 1, DType.Float64).Reshape([3, 4]);
        new Returns(g => [ramp], inputs: 1).Apply(c).Sum().Backward();
        Assert.Equal([0.0 + 1 + 2 + 3, 4 + 5 + 6 + 7, 8 + 9 + 10 + 11], c.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AGradientOfAnotherShapeIsRefusedNamingTheIndex()
    {
        // torch 1.13: "Function BadBackward returned an invalid gradient at index 0 - got [3] but expected shape compatible with [2]"
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var b = Tensor.From([1.0, 2.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() =>
            new Returns(g => [g, Tensor.Ones([3], DType.Float64)]).Apply(a, b).Sum().Backward());
        Assert.Contains("Function ReturnsBackward returned an invalid gradient at index 1 - got [3] but expected shape compatible with [2]", e.Message);
    }

    [Fact]
    public void AGradientOfAnotherDTypeIsCastToTheInputsDType()
    {
        // torch 1.13's validate_outputs casts a float32 gradient for a float64 input: x.grad is float64 ones.
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        new Returns(g => [Tensor.From([0.1f, 3f])], inputs: 1).Apply(a).Sum().Backward();
        Assert.Equal(DType.Float64, a.Grad!.DType);
        Assert.Equal([(double)0.1f, 3.0], a.Grad.ToDoubleArray());
    }

    [Fact]
    public void AGradientForAnInputThatNeedsNoneIsDropped()
    {
        // b does not require grad: whatever Backward returns for it goes nowhere, even a wrong shape
        // (PyTorch's validate_outputs skips undefined edges).
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var b = Tensor.From([1.0, 2.0]);
        new Returns(g => [g * 2, Tensor.Ones([7], DType.Float64)]).Apply(a, b).Sum().Backward();
        Assert.Equal([2.0, 2.0], a.Grad!.ToDoubleArray());
        Assert.Null(b.Grad);
    }

    [Fact]
    public void ABackwardReturningANullArrayIsRefusedWithTheNodeName()
    {
        var a = Tensor.From([1.0], requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => new Returns(_ => null!, inputs: 1).Apply(a).Sum().Backward());
        Assert.Contains("ReturnsBackward", e.Message);
    }

    [Fact]
    public void TheSameInputTwiceGetsBothGradientsSummed()
    {
        // f(a, a) = a + a: Backward's two gradients meet at a's AccumulateGrad.
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        new Returns(g => [g * 2, g * 5]).Apply(a, a).Sum().Backward();
        Assert.Equal([7.0, 7.0], a.Grad!.ToDoubleArray());
    }
}
