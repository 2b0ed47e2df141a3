using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Bridge;

/// <summary>ToTorch / FromTorch: dtypes, shapes, values, requires_grad, copies (docs/torchsharp.md).</summary>
[Collection(OracleCollection.Name)]
public class ConversionTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void RoundTripKeepsDTypeShapeAndValues(DType dtype)
    {
        var x = Tensor.Randn([2, 3, 4], dtype);
        using var t = x.ToTorch();
        Assert.Equal(dtype == DType.Float32 ? TorchApi.ScalarType.Float32 : TorchApi.ScalarType.Float64, t.dtype);
        Assert.Equal([2L, 3, 4], t.shape);
        var back = Tensor.FromTorch(t);
        Assert.Equal(dtype, back.DType);
        Assert.Equal([2, 3, 4], back.Shape.ToArray());
        Assert.Equal(x.ToDoubleArray(), back.ToDoubleArray());   // exact: the values are copied, not recomputed
    }

    [Fact]
    public void ScalarsAndEmptyTensorsKeepTheirShapes()
    {
        using var s = Tensor.From([2.5], []).ToTorch();
        Assert.Empty(s.shape);
        Assert.Equal(2.5, s.ToAutograd().Item());
        using var e = Tensor.Zeros([0, 3]).ToTorch();
        Assert.Equal([0L, 3], e.shape);
        Assert.Equal([0, 3], e.ToAutograd().Shape.ToArray());
    }

    [Fact]
    public void BothDirectionsCopySoLaterChangesDoNotCrossOver()
    {
        var x = Tensor.From([1.0, 2, 3]);
        using var t = x.ToTorch();
        x.SetDouble(0, 100);
        Assert.Equal(1.0, TorchConversions.ReadDoubles(t)[0]);
        var back = Tensor.FromTorch(t);
        using (TorchApi.no_grad()) t.mul_(10);
        Assert.Equal([1.0, 2, 3], back.ToDoubleArray());
    }

    [Fact]
    public void RequiresGradFollowsTheSourceUnlessOverriddenAndTheCopyIsALeaf()
    {
        var x = Tensor.From([1.0, 2], requiresGrad: true);
        var y = x * 2.0;
        using var ty = y.ToTorch();
        Assert.True(ty.requires_grad);
        Assert.True(ty.is_leaf);
        using var tn = y.ToTorch(requiresGrad: false);
        Assert.False(tn.requires_grad);
        using var tt = TorchApi.ones(2, requires_grad: true);
        Assert.True(Tensor.FromTorch(tt).RequiresGrad);
        Assert.False(Tensor.FromTorch(tt, requiresGrad: false).RequiresGrad);
    }

    [Fact]
    public void FromTorchReadsNonContiguousTensorsInLogicalOrder()
    {
        using var t = TorchApi.arange(6, dtype: TorchApi.ScalarType.Float64).reshape(2, 3);
        using var tr = t.t();
        Assert.False(tr.is_contiguous());
        Assert.Equal([0.0, 3, 1, 4, 2, 5], Tensor.FromTorch(tr).ToDoubleArray());
    }

    [Fact]
    public void OtherTorchDTypesAreRejectedWithTheOpAndTheFix()
    {
        using var t = TorchApi.ones(3, dtype: TorchApi.ScalarType.Float16);
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromTorch(t));
        Assert.Contains("FromTorch", e.Message);
        Assert.Contains("Float16", e.Message);
        Assert.Contains("to(torch.float64)", e.Message);
    }

    [Fact]
    public void IntegerAndBoolTensorsCrossBothWays()
    {
        using var l = TorchApi.tensor(new long[] { -3, 0, long.MaxValue, 7 }, [2, 2]);
        var ours = Tensor.FromTorch(l);
        Assert.Equal(DType.Int64, ours.DType);
        Assert.Equal([-3L, 0, long.MaxValue, 7], ours.ToArray<long>());
        using var back = ours.ToTorch();
        Assert.Equal(TorchApi.ScalarType.Int64, back.dtype);
        Assert.True(back.equal(l).all().item<bool>());
        foreach (var (t, d) in new (TorchApi.Tensor, DType)[]
                 {
                     (TorchApi.tensor(new[] { true, false, true }), DType.Bool),
                     (TorchApi.tensor(new byte[] { 0, 255, 9 }), DType.UInt8),
                     (TorchApi.tensor(new[] { -1, 2, int.MinValue }), DType.Int32),
                 })
        {
            using (t)
            {
                var x = Tensor.FromTorch(t);
                Assert.Equal(d, x.DType);
                using var r = x.ToTorch();
                Assert.Equal(t.dtype, r.dtype);
                Assert.True(r.equal(t).all().item<bool>(), $"{d} round trip");
            }
        }
    }
}
