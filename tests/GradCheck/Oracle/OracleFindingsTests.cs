namespace Autograd.Tests.Oracle;

/// <summary>
/// Disagreements the libtorch cross-checks found in our ops, pinned without libtorch so they stay
/// fixed whatever the oracle does. Expected behaviour from PyTorch (1.13's python3-torch where a comment
/// says so; libtorch 2.10 through TorchSharp since the oracle moved there, docs/oracle.md).
/// </summary>
public class OracleFindingsTests
{
    // libtorch 2.10 (through TorchSharp): F.pad(zeros(2, 2), (-1, -1, 1, 0)) returns shape (3, 0) (1.13
    // raised "... resulted in a negative output size ..." for a dim emptied while another pad is positive),
    // F.pad(zeros(2, 4), (-2, -2)) returns (2, 0), F.pad(zeros(2, 3), (2, -3)) returns (2, 2), and
    // F.pad(zeros(2, 3), (1, -4)) raises (the crop by -4 alone leaves a negative size).
    [Fact]
    public void PadAllowsAnEmptyDimAndRejectsACropBelowZero()
    {
        Assert.Equal([3, 0], F.Pad(Tensor.Zeros([2, 2]), [-1, -1, 1, 0]).Shape.ToArray());
        Assert.Equal([2, 0], F.Pad(Tensor.Zeros([2, 4]), [-2, -2]).Shape.ToArray());
        Assert.Equal([2, 2], F.Pad(Tensor.Zeros([2, 3]), [2, -3]).Shape.ToArray());
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros([2, 3]), [1, -4]));
        Assert.Contains("negative output size", e.Message);
        var x = Tensor.Ones([2, 2], DType.Float64).RequiresGrad_();
        F.Pad(x, [-1, -1, 1, 0]).Sum().Backward();
        Assert.Equal([0.0, 0, 0, 0], x.Grad!.ToDoubleArray());
    }

    // Found by an AUTOGRAD_SWEEP run (Note [Opt-in sweeps]).
    [Fact]
    public void LpPool2dWindowWithNaNGivesNaNButSendsNoGradient()
    {
        // libtorch 1.13's sign(NaN) is 0, so lp_pool2d's sign(out) · relu(|out|) is NaN forward but passes
        // no gradient back for a NaN window; an infinite window (sign 1) still passes it. By hand (p = 1
        // is sum pooling: each finite or +inf window sends 1 to each of its cells), and PyTorch agrees:
        // lp_pool2d(x, 1, 2, 1) = [[nan, nan], [18, inf]], x.grad = [[0, 0, 0], [1, 2, 1], [1, 2, 1]].
        var x = Tensor.From([1, double.NaN, 2, 3, 4, double.PositiveInfinity, 5, 6, 7], [1, 1, 3, 3], requiresGrad: true);
        var y = F.LpPool2d(x, 1, 2, 1);
        Assert.Equal([double.NaN, double.NaN, 18, double.PositiveInfinity], y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal([0.0, 0, 0, 1, 2, 1, 1, 2, 1], x.Grad!.ToDoubleArray());
    }

    // x = torch.tensor([nan, -1., 0., 2.], requires_grad=True); x.relu().backward(torch.ones(4))
    // gives x.grad = [1., 0., 0., 1.]: threshold_backward passes the gradient where the output is NaN.
    [Fact]
    public void ReluPassesTheGradientThroughNaN()
    {
        var x = Tensor.From([double.NaN, -1, 0, 2], requiresGrad: true);
        F.Relu(x).Backward(Tensor.Ones([4], DType.Float64));
        Assert.Equal([1.0, 0, 0, 1], x.Grad!.ToDoubleArray());
    }

    // x = torch.tensor([-inf, inf, 4., 0.], dtype=torch.float64, requires_grad=True); x.pow(0.5).backward(torch.ones(4))
    // gives x.grad = [nan, 0., 0.25, inf] (the backward's x^-0.5 is rsqrt, and rsqrt(-inf) is NaN);
    // x.pow(-0.5) gives [nan, 0., 0.5, inf] and x.pow(-1) gives [-0., 0., 0.25, inf].
    [Fact]
    public void PowUsesPyTorchsSpecialisedPathsForHalfIntegerAndReciprocalExponents()
    {
        var x = Tensor.From([double.NegativeInfinity, double.PositiveInfinity, 4, 0], requiresGrad: true);
        F.Pow(x, 0.5).Backward(Tensor.Ones([4], DType.Float64));
        Assert.Equal([double.NaN, 0, 0.25, double.PositiveInfinity], x.Grad!.ToDoubleArray());
        Assert.Equal([double.NaN, 0, 0.5, double.PositiveInfinity], F.Pow(x, -0.5).ToDoubleArray());
        Assert.Equal([-0.0, 0, 0.25, double.PositiveInfinity], F.Pow(x, -1).ToDoubleArray());
    }

    // torch.nn.functional.mse_loss(a, b) with a = [[1.], [2.], [3.]] (3, 1) and b = [1., 2., 4.] (3)
    // warns and broadcasts to (3, 3): loss 2.3333, a.grad = [-0.8889, -0.2222, 0.4444],
    // b.grad = [-0.6667, 0.0000, 1.3333].
    [Fact]
    public void MseLossBroadcastsLikePyTorch()
    {
        var a = Tensor.From([1.0, 2, 3], [3, 1], requiresGrad: true);
        var b = Tensor.From([1.0, 2, 4], [3], requiresGrad: true);
        var loss = F.MseLoss(a, b);
        Assert.Equal(21.0 / 9, loss.Item(), 12);
        loss.Backward();
        Assert.Equal([-8.0 / 9, -2.0 / 9, 4.0 / 9], a.Grad!.ToDoubleArray(), new Tolerant(1e-12));
        Assert.Equal([-6.0 / 9, 0, 12.0 / 9], b.Grad!.ToDoubleArray(), new Tolerant(1e-12));
    }

    // x = torch.tensor([0., 1., -2., nan], requires_grad=True); x.abs().backward(torch.tensor([nan, inf, inf, 1.]))
    // gives x.grad = [nan, inf, -inf, 0.]: abs's rule is dY * sgn(x), a product, so NaN/∞ times sgn(0) = 0 is NaN.
    [Fact]
    public void AbsMultipliesTheUpstreamGradientBySign()
    {
        var x = Tensor.From([0.0, 1, -2, double.NaN], requiresGrad: true);
        F.Abs(x).Backward(Tensor.From([double.NaN, double.PositiveInfinity, double.PositiveInfinity, 1]));
        Assert.Equal([double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0], x.Grad!.ToDoubleArray());
    }

    private sealed class Tolerant(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(double v) => 0;
    }
}
