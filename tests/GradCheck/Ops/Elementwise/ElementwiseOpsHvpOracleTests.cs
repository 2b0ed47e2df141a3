using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Elementwise;

/// <summary>
/// Hessian-vector products (gradient with create_graph, then the gradient of ⟨g, u⟩) of every new elementwise op
/// against libtorch, float32 and float64: plain (a constant upstream gradient: whether the gradient requires grad
/// must agree too), composed with a product (so the second derivative's cross terms appear), and with ±∞/NaN or
/// integer inputs where the rules have masks (kinks, ties, thresholds).
/// </summary>
[Collection(OracleCollection.Name)]
public class ElementwiseOpsHvpOracleTests
{
    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
    {
        static Case C(string op, string config, params Input[] inputs) => new(op, config, [config], inputs);
        static Input N(params int[] s) => new(s);
        static Input P(params int[] s) => new(s, Data.Positive);
        static Input S(params int[] s) => new(s, Data.Special);
        static Input T(params int[] s) => new(s, Data.Ties);

        foreach (var (op, kinds, f) in ElementwiseOpsOracleTests.Unary)
        {
            var plain = kinds.Contains(Data.Normal) ? Data.Normal : Data.Positive;
            yield return (C(op, "plain", new Input([2, 3], plain)), (e, x) => f(e, x[0]));
            yield return (C(op, "of product times x", new Input([4], plain), new Input([4], Data.Positive)), (e, x) => e.Mul(f(e, e.Mul(x[0], x[1])), x[0]));
            yield return (C(op, "times x, integer inputs", T(3, 4)), (e, x) => e.Mul(f(e, x[0]), x[0]));
            yield return (C(op, "special", new Input(ElementwiseOpsOracleTests.ShapesFor(op, Data.Special)[0], Data.Special)), (e, x) => f(e, x[0]));
        }
        foreach (var (beta, threshold) in new[] { (2.0, 20.0), (0.5, 1.0) })
            yield return (C("Softplus", $"beta {beta} threshold {threshold}", N(3, 4)), (e, x) => e.Mul(e.Softplus(e.Mul(x[0], 3.0), beta, threshold), x[0]));
        yield return (C("Gelu", "tanh plain", N(2, 3)), (e, x) => e.Gelu(x[0], "tanh"));
        yield return (C("Gelu", "tanh of product", N(4), N(4)), (e, x) => e.Gelu(e.Mul(x[0], x[1]), "tanh"));
        yield return (C("Gelu", "tanh special", S(4, 5)), (e, x) => e.Gelu(x[0], "tanh"));
        yield return (C("LeakyRelu", "slope 0.2 times x", N(2, 4)), (e, x) => e.Mul(e.LeakyRelu(x[0], 0.2), x[0]));
        yield return (C("Elu", "alpha 0.5 of product", N(4), N(4)), (e, x) => e.Elu(e.Mul(x[0], x[1]), 0.5));
        yield return (C("Hardtanh", "min -0.5 max 2 times x", N(3, 4)), (e, x) => e.Mul(e.Hardtanh(e.Mul(x[0], 2.0), -0.5, 2), x[0]));
        foreach (var (name, op) in new (string, Func<IOracleBackend, OracleTensor, OracleTensor, OracleTensor>)[] { ("Maximum", (e, a, b) => e.Maximum(a, b)), ("Minimum", (e, a, b) => e.Minimum(a, b)) })
        {
            yield return (C(name, "plain", N(2, 3), N(2, 3)), (e, x) => op(e, x[0], x[1]));
            yield return (C(name, "broadcast, squares", N(2, 3), N(3)), (e, x) => op(e, e.Mul(x[0], x[0]), e.Mul(x[1], x[1])));
            yield return (C(name, "ties times x", T(3, 4), T(3, 4)), (e, x) => e.Mul(op(e, x[0], x[1]), x[0]));
            yield return (C(name, "special times sum", S(4, 5), S(5)), (e, x) => e.Mul(op(e, x[0], x[1]), e.Sum(x[1])));
            yield return (C(name, "with itself", N(2, 3)), (e, x) => op(e, e.Mul(x[0], x[0]), e.Mul(x[0], x[0])));
        }
        yield return (C("Sin", "chain", N(2, 3), P(2, 3)), (e, x) => e.Silu(e.Maximum(e.Sin(e.Mul(x[0], x[1])), e.Log1p(x[1]))));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Items());
}
