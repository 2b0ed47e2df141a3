using Autograd.Nn;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Bridge;

/// <summary>Parameters copied by name between our modules and TorchSharp's: the same weights give the same outputs.</summary>
[Collection(OracleCollection.Name)]
public class TorchModulesTests
{
    private static Sequential Ours() => new(new Linear(4, 3, dtype: DType.Float64), new ReLU(), new Linear(3, 2, dtype: DType.Float64));

    // TorchSharp names a Sequential's children "0", "1", "2" like PyTorch; so do we.
    private static TorchApi.nn.Module<TorchApi.Tensor, TorchApi.Tensor> Theirs() => TorchApi.nn.Sequential(
        ("0", TorchApi.nn.Linear(4, 3, dtype: TorchApi.ScalarType.Float64)), ("1", TorchApi.nn.ReLU()),
        ("2", TorchApi.nn.Linear(3, 2, dtype: TorchApi.ScalarType.Float64)));

    [Fact]
    public void CopyToMakesTheTorchSharpModuleComputeOurOutputs()
    {
        var ours = Ours();
        using var theirs = Theirs();
        ours.CopyTo(theirs);
        var x = Tensor.Randn([5, 4], DType.Float64);
        using var tx = x.ToTorch();
        using var ty = theirs.call(tx);
        Assert.Equal(ours.Forward(x).ToDoubleArray(), TorchConversions.ReadDoubles(ty), new Close(1e-12));
    }

    [Fact]
    public void CopyFromTakesTheTorchSharpModulesWeights()
    {
        var ours = Ours();
        using var theirs = Theirs();
        ours.CopyFrom(theirs);
        foreach (var (name, p) in theirs.named_parameters())
            Assert.Equal(TorchConversions.ReadDoubles(p), ours.NamedParameters().Single(q => q.Name == name).Parameter.Data.ToDoubleArray());
        var x = Tensor.Randn([5, 4], DType.Float64);
        using var tx = x.ToTorch();
        using var ty = theirs.call(tx);
        Assert.Equal(TorchConversions.ReadDoubles(ty), ours.Forward(x).ToDoubleArray(), new Close(1e-12));
    }

    [Fact]
    public void MismatchedNamesOrShapesCopyNothingAndListEveryDifference()
    {
        var ours = new Sequential(new Linear(4, 3, dtype: DType.Float64), new ReLU(), new Linear(3, 5, dtype: DType.Float64));
        var before = ours.Parameters().Select(p => p.Data.ToDoubleArray()).ToList();
        using var theirs = TorchApi.nn.Sequential(("0", TorchApi.nn.Linear(4, 3, dtype: TorchApi.ScalarType.Float64)), ("1", TorchApi.nn.ReLU()),
            ("3", TorchApi.nn.Linear(3, 5, dtype: TorchApi.ScalarType.Float64)));
        var e = Assert.Throws<ArgumentException>(() => ours.CopyFrom(theirs));
        Assert.Contains("CopyFrom", e.Message);
        Assert.Contains("only in ours: 2.weight, 2.bias", e.Message);
        Assert.Contains("only in the TorchSharp module: 3.weight, 3.bias", e.Message);
        Assert.Equal(before, ours.Parameters().Select(p => p.Data.ToDoubleArray()).ToList());

        using var wrong = TorchApi.nn.Sequential(("0", TorchApi.nn.Linear(4, 3, dtype: TorchApi.ScalarType.Float64)), ("1", TorchApi.nn.ReLU()),
            ("2", TorchApi.nn.Linear(3, 2, dtype: TorchApi.ScalarType.Float64)));
        e = Assert.Throws<ArgumentException>(() => ours.CopyTo(wrong));
        Assert.Contains("'2.weight' is [5, 3] in ours but [2, 3] in the TorchSharp module", e.Message);
    }

    private sealed class Close(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol * Math.Max(1, Math.Abs(b));
        public int GetHashCode(double v) => 0;
    }
}
