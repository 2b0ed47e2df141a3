using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Reductions;

/// <summary>Hessian-vector products through the new reductions and pad modes against libtorch 2.10 (create_graph, then grad again).</summary>
[Collection(OracleCollection.Name)]
public class ReductionsHvpOracleTests
{
    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
    {
        static Case C(string op, string config, int[] shape, Data kind = Data.Normal) => new(op, config, [config], [new Input(shape, kind)]);
        yield return (C("Prod", "all", [2, 3]), (e, x) => e.Prod(x[0]));
        yield return (C("Prod", "dim 1", [3, 4]), (e, x) => e.Mul(e.Prod(x[0], 1), e.Prod(x[0], 1)));
        yield return (C("Prod", "dim 0 keepdim with zeros", [4, 3], Data.Ties), (e, x) => e.Mul(e.Prod(x[0], 0, true), x[0]));
        yield return (C("Prod", "all with zeros", [5], Data.Ties), (e, x) => e.Mul(e.Prod(x[0]), e.Sum(x[0])));
        yield return (C("Var", "all", [3, 4]), (e, x) => e.Mul(e.Var(x[0]), e.Var(x[0])));
        yield return (C("Var", "dims [0,2] correction 0", [2, 3, 4]), (e, x) => e.Mul(e.Var(x[0], [0, 2], 0), e.Sum(x[0], [0, 2])));
        yield return (C("Std", "all", [3, 4]), (e, x) => e.Std(x[0]));
        yield return (C("Std", "dim 1 keepdim", [3, 4]), (e, x) => e.Mul(e.Std(x[0], [1], 1, true), x[0]));
        foreach (var p in new[] { 2.0, 1, 3, 1.5, 0.5, double.PositiveInfinity, double.NegativeInfinity })
            yield return (C("Norm", $"p={p} dim 1", [3, 4]), (e, x) => e.Mul(e.Norm(x[0], p, [1]), e.Sum(x[0], [1])));
        yield return (C("Norm", "p=2 all", [6]), (e, x) => e.Norm(x[0]));
        yield return (C("Logsumexp", "dims [0,2]", [2, 3, 4]), (e, x) => e.Mul(e.Logsumexp(x[0], [0, 2]), e.Logsumexp(x[0], [0, 2])));
        yield return (C("Logsumexp", "dim 1 keepdim", [3, 4]), (e, x) => e.Mul(e.Logsumexp(x[0], [1], true), x[0]));
        yield return (C("Cumsum", "dim 1 squared", [3, 4]), (e, x) => e.Mul(e.Cumsum(x[0], 1), e.Cumsum(x[0], 1)));
        foreach (var mode in new[] { "reflect", "replicate", "circular" })
        {
            yield return (C("Pad", $"{mode} 1-d squared", [2, 5]), (e, x) => e.Mul(e.Pad(x[0], [2, 3], mode), e.Pad(x[0], [2, 3], mode)));
            yield return (C("Pad", $"{mode} 2-d squared", [1, 2, 3, 4]), (e, x) => { var y = e.Pad(e.Mul(x[0], x[0]), [1, 2, 2, 1], mode); return e.Mul(y, y); });
            yield return (C("Pad", $"{mode} 3-d squared", [1, 2, 3, 3, 3]), (e, x) => { var y = e.Pad(x[0], [1, 1, 2, 0, 0, 2], mode); return e.Mul(y, y); });
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Items());
}
