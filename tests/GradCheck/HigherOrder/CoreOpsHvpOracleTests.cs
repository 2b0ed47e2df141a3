using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.HigherOrder;

/// <summary>Hessian-vector products of the core ops against libtorch 2.10 in the same process (CrossCheck.CompareHvp).</summary>
[Collection(OracleCollection.Name)]
public class CoreOpsHvpOracleTests
{
    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
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
        yield return (C("View", "square", [2, 3, 2]), (e, x) => e.Mul(e.View(e.Mul(x[0], x[0]), [3, 4]), e.View(x[0], [3, 4])));
        yield return (C("Flatten", "dims 1..2", [2, 3, 2]), (e, x) => e.Mul(e.Flatten(x[0], 1), e.Flatten(x[0], 1)));
        yield return (C("Squeeze", "all", [2, 1, 3]), (e, x) => e.Mul(e.Squeeze(x[0]), e.Squeeze(e.Mul(x[0], x[0]))));
        yield return (C("Squeeze", "dim 1", [2, 1, 3]), (e, x) => e.Mul(e.Squeeze(x[0], 1), e.Squeeze(x[0], 1)));
        yield return (C("Unsqueeze", "dim 0", [2, 3]), (e, x) => e.Mul(e.Unsqueeze(x[0], 0), e.Unsqueeze(x[0], 0)));
        yield return (C("Transpose", "0 2", [2, 3, 4]), (e, x) => e.Mul(e.Transpose(x[0], 0, 2), e.Transpose(e.Mul(x[0], x[0]), 0, 2)));
        yield return (C("MaxPool2dWithIndices", "kernel 2 squared", [1, 2, 4, 6]), (e, x) => { var (y, _) = e.MaxPool2dWithIndices(x[0], 2); return e.Mul(y, y); });
        yield return (C("MaxPool2dWithIndices", "kernel 3 stride 2 padding 1 squared", [2, 1, 5, 5]), (e, x) => { var (y, _) = e.MaxPool2dWithIndices(x[0], 3, 2, 1); return e.Mul(y, y); });
        yield return (C("AdaptiveMaxPool2dWithIndices", "output 2x3 squared", [1, 2, 5, 7]), (e, x) => { var (y, _) = e.AdaptiveMaxPool2dWithIndices(x[0], new Pair(2, 3)); return e.Mul(y, y); });
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Items());
}
