using Autograd.Nn;

namespace Autograd.Tests.Ops.Losses;

/// <summary>
/// The loss modules (against the functional ops, buffers, reprs, validation at construction), PyTorch's reduction
/// strings, node names, error messages, and numerical stability at the extremes (expected values derived by hand).
/// </summary>
public class LossBehaviourTests
{
    private static Tensor R(int[] s, int seed) => TestData.Randn(s, seed, requiresGrad: false);
    private static Tensor P(int[] s, int seed) => F.Sigmoid(R(s, seed));

    private static void Same(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());
    }

    [Fact]
    public void ModulesComputeTheirFunctionalLoss()
    {
        var x = R([4, 5], 1); var y = R([4, 5], 2); var p = P([4, 5], 3); var q = P([4, 5], 4);
        var w = TestData.Positive([5], 5, requiresGrad: false);
        var t = Tensor.From(new long[] { 1, 0, 4, 2 }, [4]);
        Same(F.BinaryCrossEntropy(p, q, w, Reduction.Sum), new BCELoss(w, Reduction.Sum).Call(p, q));
        Same(F.BinaryCrossEntropyWithLogits(x, q, w, Reduction.None, w), new BCEWithLogitsLoss(w, Reduction.None, w).Forward(x, q));
        Same(F.L1Loss(x, y), new L1Loss().Call(x, y));
        Same(F.MseLoss(x, y, Reduction.Sum), new MSELoss(Reduction.Sum).Call(x, y));
        Same(F.SmoothL1Loss(x, y, Reduction.Mean, 0.5), new SmoothL1Loss(beta: 0.5).Call(x, y));
        Same(F.HuberLoss(x, y, Reduction.None, 0.3), new HuberLoss(Reduction.None, 0.3).Call(x, y));
        Same(F.KlDiv(F.LogSoftmax(x, 1), F.Softmax(y, 1), Reduction.BatchMean), new KLDivLoss("batchmean").Call(F.LogSoftmax(x, 1), F.Softmax(y, 1)));
        Same(F.KlDiv(x, y, Reduction.Sum, logTarget: true), new KLDivLoss(Reduction.Sum, logTarget: true).Call(x, y));
        Same(F.NllLoss(x, t, w, 2, Reduction.Mean), new NLLLoss(w, ignoreIndex: 2).Call(x, t));
        Same(F.CrossEntropy(x, t, w, 2, Reduction.Sum, 0.1), new CrossEntropyLoss(w, 2, Reduction.Sum, 0.1).Call(x, t));
        Same(F.CrossEntropy(x, F.Softmax(y, 1), labelSmoothing: 0.2), new CrossEntropyLoss(labelSmoothing: 0.2).Call(x, F.Softmax(y, 1)));
    }

    [Fact]
    public void ModulesRegisterWeightsAsBuffersAndPrintLikePyTorch()
    {
        var w = Tensor.Ones([3]); var pw = Tensor.Full([3], 2.0);
        var ce = new CrossEntropyLoss(weight: w);
        Assert.Equal(["weight"], ce.NamedBuffers().Select(b => b.Name));
        Assert.Same(w, ce.Weight);
        Assert.Empty(ce.Parameters());
        Assert.Equal(["weight", "pos_weight"], new BCEWithLogitsLoss(w, posWeight: pw).NamedBuffers().Select(b => b.Name));
        Assert.Equal(["pos_weight"], new BCEWithLogitsLoss(posWeight: pw).NamedBuffers().Select(b => b.Name));
        Assert.Empty(new NLLLoss().NamedBuffers());
        Assert.Equal(["weight"], new BCELoss(w).NamedBuffers().Select(b => b.Name));
        Assert.Equal("BCELoss()", new BCELoss(w).ToString());
        Assert.Equal("CrossEntropyLoss()", ce.ToString());
        Assert.Equal("KLDivLoss()", new KLDivLoss().ToString());
        Assert.Equal("SmoothL1Loss()", new SmoothL1Loss().ToString());
        Assert.Equal(Reduction.Mean, new L1Loss().Reduction);
        Assert.Equal(-100, new CrossEntropyLoss().IgnoreIndex);
        Assert.Equal(1.0, new HuberLoss().Delta);
    }

    [Fact]
    public void AOneTensorForwardIsRefused()
    {
        Module m = new MSELoss();
        var e = Assert.Throws<NotSupportedException>(() => m.Forward(Tensor.Zeros([2])));
        Assert.Contains("MSELoss takes an input and a target", e.Message);
    }

    [Fact]
    public void ModulesValidateWhenConstructed()
    {
        Assert.Contains("negative values for beta", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothL1Loss(beta: -1)).Message);
        Assert.Contains("non-positive values for delta", Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(delta: 0)).Message);
        Assert.Contains("label_smoothing must be between 0.0 and 1.0", Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss(labelSmoothing: 1.5)).Message);
        Assert.Contains("1-D tensor of class weights", Assert.Throws<ArgumentException>(() => new NLLLoss(Tensor.Ones([2, 2]))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => new BCELoss(Tensor.From(new long[] { 1 }, [1]))).Message);
        Assert.Contains("foo is not a valid value for reduction", Assert.Throws<ArgumentException>(() => new L1Loss("foo")).Message);
        Assert.Contains("batchmean is not a valid value for reduction", Assert.Throws<ArgumentException>(() => new MSELoss("batchmean")).Message);
        Assert.Contains("batchmean is not a valid value for reduction", Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(reduction: Reduction.BatchMean)).Message);
        Assert.Equal(Reduction.BatchMean, new KLDivLoss("batchmean").Reduction);
    }

    [Fact]
    public void ReductionStringsAreAcceptedByEveryLoss()
    {
        var x = R([3, 4], 10); var y = R([3, 4], 11); var p = P([3, 4], 12); var t = Tensor.From(new long[] { 1, 0, 3 }, [3]);
        Same(F.L1Loss(x, y, Reduction.Sum), F.L1Loss(x, y, reduction: "sum"));
        Same(F.MseLoss(x, y, Reduction.None), F.MseLoss(x, y, "none"));
        Same(F.SmoothL1Loss(x, y, Reduction.Sum, 0.5), F.SmoothL1Loss(x, y, "sum", beta: 0.5));
        Same(F.HuberLoss(x, y, Reduction.Mean, 2), F.HuberLoss(x, y, "mean", delta: 2));
        Same(F.BinaryCrossEntropy(p, p, null, Reduction.Sum), F.BinaryCrossEntropy(p, p, reduction: "sum"));
        Same(F.BinaryCrossEntropyWithLogits(x, p, null, Reduction.None), F.BinaryCrossEntropyWithLogits(x, p, reduction: "none"));
        Same(F.KlDiv(x, p, Reduction.BatchMean), F.KlDiv(x, p, "batchmean"));
        Same(F.KLDivLoss(x, p, Reduction.Sum), F.KlDiv(x, p, "sum"));
        Same(F.NllLoss(x, t, null, -100, Reduction.Sum), F.NllLoss(x, t, reduction: "sum"));
        Same(F.CrossEntropy(x, t, null, 1, Reduction.None, 0.1), F.CrossEntropy(x, t, reduction: "none", ignoreIndex: 1, labelSmoothing: 0.1));
        Same(F.CrossEntropy(x, t, reduction: Reduction.Sum), F.CrossEntropy(x, t, "sum"));
        Assert.Contains("batchmean is not a valid value for reduction", Assert.Throws<ArgumentException>(() => F.L1Loss(x, y, "batchmean")).Message);
        Assert.Contains("batchmean is not a valid value for reduction", Assert.Throws<ArgumentException>(() => F.CrossEntropy(x, t, reduction: Reduction.BatchMean)).Message);
        Assert.Contains("elementwise_mean is not a valid value for reduction", Assert.Throws<ArgumentException>(() => F.KlDiv(x, y, "elementwise_mean")).Message);
    }

    [Fact]
    public void NodesAreNamedAsPyTorchRecordsThem()
    {
        var x = TestData.Randn([3, 4], 20); var y = TestData.Randn([3, 4], 21);
        var p = F.Sigmoid(x); var t = Tensor.From(new long[] { 1, 0, 3 }, [3]);
        Assert.Equal("BinaryCrossEntropyBackward0", F.BinaryCrossEntropy(p, F.Sigmoid(y)).GradFn!.Name);
        Assert.Equal("BinaryCrossEntropyWithLogitsBackward0", F.BinaryCrossEntropyWithLogits(x, p).GradFn!.Name);
        Assert.Equal("SmoothL1LossBackward0", F.SmoothL1Loss(x, y).GradFn!.Name);
        Assert.Equal("HuberLossBackward0", F.HuberLoss(x, y).GradFn!.Name);
        Assert.Equal("MeanBackward0", F.L1Loss(x, y).GradFn!.Name);   // composite in PyTorch
        Assert.Equal("MeanBackward0", F.SmoothL1Loss(x, y, beta: 0).GradFn!.Name);   // beta 0 is l1_loss
        Assert.Equal("AbsBackward0", F.L1Loss(x, y, Reduction.None).GradFn!.Name);
        Assert.Equal("NllLossBackward0", F.CrossEntropy(x, t, Tensor.Ones([4])).GradFn!.Name);
        Assert.Equal("AddBackward0", F.CrossEntropy(x, t, labelSmoothing: 0.1).GradFn!.Name);
        Assert.Equal("DivBackward0", F.KlDiv(x, p, Reduction.BatchMean).GradFn!.Name);
        Assert.Equal("SubBackward0", F.KlDiv(x, p, Reduction.None).GradFn!.Name);
    }

    [Fact]
    public void BadArgumentsGetPyTorchsMessages()
    {
        var p = F.Sigmoid(R([3, 2], 30));
        Assert.Contains("Using a target size (torch.Size([2])) that is different to the input size (torch.Size([3, 2])) is deprecated. Please ensure they have the same size.",
            Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(p, Tensor.Zeros([2], DType.Float64))).Message);
        Assert.Contains("all elements of input should be between 0 and 1", Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(p + 1.0, p)).Message);
        Assert.Contains("all elements of input should be between 0 and 1", Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.Full([1], double.NaN, DType.Float64), Tensor.Zeros([1], DType.Float64))).Message);
        Assert.Contains("Target size (torch.Size([3, 1])) must be the same as input size (torch.Size([3, 2]))",
            Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropyWithLogits(p, Tensor.Zeros([3, 1], DType.Float64))).Message);
        var x = R([2, 3], 31);
        Assert.Contains("Target 7 is out of bounds.", Assert.Throws<ArgumentOutOfRangeException>(() => F.NllLoss(x, Tensor.From(new long[] { 0, 7 }, [2]))).Message);
        Assert.Contains("weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [4]",
            Assert.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, 1 }, [2]), Tensor.Ones([4]))).Message);
        Assert.Contains("Expected target size [2, 4], got [2, 3]",
            Assert.Throws<ArgumentException>(() => F.CrossEntropy(R([2, 3, 4], 32), Tensor.From(new long[6], [2, 3]))).Message);
        Assert.Contains("ignore_index is not supported for floating point target",
            Assert.Throws<ArgumentException>(() => F.CrossEntropy(x, F.Softmax(x, 1), ignoreIndex: 0)).Message);
        Assert.Contains("label_smoothing must be between 0.0 and 1.0. Got: 1.5",
            Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, 1 }, [2]), labelSmoothing: 1.5)).Message);
        Assert.Contains("(C) or (N, C)", Assert.Throws<ArgumentException>(() => F.CrossEntropy(R([2, 3, 4], 33), [0, 0])).Message);
    }

    [Fact]
    public void BceWithLogitsIsFiniteAtExtremeLogits()
    {
        // ℓ = (1 − t)·x + softplus(−x): x = 1e4, t = 0 → 1e4; x = −1e4, t = 1 → 1e4; matching signs → 0.
        // dℓ/dx = sigmoid(x) − t: 1, −1, 0, 0.  With pos_weight 3: (1 + 2t)·softplus(−x) → 3e4 at x = −1e4, t = 1.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.From(new double[] { 1e4, -1e4, 1e4, -1e4 }, [4], requiresGrad: true).To(dtype).Detach().RequiresGrad_();
            var t = Tensor.From(new double[] { 0, 1, 1, 0 }, [4]).To(dtype);
            var loss = F.BinaryCrossEntropyWithLogits(x, t, reduction: Reduction.None);
            Assert.Equal([1e4, 1e4, 0, 0], loss.ToArray<double>());
            loss.Sum().Backward();
            Assert.Equal([1.0, -1, 0, 0], x.Grad!.ToArray<double>());
            var pw = F.BinaryCrossEntropyWithLogits(x, t, null, Reduction.None, Tensor.Full([1], 3.0, dtype));
            Assert.Equal([1e4, 3e4, 0, 0], pw.ToArray<double>());
        }
    }

    [Fact]
    public void BceIsFiniteAtExactlyZeroAndOne()
    {
        // PyTorch clamps each log at −100: ℓ(0, 1) = ℓ(1, 0) = 100, ℓ(0, 0) = ℓ(1, 1) = 0; the input gradient
        // (x − t) / max((1 − x)·x, 1e−12) is ∓1e12, finite.
        var x = Tensor.From(new double[] { 0, 1, 0, 1 }, [4], requiresGrad: true);
        var t = Tensor.From(new double[] { 1, 0, 0, 1 }, [4]);
        var loss = F.BinaryCrossEntropy(x, t, reduction: Reduction.None);
        Assert.Equal([100.0, 100, 0, 0], loss.ToArray<double>());
        loss.Sum().Backward();
        Assert.Equal([-1e12, 1e12, 0, 0], x.Grad!.ToArray<double>());
        Assert.Equal(50.0, F.BinaryCrossEntropy(x.Detach(), t).Item());
    }

    [Fact]
    public void HandComputedValues()
    {
        // nll with weights: (−w1·x[0,1] − w2·x[1,2]) / (w1 + w2), the ignored row contributing to neither.
        var x = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [3, 3]);
        var w = Tensor.From(new double[] { 0.5, 2, 3 }, [3]);
        Assert.Equal((-2 * 2.0 - 3 * 6.0) / 5, F.NllLoss(x, Tensor.From(new long[] { 1, 2, -100 }, [3]), w).Item(), 12);
        // kl_div with a zero target: xlogy(0, 0) − 0·x = 0, so only the second element counts: 1·log 1 − 1·(−2) = 2.
        Assert.Equal(2.0, F.KlDiv(Tensor.From(new double[] { -1, -2 }, [2]), Tensor.From(new double[] { 0, 1 }, [2]), Reduction.Sum).Item(), 12);
        // smooth_l1 and huber at d = 3, β = δ = 2: 3 − 1 = 2 and 2·(3 − 1) = 4; at d = 1: 0.25 and 0.5.
        var d = Tensor.From(new double[] { 3, 1 }, [2]); var z = Tensor.Zeros([2], DType.Float64);
        Assert.Equal([2, 0.25], F.SmoothL1Loss(d, z, Reduction.None, 2).ToArray<double>());
        Assert.Equal([4, 0.5], F.HuberLoss(d, z, Reduction.None, 2).ToArray<double>());
    }
}
