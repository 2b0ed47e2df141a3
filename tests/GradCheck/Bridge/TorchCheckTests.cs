using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Tests.Bridge;

/// <summary>TorchCheck: a right function passes, and each kind of wrong one fails with the row and the cause that fit it.</summary>
[Collection(OracleCollection.Name)]
public class TorchCheckTests
{
    // A small loss: mean((softmax(x·w) − y)²) over a batch, written with each engine's ops.
    private static Tensor OursLoss(Tensor[] t) => F.MseLoss(F.Softmax(F.Matmul(t[0], t[1]), 1), t[2]);
    private static TorchTensor TheirLoss(TorchTensor[] t)
        => TorchApi.nn.functional.mse_loss(TorchApi.nn.functional.softmax(t[0].matmul(t[1]), 1), t[2]);

    private static Tensor[] Inputs(DType dtype) =>
    [
        Tensor.Randn([4, 3], dtype, requiresGrad: true),
        Tensor.Randn([3, 5], dtype, requiresGrad: true),
        Tensor.Rand([4, 5], dtype),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void TheSameFunctionPassesWithAForwardRowAndOneRowPerGradient(DType dtype)
    {
        var inputs = Inputs(dtype);
        var report = TorchCheck.Check(OursLoss, TheirLoss, inputs);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(["forward", "grad of input 0", "grad of input 1"], report.Entries.Select(e => e.Name));
        Assert.All(report.Entries, e => Assert.InRange(e.ToleranceUsed, 0, 1));
        Assert.Contains("PASS", report.ToString());
        Assert.Null(inputs[0].Grad);   // the caller's tensors are not touched
    }

    [Fact]
    public void AMissingDivisorIsReportedAsAConstantFactor()
    {
        // Sum instead of mean: everything is 20× PyTorch's (4 × 5 elements).
        var report = TorchCheck.Compare(t => F.MseLoss(F.Softmax(F.Matmul(t[0], t[1]), 1), t[2], Reduction.Sum), TheirLoss, Inputs(DType.Float64));
        Assert.False(report.Passed);
        Assert.False(report.Entries[0].Passed);
        Assert.Equal(20, report.Entries[0].Ratio!.Value, 6);
        Assert.Contains("forward differs", report.Failure);
        Assert.Contains("constant factor 20", report.Failure);
        Assert.Contains("MISMATCH", report.ToString());
        Assert.Throws<TorchCheckException>(() => TorchCheck.Check(t => F.MseLoss(F.Softmax(F.Matmul(t[0], t[1]), 1), t[2], Reduction.Sum), TheirLoss, Inputs(DType.Float64)));
    }

    [Fact]
    public void AGradientThatDoesNotReachAnInputIsNamed()
    {
        var report = TorchCheck.Compare(t => F.MseLoss(F.Softmax(F.Matmul(t[0], t[1].Detach()), 1), t[2]), TheirLoss, Inputs(DType.Float64));
        Assert.True(report.Entries[0].Passed);
        Assert.True(report.Entries[1].Passed);
        Assert.False(report.Entries[2].Passed);
        Assert.Contains("grad of input 1 differs: PyTorch has a gradient, ours has none", report.Failure);
        Assert.Contains("Detach()", report.Failure);
    }

    [Fact]
    public void AWrongBackwardWithTheRightForwardIsBlamedOnTheBackward()
    {
        // x·|x| has derivative 2|x|; written as x·Detach(|x|) + 0 its forward is right but the gradient is |x|.
        Tensor Wrong(Tensor[] t) => (t[0] * F.Abs(t[0]).Detach()).Sum();
        TorchTensor Right(TorchTensor[] t) => t[0].mul(t[0].abs()).sum();
        var report = TorchCheck.Compare(Wrong, Right, [Tensor.From([0.5, -1.5, 2.0, -3.0], requiresGrad: true)]);
        Assert.True(report.Entries[0].Passed);
        Assert.False(report.Entries[1].Passed);
        Assert.Equal(0.5, report.Entries[1].Ratio!.Value, 9);
        Assert.Contains("constant factor 0.5", report.Failure);
        var worst = report.Entries[1];
        Assert.Equal(3, worst.WorstIndex);
        Assert.Equal(3.0, worst.Ours);
        Assert.Equal(6.0, worst.Theirs);
    }

    [Fact]
    public void DifferentShapesAndNaNOnOneSideGetTheirOwnCauses()
    {
        var shape = TorchCheck.Compare(t => F.Sum(t[0], [1], keepDim: true), t => t[0].sum(1), [Tensor.Randn([2, 3], DType.Float64)]);
        Assert.Contains("shape [2, 1] in ours, [2] in PyTorch", shape.Failure);
        Assert.Contains("keepdim", shape.Failure);
        var nan = TorchCheck.Compare(t => F.Log(t[0]), t => t[0].abs().log(), [Tensor.From([1.0, -2.0])]);
        Assert.Contains("NaN or ±∞ on one side only", nan.Failure);
    }

    [Fact]
    public void BadArgumentsAreRejectedWithTheCheckNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => TorchCheck.Compare(OursLoss, TheirLoss, []));
        Assert.Contains("TorchCheck", e.Message);
        var n = Assert.Throws<ArgumentException>(() => TorchCheck.Compare(OursLoss, TheirLoss, [Tensor.Zeros([2]), null!]));
        Assert.Contains("input 1 is null", n.Message);
        var thrown = TorchCheck.Compare(OursLoss, t => t[0].reshape(5, 5), Inputs(DType.Float64));   // 12 elements: libtorch rejects
        Assert.Contains("the TorchSharp function threw", thrown.Failure);
    }
}
