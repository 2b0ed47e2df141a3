using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Elementwise;

/// <summary>
/// Hessian-vector products of the unary ops, activations, softmax and max/min against libtorch in the same
/// process (CrossCheck.CompareHvp), float32 and float64. Special inputs (NaN, ±∞) and ties reach the masks of
/// relu, clamp, abs and max/min, whose gradients must be selected, not multiplied, as in PyTorch.
/// </summary>
[Collection(OracleCollection.Name)]
public class UnaryOpsHvpOracleTests
{
    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
    {
        static Case C(string op, string config, params Input[] inputs) => new(op, config, [config], inputs);
        static Input N(params int[] s) => new(s);
        static Input P(params int[] s) => new(s, Data.Positive);
        static Input S(params int[] s) => new(s, Data.Special);
        static Input T(params int[] s) => new(s, Data.Ties);
        yield return (C("Exp", "plain", N(2, 3)), (e, x) => e.Exp(x[0]));
        yield return (C("Exp", "of product", N(3), N(2, 3)), (e, x) => e.Exp(e.Mul(x[0], x[1])));
        yield return (C("Exp", "special", S(4, 5)), (e, x) => e.Exp(x[0]));
        yield return (C("Log", "positive", P(2, 3)), (e, x) => e.Log(x[0]));
        yield return (C("Log", "times other", P(4), N(4)), (e, x) => e.Mul(e.Log(x[0]), x[1]));
        yield return (C("Sqrt", "positive", P(2, 3)), (e, x) => e.Sqrt(x[0]));
        yield return (C("Sqrt", "special", S(4, 5)), (e, x) => e.Sqrt(x[0]));
        // The "plain" cases feed a constant upstream gradient: whether the gradient requires grad must agree too.
        yield return (C("Abs", "plain", N(2, 3)), (e, x) => e.Abs(x[0]));
        yield return (C("Clamp", "plain", N(2, 3)), (e, x) => e.Clamp(x[0], -0.5, 0.5));
        yield return (C("Max", "all plain", N(2, 3)), (e, x) => e.Max(x[0]));
        yield return (C("Min", "dim plain", N(2, 3)), (e, x) => e.Min(x[0], 0).Values);
        yield return (C("Abs", "times x", N(2, 3)), (e, x) => e.Mul(e.Abs(x[0]), x[0]));
        yield return (C("Abs", "ties times x", T(3, 4)), (e, x) => e.Mul(e.Abs(x[0]), x[0]));
        yield return (C("Clamp", "both times x", N(3, 3)), (e, x) => e.Mul(e.Clamp(x[0], -0.5, 0.5), x[0]));
        yield return (C("Clamp", "min of product", N(2, 3), N(2, 3)), (e, x) => e.Clamp(e.Mul(x[0], x[1]), min: -0.2));
        yield return (C("Clamp", "max ties times x", T(4, 3)), (e, x) => e.Mul(e.Clamp(x[0], max: 1.0), x[0]));
        yield return (C("Clamp", "special", S(4, 5)), (e, x) => e.Mul(e.Clamp(x[0], -1.0, 1.0), x[0]));
        yield return (C("Relu", "times x", N(2, 4)), (e, x) => e.Mul(e.Relu(x[0]), x[0]));
        yield return (C("Relu", "plain", N(2, 4)), (e, x) => e.Relu(x[0]));
        yield return (C("Relu", "ties of product", T(3, 4), N(3, 4)), (e, x) => e.Relu(e.Mul(x[0], x[1])));
        yield return (C("Relu", "special times x", S(4, 5)), (e, x) => e.Mul(e.Relu(x[0]), x[0]));
        yield return (C("Sigmoid", "plain", N(2, 3)), (e, x) => e.Sigmoid(x[0]));
        yield return (C("Sigmoid", "of product", N(3), N(2, 3)), (e, x) => e.Sigmoid(e.Mul(x[0], x[1])));
        yield return (C("Tanh", "plain", N(2, 3)), (e, x) => e.Tanh(x[0]));
        yield return (C("Tanh", "of product times x", N(4), N(4)), (e, x) => e.Mul(e.Tanh(e.Mul(x[0], x[1])), x[0]));
        yield return (C("Softmax", "last dim", N(3, 4)), (e, x) => e.Softmax(x[0], 1));
        yield return (C("Softmax", "strided dim of product", N(2, 3, 2), N(2, 3, 2)), (e, x) => e.Softmax(e.Mul(x[0], x[1]), 1));
        yield return (C("Softmax", "dim 0", N(4, 2)), (e, x) => e.Softmax(x[0], 0));
        yield return (C("LogSoftmax", "last dim", N(3, 4)), (e, x) => e.LogSoftmax(x[0], -1));
        yield return (C("LogSoftmax", "strided dim of product", N(2, 3, 2), N(2, 3, 2)), (e, x) => e.LogSoftmax(e.Mul(x[0], x[1]), 1));
        yield return (C("Max", "all of square", N(3, 4)), (e, x) => e.Max(e.Mul(x[0], x[0])));
        yield return (C("Max", "all ties times sum", T(3, 4)), (e, x) => e.Mul(e.Max(x[0]), e.Sum(e.Mul(x[0], x[0]))));
        yield return (C("Min", "all of product", N(5), N(5)), (e, x) => e.Min(e.Mul(x[0], x[1])));
        yield return (C("Min", "all special times sum", S(4, 5)), (e, x) => e.Mul(e.Min(x[0]), e.Sum(x[0])));
        yield return (C("Max", "dim of square", N(3, 4)), (e, x) => e.Max(e.Mul(x[0], x[0]), 1).Values);
        yield return (C("Max", "dim 0 keepdim of product", N(3, 4), N(3, 4)), (e, x) => e.Max(e.Mul(x[0], x[1]), 0, keepDim: true).Values);
        yield return (C("Min", "strided dim ties of square", T(2, 3, 2)), (e, x) => e.Min(e.Mul(x[0], x[0]), 1).Values);
        yield return (C("Min", "dim keepdim of exp", N(2, 3)), (e, x) => e.Min(e.Exp(x[0]), -1, keepDim: true).Values);
        yield return (C("Softmax", "chain", N(2, 3), N(2, 3)), (e, x) => e.Sigmoid(e.Sum(e.Log(e.Softmax(e.Mul(e.Tanh(x[0]), x[1]), 1)), [1])));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Items());
}
