using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Contract;

/// <summary>
/// The same graph run through our engine and through libtorch's (TorchSharp): multi-root backward,
/// backward to named inputs (a non-leaf among them), retain_grad, grad with several outputs and unused
/// inputs. Expected values are libtorch's. TorchSharp has no register_hook, so hooks are checked by hand
/// derivation in the other files.
/// </summary>
[Collection(OracleCollection.Name)]
public class LibtorchContractTests
{
    // h = tanh(x·w), y = Σ exp(h)·x, z = Σ h²·w.
    private sealed class Ours
    {
        public readonly Tensor X, W, H, Y, Z;
        public Ours(int seed)
        {
            X = Tensor.Randn([2, 3], DType.Float64, requiresGrad: true, generator: new Generator(seed));
            W = Tensor.Randn([2, 3], DType.Float64, requiresGrad: true, generator: new Generator(seed + 1));
            H = (X * W).Tanh();
            Y = (H.Exp() * X).Sum();
            Z = (H * H * W).Sum();
        }
    }

    private sealed class Theirs : IDisposable
    {
        public readonly TorchApi.Tensor X, W, H, Y, Z;
        public Theirs(Ours o)
        {
            X = o.X.ToTorch();
            W = o.W.ToTorch();
            H = (X * W).tanh();
            Y = (H.exp() * X).sum();
            Z = (H * H * W).sum();
        }

        public void Dispose() { foreach (var t in new[] { X, W, H, Y, Z }) t.Dispose(); }
    }

    private static double[] Read(TorchApi.Tensor? t)
    {
        Assert.NotNull(t);
        return TorchConversions.ReadDoubles(t!);
    }

    // PyTorch: test_autograd.py::test_multi_backward / test_dependent_backward, against libtorch.
    [Fact]
    public void MultiRootBackwardMatchesLibtorch()
    {
        OracleFixture.RequireOracle();
        var o = new Ours(61);
        using var t = new Theirs(o);
        Grad.Backward([o.Y, o.Z]);
        TorchApi.autograd.backward([t.Y, t.Z]);
        TestData.AssertClose(Read(t.X.grad), o.X.Grad!);
        TestData.AssertClose(Read(t.W.grad), o.W.Grad!);
    }

    // PyTorch: test_autograd.py::test_backward_with_nonleaf_inputs, against libtorch: only the named
    // inputs accumulate, the non-leaf h included, and x gets nothing.
    [Fact]
    public void BackwardToNamedInputsWithANonLeafMatchesLibtorch()
    {
        OracleFixture.RequireOracle();
        var o = new Ours(63);
        using var t = new Theirs(o);
        Grad.Backward([o.Y, o.Z], inputs: [o.W, o.H]);
        TorchApi.autograd.backward([t.Y, t.Z], inputs: [t.W, t.H]);
        TestData.AssertClose(Read(t.W.grad), o.W.Grad!);
        TestData.AssertClose(Read(t.H.grad), o.H.Grad!);
        Assert.Null(t.X.grad);
        Assert.Null(o.X.Grad);
    }

    // PyTorch: test_autograd.py::test_retain_grad, against libtorch: the retained gradient of h
    // accumulates over two backward passes.
    [Fact]
    public void RetainGradAccumulatesLikeLibtorch()
    {
        OracleFixture.RequireOracle();
        var o = new Ours(65);
        using var t = new Theirs(o);
        o.H.RetainGrad();
        t.H.retain_grad();
        for (int i = 0; i < 2; i++)
        {
            o.Y.Backward(retainGraph: true);
            t.Y.backward(retain_graph: true);
        }
        TestData.AssertClose(Read(t.H.grad), o.H.Grad!);
        TestData.AssertClose(Read(t.X.grad), o.X.Grad!);
    }

    // PyTorch: torch.autograd.grad with several outputs, their gradients, a non-leaf input and an unused
    // input (allow_unused), against libtorch; .grad is untouched.
    [Fact]
    public void GradComputeWithSeveralOutputsMatchesLibtorch()
    {
        OracleFixture.RequireOracle();
        var o = new Ours(67);
        using var t = new Theirs(o);
        var unused = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        using var tUnused = unused.ToTorch();
        var gy = Tensor.Scalar(0.5, DType.Float64);
        var gz = Tensor.Scalar(-2, DType.Float64);
        using var tgy = gy.ToTorch();
        using var tgz = gz.ToTorch();
        var ours = Grad.Compute([o.Y, o.Z], [o.H, o.X, unused], [gy, gz], allowUnused: true);
        var theirs = TorchApi.autograd.grad([t.Y, t.Z], [t.H, t.X, tUnused], [tgy, tgz], allow_unused: true);
        TestData.AssertClose(Read(theirs[0]), ours[0]!);
        TestData.AssertClose(Read(theirs[1]), ours[1]!);
        Assert.Null(ours[2]);
        Assert.False(theirs[0].IsInvalid);
        Assert.True(theirs[2].IsInvalid);   // libtorch: an undefined tensor (None)
        Assert.Null(o.X.Grad);
        Assert.Null(t.X.grad);
    }
}
