namespace Autograd.Tests.Ops.Selection;

/// <summary>
/// Hand-derived values of the selection ops on every dtype they move (ints, bools), type promotion, the
/// PyTorch node names, errors in PyTorch's words, and that the tensor overload of clamp leaves calls with
/// numbers to the scalar overload.
/// </summary>
public class SelectionBehaviourTests
{
    private static readonly Tensor Cond = Tensor.From([true, false, true]);

    [Fact]
    public void WherePromotesAndTakesNumbers()
    {
        var x = Tensor.From([1.5f, 2.5f, 3.5f]);
        var r = F.Where(Cond, x, 0);   // a C# number is a wrapped number: float32 stays float32
        Assert.Equal(DType.Float32, r.DType);
        Assert.Equal([1.5, 0, 3.5], r.ToDoubleArray());
        var i = F.Where(Cond, Tensor.From([1L, 2, 3]), Tensor.From([10L, 20, 30]));
        Assert.Equal(DType.Int64, i.DType);
        Assert.Equal([1L, 20, 3], i.ToArray<long>());
        var mixed = F.Where(Cond, Tensor.From([1L, 2, 3]), Tensor.From([0.5, 0.5, 0.5]));   // int64 with float64: float64
        Assert.Equal(DType.Float64, mixed.DType);
        Assert.Equal([1, 0.5, 3], mixed.ToDoubleArray());
        var b = F.Where(Cond, Tensor.From([false, false, false]), Tensor.From([true, true, true]));
        Assert.Equal([false, true, false], b.ToArray<bool>());
        Assert.Equal([1.5, -1, 3.5], x.Where(Cond, -1).ToDoubleArray());
    }

