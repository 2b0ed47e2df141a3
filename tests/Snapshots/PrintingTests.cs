namespace Autograd.Tests;

public class PrintingTests
{
    // Expected strings are PyTorch 1.13's own printing of the same tensors (python3-torch).
    [Fact]
    public void IntegerValuedMatrixPrintsWithTrailingDots()
        => Assert.Equal("tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)",
            Tensor.From(new float[] { 1, 2, 3, 4 }, [2, 2], requiresGrad: true).ToString());
}
