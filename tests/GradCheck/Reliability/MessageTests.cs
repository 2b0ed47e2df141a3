namespace Autograd.Tests.Reliability;

// Issue 10.7 and the memory guard: clear messages where the code before gave a silently empty
// tensor, a raw runtime error or a nonsensical range. Expected wording is PyTorch 1.13's where it has
// one (python3-torch: torch.arange(0, 10, float('nan')) -> "step must be nonzero";
// torch.arange(0, float('inf')) -> "unsupported range: 0 -> inf"; torch.arange(0, 10, float('inf'))
// -> tensor([])).
public class MessageTests
{
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(0.0)]
    public void ArangeRejectsAStepThatIsNotANonzeroNumber(double step)
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 10, step));
        Assert.Contains("arange: step must be nonzero", e.Message);
        Assert.Equal("step", e.ParamName);
    }

    [Theory]
    [InlineData(0, double.PositiveInfinity)]
    [InlineData(double.NaN, 10)]
    [InlineData(double.NegativeInfinity, 0)]
    public void ArangeRejectsNonFiniteBounds(double start, double end)
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Arange(start, end));
        Assert.Contains("unsupported range", e.Message);
    }

    [Fact]
    public void ArangeWithAnInfiniteStepIsEmptyAsInPyTorch() => Assert.Equal(0, Tensor.Arange(0, 10, double.PositiveInfinity).Numel);

    [Fact]
    public void ArangeTooLongForOneTensorSaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 3e9));
        Assert.Contains("arange", e.Message);
        Assert.Contains("3000000000 elements", e.Message);
        Assert.Contains(int.MaxValue.ToString(), e.Message);
    }

    [Fact]
    public void CrossEntropyWithNoClassesDoesNotPrintAnEmptyRange()
    {
        // PyTorch: IndexError "Target 0 is out of bounds." for a (2, 0) input.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(Tensor.Zeros([2, 0]), [0, 0]));
        Assert.Contains("Target 0 is out of bounds", e.Message);
        Assert.Contains("0 classes", e.Message);
        Assert.DoesNotContain("0..-1", e.Message);
    }

    [Fact]
    public void StorageLargerThanTheMachineCanGiveIsACleanError()
    {
        // Note [Memory guard]: the check itself, on a request larger than what is available...
        var e = Assert.Throws<InsufficientMemoryException>(() => Autograd.TensorStorage.CheckAvailable(1L << 30, 4, "float32", 1L << 31));
        Assert.Contains("not enough memory: you tried to allocate 4294967296 bytes", e.Message);
        Assert.Contains("1073741824 float32 elements", e.Message);
        Autograd.TensorStorage.CheckAvailable(1L << 29, 4, "float32", 1L << 31);   // fits: no exception
        // ...and the machine's figure it is given: positive, at most what the GC may use.
        Assert.InRange(Autograd.TensorStorage.AvailableBytes(), 1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }
}
