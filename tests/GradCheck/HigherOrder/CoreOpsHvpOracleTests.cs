using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.HigherOrder;

/// <summary>Hessian-vector products of the core ops against libtorch 2.10 in the same process (CrossCheck.CompareHvp).</summary>
[Collection(OracleCollection.Name)]
public class CoreOpsHvpOracleTests
{
    private static IEnumerable<(Case, Func<IEngine, EngineTensor[], EngineTensor>)> Items()
    {
        static Case C(string op, string config, params int[][] shapes) => new(op, config, [config], shapes.Select(s => new Input(s)).ToArray());
        yield return (C("Add", "broadcast", [2, 3], [3]), (e, x) => e.Mul(e.Add(x[0], x[1]), e.Add(x[0], x[1])));
        yield return (C("Sub", "broadcast", [2, 1], [1, 3]), (e, x) => e.Mul(e.Sub(x[0], x[1]), x[0]));
        yield return (C("Mul", "broadcast", [2, 3], [2, 1]), (e, x) => e.Mul(e.Mul(x[0], x[1]), x[0]));
        yield return (C("Div", "tensor", [3], [3]), (e, x) => e.Div(x[0], e.Add(e.Mul(x[1], x[1]), 1.0)));
        yield return (C("Neg", "square", [4]), (e, x) => e.Neg(e.Mul(x[0], x[0])));
        yield return (C("Pow", "exponent 3", [5]), (e, x) => e.Pow(x[0], 3));
        yield return (C("Sum", "dims", [2, 3, 2]), (e, x) => e.Sum(e.Mul(x[0], x[0]), [1]));
        yield return (C("Mean", "dims keepdim", [2, 3, 2]), (e, x) => e.Mean(e.Mul(x[0], x[0]), [0, 2], keepDim: true));
        yield return (C("Reshape", "square", [2, 3]), (e, x) => e.Reshape(e.Mul(x[0], x[0]), [6]));
        yield return (C("Permute", "square", [2, 3, 4]), (e, x) => e.Permute(e.Mul(x[0], x[0]), [2, 0, 1]));
        yield return (C("Pad", "square", [2, 3]), (e, x) => e.Pad(e.Mul(x[0], x[0]), [1, 2, 0, 1], 0.5));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Items());
}
