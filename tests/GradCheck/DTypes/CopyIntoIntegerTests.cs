namespace Autograd.Tests.DTypes;

/// <summary>
/// copy_ into integer and bool tensors, broadcasting the source and casting it as PyTorch does
/// (float → int truncates toward zero, nonzero → true). Expected values derived by hand from those rules.
/// It used to throw NotSupportedException: the broadcast copy only knew float and double.
/// </summary>
public class CopyIntoIntegerTests
{
    [Fact]
    public void Int64RowBroadcastIntoAMatrix()
    {
        var x = Tensor.Zeros([2, 3], DType.Int64);
        x.Copy_(Tensor.From(new long[] { 1, 2, 3 }));
        Assert.Equal(new long[] { 1, 2, 3, 1, 2, 3 }, x.ToArray<long>());
        Assert.Equal(1, x.Version);
    }

    [Fact]
    public void FloatSourceIsCastIntoInt32AndBool()
    {
        var i = Tensor.Zeros([2, 2], DType.Int32);
        i.Copy_(Tensor.From(new float[] { 2.9f, -1.5f }, [2, 1]));
        Assert.Equal(new[] { 2, 2, -1, -1 }, i.ToArray<int>());
        var b = Tensor.Zeros([3], DType.Bool);
        b.Copy_(Tensor.From(new float[] { 0f, 2.5f, -1f }));
        Assert.Equal(new[] { false, true, true }, b.ToArray<bool>());
    }

    [Fact]
    public void ScalarSourceFillsUInt8()
    {
        var u = Tensor.Zeros([4], DType.UInt8);
        u.Copy_(Tensor.From(new long[] { 7 }, []));
        Assert.Equal(new byte[] { 7, 7, 7, 7 }, u.ToArray<byte>());
    }
}