    [Fact]
    public void WhereGradientGoesToTheSideTaken()
    {
        // d/da Σ where(c, a, b) = c, d/db = ¬c, b broadcast from [1] sums the ¬c part: 1.
        var a = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var b = Tensor.From([7.0], requiresGrad: true);
        var y = F.Where(Cond, a, b);
        Assert.Equal("WhereBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Assert.Equal([1.0, 0, 1], a.Grad!.ToDoubleArray());
        Assert.Equal([1.0], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void MaskedFillOnIntegersAndItsGradient()
    {
        Assert.Equal([9L, 2, 9], Tensor.From([1L, 2, 3]).MaskedFill(Cond, 9).ToArray<long>());
        var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
        var v = Tensor.From([5.0], []).RequiresGrad_(true);
        var y = x.MaskedFill(Cond, v);
        Assert.Equal("MaskedFillBackward1", y.GradFn!.Name);
        Assert.Equal([5.0, 2, 5], y.ToDoubleArray());
        (y * Tensor.From([1.0, 2, 3])).Sum().Backward();
        Assert.Equal([0.0, 2, 0], x.Grad!.ToDoubleArray());
        Assert.Equal(4.0, v.Grad!.Item());   // 1 + 3
        Assert.Equal("MaskedFillBackward0", x.MaskedFill(Cond, 0.5).GradFn!.Name);
    }

    [Fact]
    public void GatherScatterIndexSelectMoveAnyDtype()
    {
        var xi = Tensor.From(new long[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var idx = Tensor.From(new long[,] { { 2, 0 }, { 1, 1 } });
        Assert.Equal([3L, 1, 5, 5], F.Gather(xi, 1, idx).ToArray<long>());
        Assert.Equal([4L, 5, 6, 1, 2, 3], F.IndexSelect(xi, 0, Tensor.From([1L, 0])).ToArray<long>());
        Assert.Equal([3L, 2, 1, 6, 5, 4], F.IndexSelect(xi, 1, Tensor.From([2, 1, 0])).ToArray<long>());   // int32 index accepted
        var src = Tensor.From(new long[,] { { 10, 20 }, { 30, 40 } });
        Assert.Equal([20L, 2, 10, 40, 30, 6], F.Scatter(xi, 1, Tensor.From(new long[,] { { 2, 0 }, { 1, 0 } }), src).ToArray<long>());
        Assert.Equal([1L, 2 + 10 + 20, 3, 4, 5 + 30, 6 + 40], F.ScatterAdd(xi, 1, Tensor.From(new long[,] { { 1, 1 }, { 1, 2 } }), src).ToArray<long>());
        var xb = Tensor.From([true, false, true]);
        Assert.Equal([true, true, false], F.Gather(xb, 0, Tensor.From([0L, 2, 1])).ToArray<bool>());
        Assert.Equal([false, false, true], xb.Scatter(0, Tensor.From([0L]), 0).ToArray<bool>());
    }

    [Fact]
    public void ScatterGradients()
    {
        // r = scatter(x, 1, [[2, 0]], s): dx is 1 except at the written (0,2) and (0,0); ds[p] = 1 at each write.
        var x = Tensor.Zeros([2, 3], DType.Float64, requiresGrad: true);
        var s = Tensor.From([5.0, 6], [1, 2]).RequiresGrad_(true);
        var y = F.Scatter(x, 1, Tensor.From(new long[,] { { 2, 0 } }), s);
        Assert.Equal("ScatterBackward0", y.GradFn!.Name);
        Assert.Equal([6.0, 0, 5, 0, 0, 0], y.ToDoubleArray());
        (y * Tensor.From([1.0, 2, 3, 4, 5, 6], [2, 3])).Sum().Backward();
        Assert.Equal([0.0, 2, 0, 4, 5, 6], x.Grad!.ToDoubleArray());
        Assert.Equal([3.0, 1], s.Grad!.ToDoubleArray());
        Assert.Equal("ScatterAddBackward0", F.ScatterAdd(x, 1, Tensor.From(new long[,] { { 2, 0 } }), s).GradFn!.Name);
        Assert.Equal("GatherBackward0", F.Gather(x, 1, Tensor.From(new long[,] { { 2 } })).GradFn!.Name);
        Assert.Equal("IndexSelectBackward0", F.IndexSelect(x, 1, Tensor.From([2L])).GradFn!.Name);
    }

    [Fact]
    public void ArgExtremesSortTopkAnyAll()
    {
        var x = Tensor.From(new double[,] { { 1, 3, 3, -1 }, { double.NaN, 2, double.NaN, 0 } });
        Assert.Equal([1L, 0], F.Argmax(x, 1).ToArray<long>());   // first of the ties; NaN counts as the max
        Assert.Equal([3L, 0], F.Argmin(x, 1).ToArray<long>());   // NaN wins argmin too
        Assert.Equal(4L, F.Argmax(x).ItemAs<long>());
        Assert.Equal([1, 1], F.Argmax(x, null, keepDim: true).Shape.ToArray());
        Assert.Equal(DType.Int64, x.Argmin(0, keepDim: true).DType);
        Assert.Equal(1L, F.Argmax(Tensor.From(new[] { 5, 9, 1 }, [3])).ItemAs<long>());   // int32
        Assert.Equal(1L, F.Argmin(Tensor.From(new byte[] { 5, 0, 1 }, [3])).ItemAs<long>());   // uint8
        var (v, i) = Tensor.From([2.0, double.NaN, -1, 2, double.PositiveInfinity]).Sort();
        Assert.Equal([-1, 2, 2, double.PositiveInfinity, double.NaN], v.ToDoubleArray());
        Assert.Equal([2L, 0, 3, 4, 1], i.ToArray<long>());   // ties in their original order, NaN last
        var (dv, di) = F.Sort(Tensor.From([2L, 5, 2, 7]), descending: true, stable: true);
        Assert.Equal([7L, 5, 2, 2], dv.ToArray<long>());
        Assert.Equal([3L, 1, 0, 2], di.ToArray<long>());
        var (tv, ti) = Tensor.From(new double[,] { { 1, 9, 4 }, { 8, 0, 5 } }).Topk(2);
        Assert.Equal([9.0, 4, 8, 5], tv.ToDoubleArray());
        Assert.Equal([1L, 2, 0, 2], ti.ToArray<long>());
        Assert.Equal([0L, 1], F.Topk(Tensor.From(new double[,] { { 1, 9, 4 }, { 8, 0, 5 } }), 1, 1, largest: false).Indices.ToArray<long>());
        var a = Tensor.From(new double[,] { { 0, double.NaN }, { 0, 0 } });
        Assert.True(F.Any(a).ItemAs<bool>());
        Assert.False(a.All().ItemAs<bool>());
        Assert.Equal([true, false], a.Any(1).ToArray<bool>());
        Assert.Equal([false, false], a.All(0).ToArray<bool>());
        Assert.Equal(DType.UInt8, Tensor.From(new byte[] { 0, 2 }, [2]).Any().DType);   // uint8 stays uint8, as PyTorch
        Assert.Equal(DType.Bool, Tensor.From([1L, 2]).All(0, keepDim: true).DType);
    }

    [Fact]
    public void ClampWithTensorBounds()
    {
        var x = Tensor.From([-2.0, 0.5, 3, double.NaN], requiresGrad: true);
        var lo = Tensor.From([-1.0, 1, 0, 0], requiresGrad: true);
        var hi = Tensor.From([2.0], requiresGrad: true);
        var y = F.Clamp(x, lo, hi);
        Assert.Equal("ClampBackward0", y.GradFn!.Name);
        Assert.Equal([-1, 1, 2, double.NaN], y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal([0.0, 0, 0, 0], x.Grad!.ToDoubleArray());   // every element was clamped (or NaN)
        Assert.Equal([1.0, 1, 0, 0], lo.Grad!.ToDoubleArray());
        Assert.Equal([1.0], hi.Grad!.ToDoubleArray());
        Assert.Equal([1L, 5, 4], F.Clamp(Tensor.From([0L, 9, 4]), Tensor.From([1L]), Tensor.From([5L])).ToArray<long>());
        Assert.Equal([-1.0, 0, 1], F.Clamp(Tensor.From([-1.0, 0, 1]), null, Tensor.From([0.0, 0, 2])).ToDoubleArray());
        // min > max gives max, as PyTorch.
        Assert.Equal([0.0], F.Clamp(Tensor.From([5.0]), Tensor.From([1.0]), Tensor.From([0.0])).ToDoubleArray());
    }

    [Fact]
    public void NumbersStillPickTheScalarClamp()
    {
        var x = Tensor.From([-3.0, 0.7, 3], requiresGrad: true);
        Assert.Equal("ClampBackward1", F.Clamp(x, -1, 1).GradFn!.Name);
        Assert.Equal("ClampBackward1", F.Clamp(x, min: 0).GradFn!.Name);
        Assert.Equal("ClampBackward1", x.Clamp(0.5, 2).GradFn!.Name);
        Assert.Equal("ClampBackward1", x.Clamp(max: 2).GradFn!.Name);
        Assert.Equal("ClampBackward0", x.Clamp(Tensor.From([0.0])).GradFn!.Name);
    }

    [Fact]
    public void ErrorsSpeakPyTorch()
    {
        var x = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Contains("index 5 is out of bounds for dimension 0 with size 2", Throws(() => F.Gather(x, 0, Tensor.From(new long[,] { { 5 } }))));
        Assert.Contains("Index tensor must have the same number of dimensions as input tensor", Throws(() => F.Gather(x, 0, Tensor.From([0L]))));
        Assert.Contains("Size does not match at dimension 1 expected index [2, 4] to be no larger than self [2, 3] apart from dimension 0", Throws(() => F.Gather(x, 0, Tensor.From(new long[8], [2, 4]))));
        Assert.Contains("Expected index [1, 3] to be no larger than self [2, 3] apart from dimension 0 and to be no larger size than src [1, 2]",
            Throws(() => F.Scatter(x, 0, Tensor.From([0L, 1, 1], [1, 3]), Tensor.From([1.0, 2], [1, 2]))));
        Assert.Contains("gather(): Expected dtype int32/int64 for index", Throws(() => F.Gather(x, 0, Tensor.From(new double[,] { { 0 } }))));
        Assert.Contains("scatter(): Expected dtype int32/int64 for index", Throws(() => F.Scatter(x, 0, Tensor.From(new bool[,] { { false } }), 1.0)));
        Assert.Equal([3.0], F.Gather(x, 1, Tensor.From(new int[,] { { 2 } })).ToDoubleArray());   // int32 indices, as libtorch 2.10
        Assert.Contains("scatter_add(): Expected self.dtype to be equal to src.dtype", Throws(() => F.ScatterAdd(x, 0, Tensor.From(new long[,] { { 0 } }), Tensor.From(new float[,] { { 1 } }))));
        Assert.Contains("index_select(): Expected dtype int32 or int64 for index", Throws(() => F.IndexSelect(x, 0, Tensor.From([0.0]))));
        Assert.Contains("index out of range in self", Throws(() => F.IndexSelect(x, 1, Tensor.From([3L]))));
        Assert.Contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)", Throws(() => F.Sort(x, 2)));
        Assert.Contains("selected index k out of range", Throws(() => F.Topk(x, 4)));
        Assert.Contains("masked_fill_ only supports boolean masks, but got mask with dtype long int", Throws(() => F.MaskedFill(x, Tensor.From([1L, 0, 1]), 0)));
        Assert.Contains("where(): expected condition to be a boolean tensor", Throws(() => F.Where(Tensor.From([1.0, 0, 1]), x, 0)));
        Assert.Contains("At least one of 'min' or 'max' must not be None", Throws(() => F.Clamp(x, (Tensor?)null, null)));

        static string Throws(Action a) => Assert.ThrowsAny<ArgumentException>(a).Message;
    }
}
