using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.DTypes;

/// <summary>Indices and class targets as int64 tensors: the ops that return or take them, against libtorch 2.10.</summary>
[Collection(Oracle.OracleCollection.Name)]
public class IndexTensorTests
{
    [Fact]
    public void IndicesComeBackAsInt64TensorsShapedLikeTheirValues()
    {
        var x = TestData.Distinct([2, 3, 4, 4], 11);
        var (y, i) = F.MaxPool2dWithIndices(x, 2);
        Assert.Equal(DType.Int64, i.DType);
        Assert.Equal(y.Shape, i.Shape);
        using var tx = x.ToTorch();
        var (ty, ti) = TorchApi.nn.functional.max_pool2d_with_indices(tx, [2, 2]);
        Assert.Equal(Tensor.FromTorch(ti).ToArray<long>(), i.ToArray<long>());
        var (ay, ai) = F.AdaptiveMaxPool2dWithIndices(x, (3, 2));
        var (_, tai) = TorchApi.nn.functional.adaptive_max_pool2d_with_indices(tx, [3, 2]);
        Assert.Equal(ay.Shape, ai.Shape);
        Assert.Equal(Tensor.FromTorch(tai).ToArray<long>(), ai.ToArray<long>());
        var (v, mi) = F.Max(x, 1, keepDim: true);
        var tm = tx.max(1, keepdim: true);
        Assert.Equal([2, 1, 4, 4], mi.Shape.ToArray());
        Assert.Equal(Tensor.FromTorch(tm.indexes).ToArray<long>(), mi.ToArray<long>());
        Assert.Equal(Tensor.FromTorch(tm.values).ToDoubleArray(), v.ToDoubleArray());

        // max_unpool2d takes the index tensor back; the int[] overload gives the same.
        var u = F.MaxUnpool2d(y, i, 2);
        using var tu = TorchApi.nn.functional.max_unpool2d(ty, ti, [2, 2]);
        Assert.Equal(Tensor.FromTorch(tu).ToDoubleArray(), u.ToDoubleArray());
        Assert.Equal(u.ToDoubleArray(), F.MaxUnpool2d(y, i.ToArray<int>(), 2).ToDoubleArray());
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => F.MaxUnpool2d(y, i.Int(), 2)).Message);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropyWithIndexAndProbabilityTargetsMatchesLibtorch(DType dtype)
    {
        var logits = Tensor.Randn([4, 5], dtype, requiresGrad: true, generator: new Generator(21));
        var classes = Tensor.From(new long[] { 0, 4, 2, -100 });
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            logits.ZeroGrad();
            var ours = F.CrossEntropy(logits, classes, reduction);
            ours.Sum().Backward();
            using var tl = logits.ToTorch(requiresGrad: true);
            // The target in a local of its own: a temporary's TorchSharp tensor can be finalized (its native tensor freed) by a
            // GC on another thread while nll_loss_nd still reads it; that crashed the test host once (a segfault in
            // at::_ops::nll_loss_nd::call, 2026-12-03).
            using var tc = classes.ToTorch();
            using var theirs = TorchApi.nn.functional.cross_entropy(tl, tc, reduction: TorchReduction(reduction));
            theirs.sum().backward();
            AssertClose(Tensor.FromTorch(theirs), ours, $"{reduction} values");
            AssertClose(Tensor.FromTorch(tl.grad!), logits.Grad!, $"{reduction} input gradient");
            // The int[] overload and an int32 target agree with the int64 tensor.
            Assert.Equal(ours.ToDoubleArray(), F.CrossEntropy(logits, [0, 4, 2, -100], reduction).ToDoubleArray());
            Assert.Equal(ours.ToDoubleArray(), F.CrossEntropy(logits, classes.Int(), reduction).ToDoubleArray());
        }

        var probs = F.Softmax(Tensor.Randn([4, 5], dtype, generator: new Generator(22)), 1).Detach().RequiresGrad_();
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            logits.ZeroGrad();
            probs.ZeroGrad();
            var ours = F.CrossEntropy(logits, probs, reduction);
            (ours * ours).Sum().Backward();
            using var tl = logits.ToTorch(requiresGrad: true);
            using var tp = probs.ToTorch(requiresGrad: true);
            using var theirs = TorchApi.nn.functional.cross_entropy(tl, tp, reduction: TorchReduction(reduction));
            (theirs * theirs).sum().backward();
            AssertClose(Tensor.FromTorch(theirs), ours, $"probabilities {reduction} values");
            AssertClose(Tensor.FromTorch(tl.grad!), logits.Grad!, $"probabilities {reduction} input gradient");
            AssertClose(Tensor.FromTorch(tp.grad!), probs.Grad!, $"probabilities {reduction} target gradient");
        }
    }

    [Fact]
    public void ClassTargetsOfTheWrongKindAreRefusedByName()
    {
        var x = Tensor.Zeros([2, 3]);
        Assert.Contains("expected scalar type Long but found Bool", Assert.Throws<ArgumentException>(() => F.NllLoss(x, Tensor.From(new[] { true, false }))).Message);
        Assert.Contains("1D target tensor expected", Assert.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.From(new long[,] { { 0, 1 } }))).Message);
        Assert.Contains("Target 7 is out of bounds", Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, 7 }))).Message);
        Assert.Contains("Expected target size", Assert.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.Zeros([2, 4]))).Message);
    }

    private static TorchApi.nn.Reduction TorchReduction(Reduction r) => r switch
    {
        Reduction.Sum => TorchApi.nn.Reduction.Sum,
        Reduction.None => TorchApi.nn.Reduction.None,
        _ => TorchApi.nn.Reduction.Mean,
    };

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        // 2·tol relative to max(1, |e|) is at least the tol · (1 + |e|) this test was written with.
        TestData.AssertClose(expected.ToDoubleArray(), actual, actual.DType == DType.Float32 ? 4e-5 : 2e-12, what);
    }
}
