using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using VerifyAgainstPyTorch;

namespace Autograd.Tests.Bridge;

/// <summary>samples/VerifyAgainstPyTorch's claim: its distillation loss agrees with PyTorch, and the version without T² is caught.</summary>
[Collection(OracleCollection.Name)]
public class VerifySampleTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void TheSampleLossAgreesAndTheWrongOneIsCaughtAsAConstantFactor(DType dtype)
    {
        var g = new Generator(7);
        Tensor[] x = [Tensor.Randn([8, 10], dtype, requiresGrad: true, generator: g), Tensor.Randn([8, 10], dtype, requiresGrad: true, generator: g)];
        var right = TorchCheck.Compare(t => DistillationLoss.Compute(t[0], t[1], 2), t => TorchDistillationLoss.Compute(t[0], t[1], 2), x);
        Assert.True(right.Passed, right.ToString());
        var wrong = TorchCheck.Compare(t => DistillationLoss.ComputeWithoutScale(t[0], t[1], 2), t => TorchDistillationLoss.Compute(t[0], t[1], 2), x);
        Assert.False(wrong.Passed);
        Assert.All(wrong.Entries, e => Assert.False(e.Passed));
        Assert.Equal(0.25, wrong.Entries[0].Ratio!.Value, 4);
        Assert.Contains("constant factor 0.25", wrong.Failure);
    }
}
