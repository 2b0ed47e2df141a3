using Autograd.Nn;

namespace Autograd.Tests.Ops.Elementwise;

/// <summary>The torch.nn activation modules: each is its F function with its options, with PyTorch's repr.</summary>
public class ActivationModuleTests
{
    public static TheoryData<string> Names => new(Modules.Keys);

    // name → (module, the F call it stands for, PyTorch 2.x's repr of the same module)
    private static readonly Dictionary<string, (Module M, Func<Tensor, Tensor> F, string Repr)> Modules = new()
    {
        ["GELU"] = (new GELU(), t => F.Gelu(t), "GELU(approximate='none')"),
        ["GELU tanh"] = (new GELU("tanh"), t => F.Gelu(t, "tanh"), "GELU(approximate='tanh')"),
        ["LeakyReLU"] = (new LeakyReLU(), t => F.LeakyRelu(t), "LeakyReLU(negative_slope=0.01)"),
        ["LeakyReLU 0.2"] = (new LeakyReLU(0.2), t => F.LeakyRelu(t, 0.2), "LeakyReLU(negative_slope=0.2)"),
        ["ELU"] = (new ELU(), t => F.Elu(t), "ELU(alpha=1.0)"),
        ["ELU 0.5"] = (new ELU(0.5), t => F.Elu(t, 0.5), "ELU(alpha=0.5)"),
        ["SiLU"] = (new SiLU(), F.Silu, "SiLU()"),
        ["Hardtanh"] = (new Hardtanh(), t => F.Hardtanh(t), "Hardtanh(min_val=-1.0, max_val=1.0)"),
        ["Hardtanh 0..6"] = (new Hardtanh(0, 6), t => F.Hardtanh(t, 0, 6), "Hardtanh(min_val=0.0, max_val=6.0)"),
        ["Softplus"] = (new Softplus(), t => F.Softplus(t), "Softplus(beta=1.0, threshold=20.0)"),
        ["Softplus 2, 1e-05"] = (new Softplus(2, 1e-5), t => F.Softplus(t, 2, 1e-5), "Softplus(beta=2.0, threshold=1e-05)"),
        ["LogSigmoid"] = (new LogSigmoid(), F.LogSigmoid, "LogSigmoid()"),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void ModulesAreTheirFunctionsWithPyTorchsRepr(string name)
    {
        var (m, f, repr) = Modules[name];
        var x = TestData.Randn([3, 4], 1900);
        var y = m.Forward(x);
        Assert.Equal(f(x).ToDoubleArray(), y.ToDoubleArray());
        Assert.True(y.RequiresGrad);
        Assert.Empty(m.Parameters());
        Assert.Equal(repr, m.ToString());
    }

    [Fact]
    public void InvalidOptionsAreRejectedWhenTheModuleIsBuilt()
    {
        Assert.Contains("approximate argument must be either none or tanh", Assert.Throws<ArgumentException>(() => new GELU("fast")).Message);
        Assert.Contains("min_val cannot be greater than max_val", Assert.Throws<ArgumentException>(() => new Hardtanh(2, 1)).Message);
    }
}
