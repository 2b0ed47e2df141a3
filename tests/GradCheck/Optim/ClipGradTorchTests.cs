using Autograd.Nn;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Optim;

/// <summary>clip_grad_norm_ / clip_grad_value_ against libtorch 2.10 (TorchSharp's torch.nn.utils).</summary>
[Collection(OracleCollection.Name)]
public class ClipGradTorchTests
{
    public static TheoryData<double, double, bool> Cases()
    {
        var d = new TheoryData<double, double, bool>();
        foreach (double norm in new[] { 2.0, 1.0, 3.0, double.PositiveInfinity })
            foreach (double max in new[] { 0.5, 100.0 })
                foreach (bool f32 in new[] { false, true }) d.Add(norm, max, f32);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClipGradNormMatchesTorch(double normType, double maxNorm, bool f32)
    {
        TorchSharpLibrary.EnsureLoaded();
        var dtype = f32 ? DType.Float32 : DType.Float64;
        var shapes = new[] { new[] { 3, 4 }, new[] { 5 }, new[] { 2, 2, 2 } };
        var ours = new List<Tensor>();
        var torch = new List<global::TorchSharp.Modules.Parameter>();
        for (int k = 0; k < shapes.Length; k++)
        {
            var p = TestData.Randn(shapes[k], seed: 10 + k, requiresGrad: false).ConvertData(dtype).RequiresGrad_();
            p.Grad = TestData.Randn(shapes[k], seed: 20 + k, requiresGrad: false).ConvertData(dtype);
            ours.Add(p);
            var tp = new global::TorchSharp.Modules.Parameter(p.ToTorch(requiresGrad: false));
            (tp * p.Grad.ToTorch(requiresGrad: false)).sum().backward();
            torch.Add(tp);
        }
        ours.Add(Tensor.Zeros([2], dtype, requiresGrad: true));   // no grad: skipped
        var total = NnUtils.ClipGradNorm_(ours, maxNorm, normType);
        double torchTotal = TorchApi.nn.utils.clip_grad_norm_(torch, maxNorm, normType);
        double tol = f32 ? 1e-6 : 1e-13;
        Assert.Equal(dtype, total.DType);
        Assert.Equal(0, total.Rank);
        Assert.True(Math.Abs(total.Item() - torchTotal) <= tol * torchTotal, $"total norm ours {total.Item():R}, torch {torchTotal:R}");
        for (int k = 0; k < shapes.Length; k++)
        {
            var got = ours[k].Grad!.ToDoubleArray();
            var want = Tensor.FromTorch(torch[k].grad!).ToDoubleArray();
            for (int i = 0; i < got.Length; i++)
                Assert.True(Math.Abs(got[i] - want[i]) <= tol * Math.Max(1, Math.Abs(want[i])), $"grad {k}[{i}]: ours {got[i]:R}, torch {want[i]:R}");
        }
        Assert.Null(ours[^1].Grad);
    }

    [Fact]
    public void ClipGradValueMatchesTorchClamp()
    {
        TorchSharpLibrary.EnsureLoaded();
        var p = TestData.Randn([4, 5], seed: 3, requiresGrad: false).RequiresGrad_();
        p.Grad = TestData.Randn([4, 5], seed: 4, requiresGrad: false);
        var tp = new global::TorchSharp.Modules.Parameter(p.ToTorch(requiresGrad: false));
        (tp * p.Grad.ToTorch(requiresGrad: false)).sum().backward();
        NnUtils.ClipGradValue_([p], 0.4);
        TorchApi.nn.utils.clip_grad_value_([tp], 0.4);
        Assert.Equal(Tensor.FromTorch(tp.grad!).ToDoubleArray(), p.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NonFiniteTotalNormThrowsOnlyWhenAsked()
    {
        var p = Tensor.Zeros([2], DType.Float64, requiresGrad: true);
        p.Grad = Tensor.From(new[] { 1.0, double.PositiveInfinity }, [2]);
        Assert.Contains("non-finite", Assert.Throws<InvalidOperationException>(() => NnUtils.ClipGradNorm_([p], 1.0, errorIfNonfinite: true)).Message);
        Assert.Equal(1.0, p.Grad!.ToDoubleArray()[0]);   // untouched by the refused call
        var total = NnUtils.ClipGradNorm_([p], 1.0);
        Assert.True(double.IsPositiveInfinity(total.Item()));
        Assert.Equal(0.0, p.Grad!.ToDoubleArray()[0]);   // scaled by 1/inf, as PyTorch
    }

    [Fact]
    public void NoGradientsGiveAZeroNorm()
    {
        var total = NnUtils.ClipGradNorm_([Tensor.Zeros([2], requiresGrad: true)], 1.0);
        Assert.Equal(0.0, total.Item());
    }
}
