namespace Autograd.Tests.Oracle;

/// <summary>
/// Disagreements the libtorch cross-checks found in our ops, pinned without libtorch so they stay
/// fixed where the oracle is not built. Expected behaviour from PyTorch 1.13 (python3-torch).
/// </summary>
public class OracleFindingsTests
{
    // torch.nn.functional.pad(torch.zeros(2, 2), (-1, -1, 1, 0)) raises "... resulted in a negative
    // output size ..." (a dim cropped to size 0 while another pad is positive), while
    // F.pad(torch.zeros(2, 4), (-2, -2)) returns shape (2, 0) (all pads non-positive: a plain narrow).
    [Fact]
    public void PadRejectsAnEmptyDimWhenSomePadIsPositive()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros([2, 2]), [-1, -1, 1, 0]));
        Assert.Contains("negative output size", e.Message);
        Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros([2, 3]), [1, -4]));
        Assert.Equal([2, 0], F.Pad(Tensor.Zeros([2, 4]), [-2, -2]).Shape.ToArray());
    }
}
