using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Reductions;

/// <summary>Error agreement: each configuration is rejected by both engines (ours naming the op) or accepted by both and compared.</summary>
[Collection(OracleCollection.Name)]
public class ReductionsErrorOracleTests
{
    private static (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F) E(
        string op, string why, int[] shape, Func<IOracleBackend, OracleTensor[], OracleTensor> f) => (op, why, [new Input(shape)], f);

    private static readonly (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[] Configs =
    [
        E("Prod", "dim out of range", [2, 3], (e, x) => e.Prod(x[0], 2)),
        E("Prod", "negative dim out of range", [2, 3], (e, x) => e.Prod(x[0], -3)),
        E("Prod", "valid: dim -1 of a 0-dim tensor", [], (e, x) => e.Prod(x[0], -1)),
        E("Var", "dim out of range", [2, 3], (e, x) => e.Var(x[0], [2])),
        E("Var", "dim repeated", [2, 3], (e, x) => e.Var(x[0], [1, -1])),
        E("Var", "valid: one element, NaN", [1], (e, x) => e.Var(x[0])),
        E("Var", "valid: a dim of size 1, NaN", [3, 1], (e, x) => e.Var(x[0], [1])),
        E("Std", "dim out of range", [2, 3], (e, x) => e.Std(x[0], [-3], 0)),
        E("Std", "valid: 0-dim", [], (e, x) => e.Std(x[0], 0)),
        E("Norm", "dim out of range", [2, 3], (e, x) => e.Norm(x[0], 2, [3])),
        E("Norm", "dim repeated", [2, 3], (e, x) => e.Norm(x[0], 1, [0, -2])),
        E("Norm", "inf norm of an empty tensor", [0, 3], (e, x) => e.Norm(x[0], double.PositiveInfinity)),
        E("Norm", "-1 norm over an empty dim", [0, 3], (e, x) => e.Norm(x[0], -1, [0])),
        E("Norm", "valid: 2-norm of an empty tensor", [0, 3], (e, x) => e.Norm(x[0])),
        E("Norm", "valid: inf norm over a nonempty dim of an empty tensor", [0, 3], (e, x) => e.Norm(x[0], double.PositiveInfinity, [1])),
        E("Logsumexp", "dim out of range", [2, 3], (e, x) => e.Logsumexp(x[0], [2])),
        E("Logsumexp", "dim repeated", [2, 3], (e, x) => e.Logsumexp(x[0], [0, 0])),
        E("Logsumexp", "valid: empty dim", [0, 3], (e, x) => e.Logsumexp(x[0], [0])),
        E("Cumsum", "dim out of range", [2, 3], (e, x) => e.Cumsum(x[0], 2)),
        E("Cumsum", "dim 1 of a 0-dim tensor", [], (e, x) => e.Cumsum(x[0], 1)),
        E("Pad", "reflect: padding equal to the size", [1, 2, 4], (e, x) => e.Pad(x[0], [4, 0], "reflect")),
        E("Pad", "reflect: right padding too large", [1, 2, 4], (e, x) => e.Pad(x[0], [1, 5], "reflect")),
        E("Pad", "reflect 2-d: height padding too large", [1, 2, 3, 4], (e, x) => e.Pad(x[0], [1, 1, 3, 0], "reflect")),
        E("Pad", "valid: reflect padding size − 1", [1, 2, 4], (e, x) => e.Pad(x[0], [3, 3], "reflect")),
        E("Pad", "reflect: output too small", [1, 2, 4], (e, x) => e.Pad(x[0], [-2, -2], "reflect")),
        E("Pad", "replicate: output too small", [1, 2, 4], (e, x) => e.Pad(x[0], [-3, -1], "replicate")),
        E("Pad", "reflect: empty non-batch dim", [2, 0, 4], (e, x) => e.Pad(x[0], [1, 1], "reflect")),
        E("Pad", "replicate: empty last dim", [2, 3, 0], (e, x) => e.Pad(x[0], [1, 1], "replicate")),
        E("Pad", "circular: wraps more than once", [1, 2, 3], (e, x) => e.Pad(x[0], [4, 0], "circular")),
        E("Pad", "circular: negative size", [1, 2, 3], (e, x) => e.Pad(x[0], [-2, -2], "circular")),
        E("Pad", "valid: circular padding equal to the size", [1, 2, 3], (e, x) => e.Pad(x[0], [3, 3], "circular")),
        E("Pad", "valid: circular cropped to empty", [1, 2, 3], (e, x) => e.Pad(x[0], [-2, -1], "circular")),
        E("Pad", "reflect of a 1-d input", [5], (e, x) => e.Pad(x[0], [1, 1], "reflect")),
        E("Pad", "replicate of the last dim of a 4-d input", [1, 2, 3, 4], (e, x) => e.Pad(x[0], [1, 1], "replicate")),
        E("Pad", "circular 2-d of a 2-d input", [3, 4], (e, x) => e.Pad(x[0], [1, 1, 1, 1], "circular")),
        E("Pad", "reflect 3-d of a 3-d input", [3, 4, 5], (e, x) => e.Pad(x[0], [1, 1, 1, 1, 1, 1], "reflect")),
        E("Pad", "odd padding length", [1, 2, 4], (e, x) => e.Pad(x[0], [1, 1, 1], "reflect")),
        E("Pad", "padding longer than twice the rank", [2, 4], (e, x) => e.Pad(x[0], [1, 1, 1, 1, 1, 1], "replicate")),
        E("Pad", "reflect with a value", [1, 2, 4], (e, x) => e.Pad(x[0], [1, 1], "reflect", 2)),
        E("Pad", "valid: constant mode through the mode overload", [2, 4], (e, x) => e.Pad(x[0], [1, -1, 2, 0], "constant", 1.5)),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ReductionsAndPadModesRejectExactlyWhatLibtorchRejects(DType dtype)
    {
        CrossCheck.AllAgree(dtype, Configs);
    }

    [Fact]
    public void OurMessagesCarryPyTorchsKeyPhrases()
    {
        var x = Tensor.Randn([1, 2, 4], DType.Float64);
        Assert.Contains("Padding size should be less than the corresponding input dimension", Assert.Throws<ArgumentException>(() => F.Pad(x, [4, 0], "reflect")).Message);
        Assert.Contains("Padding value causes wrapping around more than once", Assert.Throws<ArgumentException>(() => F.Pad(x, [5, 0], "circular")).Message);
        Assert.Contains("doesn't take in value argument", Assert.Throws<ArgumentException>(() => F.Pad(x, [1, 0], "replicate", 1)).Message);
        Assert.Contains("Unrecognised padding mode", Assert.Throws<ArgumentException>(() => F.Pad(x, [1, 0], "mirror")).Message);
        Assert.Contains("Dimension out of range", Assert.Throws<ArgumentOutOfRangeException>(() => F.Cumsum(x, 3)).Message);
    }
}
