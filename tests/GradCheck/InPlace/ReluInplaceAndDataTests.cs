using Autograd.Nn;

namespace Autograd.Tests.InPlace;

/// <summary>F.relu(x, inplace=True), torch.relu_, nn.ReLU(inplace=True) and tensor.data.</summary>
public class ReluInplaceAndDataTests
{
    [Fact]
    public void ReluInplaceOverwritesAndReturnsTheInputWithReluBackward0()
    {
        // PyTorch: y = F.relu(a, inplace=True) is a itself, y.grad_fn is ReluBackward0, a._version is 1,
        // and d/dx sum(relu(2x)) = 2·[x > 0] (hand derivation).
        var x = Tensor.From([-1.0, 0.5, 2.0], requiresGrad: true);
        var a = x * 2;
        var y = F.Relu(a, inplace: true);
        Assert.Same(a, y);
        Assert.Equal([0.0, 1.0, 4.0], a.ToDoubleArray());
        Assert.Equal("ReluBackward0", a.GradFn!.Name);
        Assert.Equal(1, a.Version);
        y.Sum().Backward();
        Assert.Equal([0.0, 2.0, 2.0], x.Grad!.ToDoubleArray());
        Assert.Same(a, F.Relu_(a));
        Assert.Equal(2, a.Version);
    }

    [Fact]
    public void ReLUModuleInplacePrintsAndTrainsLikePyTorchs()
    {
        // PyTorch: repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)", repr(nn.ReLU()) == "ReLU()".
        Assert.Equal("ReLU(inplace=True)", new ReLU(inplace: true).ToString());
        Assert.Equal("ReLU()", new ReLU().ToString());
        var x = Tensor.From([-3.0, 1.5], requiresGrad: true);
        var h = x * 1;
        new ReLU(inplace: true).Forward(h).Sum().Backward();
        Assert.Equal([0.0, 1.5], h.ToDoubleArray());
        Assert.Equal([0.0, 1.0], x.Grad!.ToDoubleArray());
        // On a leaf that requires grad it is refused, as torch.relu_(leaf) is.
        Assert.Contains("a leaf Variable that requires grad", Assert.Throws<InvalidOperationException>(() => new ReLU(inplace: true).Forward(x)).Message);
    }

    [Fact]
    public void WritesThroughDataAreInvisibleToAutogradAsInPyTorch()
    {
        // PyTorch: y = x.sigmoid(); y.data.mul_(0) leaves y._version at 0, so backward runs with the changed
        // values (grad = y·(1 − y) = 0 here), where y.detach().mul_(0) would raise the version error.
        var x = Tensor.From([0.3, -0.2], requiresGrad: true);
        var y = x.Sigmoid();
        Assert.False(y.Data.RequiresGrad);
        y.Data.Mul_(0);
        Assert.Equal(0, y.Version);
        y.Sum().Backward();
        Assert.Equal([0.0, 0.0], x.Grad!.ToDoubleArray());

        var z = x.Sigmoid();
        z.Detach().Mul_(0);
        Assert.Equal(1, z.Version);
        Assert.Contains("modified by an inplace operation", Assert.Throws<InvalidOperationException>(() => z.Sum().Backward()).Message);
    }
}
