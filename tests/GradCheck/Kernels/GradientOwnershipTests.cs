namespace Autograd.Tests.Kernels;

/// <summary>Note [Gradient ownership]: leaf gradients borrow the backward's storage, copy-on-write.</summary>
public class GradientOwnershipTests
{
    [Fact]
    public void FirstGradientIsNotCopied()
    {
        var x = Tensor.From([1.0, 2.0, 3.0], requiresGrad: true);
        var y = x * 2;
        y.Sum().Backward();
        // The expand of SumBackward feeds MulBackward, whose fresh product becomes x.Grad's storage.
        Assert.True(x.Grad!.BorrowsStorage);
        Assert.Equal([2.0, 2.0, 2.0], x.Grad.ToDoubleArray());
    }

    [Fact]
    public void SharedBorrowedGradientIsNeverMutatedByALaterAccumulation()
    {
        var a = Tensor.From([1.0, 2.0], requiresGrad: true);
        var b = Tensor.From([3.0, 4.0], requiresGrad: true);
        (a + b).Sum().Backward();                  // add hands one tensor to both leaves
        Assert.Same(a.Grad!.Storage, b.Grad!.Storage);
        var held = a.Grad;
        (a * 10).Sum().Backward();
        Assert.Equal([11.0, 11.0], a.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 1.0], b.Grad.ToDoubleArray());
        Assert.Same(held, a.Grad);                 // accumulation keeps the tensor object, like PyTorch
        Assert.False(a.Grad.BorrowsStorage);
        (a * 1).Sum().Backward();                  // now owned: added in place
        Assert.Equal([12.0, 12.0], held.ToDoubleArray());
    }

    [Fact]
    public void CallersGradientIsCopiedNotBorrowed()
    {
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var seed = Tensor.From([5.0, 6.0]);
        (x + 0).Backward(seed);                    // add passes the caller's tensor straight through
        Assert.NotSame(seed.Storage, x.Grad!.Storage);
        (x * 1).Sum().Backward();
        Assert.Equal([5.0, 6.0], seed.ToDoubleArray());
        Assert.Equal([6.0, 7.0], x.Grad.ToDoubleArray());
    }

    [Fact]
    public void GradientThatANodeStillReadsStaysIntact()
    {
        // g = dL/dh reaches the leaf h0 (through add) and MulBackward (which reads it later); a second
        // contribution to the leaf must not write into the shared tensor before MulBackward runs.
        var w = Tensor.From([2.0, 3.0], requiresGrad: true);
        var h = w * 1;                                 // non-leaf
        var loss = ((h + w) * w).Sum();                // w gets: via h (×1), directly, and via the product
        loss.Backward();
        // d/dw of (2w)·w summed = 4w
        Assert.Equal([8.0, 12.0], w.Grad!.ToDoubleArray());
    }
}
