using Autograd.Oracle;

namespace Autograd.Tests.Oracle;

/// <summary>
/// Error agreement for the foundation's ops: each configuration is rejected by both engines or
/// accepted by both (and then compared). Ours must reject with an ArgumentException naming the op.
/// </summary>
[Collection(OracleCollection.Name)]
public class CoreErrorOracleTests
{
    private static (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F) E(
        string op, string why, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f) => (op, why, inputs, f);

    private static Input[] X(params int[][] shapes) => shapes.Select(s => new Input(s)).ToArray();

    private static readonly (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[] Configs =
    [
        E("Add", "shapes do not broadcast", X([2, 3], [4]), (e, x) => x[0] + x[1]),
        E("Mul", "shapes do not broadcast", X([2, 3], [3, 2]), (e, x) => x[0] * x[1]),
        E("Sub", "valid: broadcast to a larger rank", X([3], [2, 1, 3]), (e, x) => x[0] - x[1]),
        E("Div", "shapes do not broadcast", X([5, 1], [2, 5, 4]), (e, x) => x[0] / x[1]),
        E("Sum", "dim out of range", X([2, 3]), (e, x) => e.Sum(x[0], [2])),
        E("Sum", "dim repeated", X([2, 3]), (e, x) => e.Sum(x[0], [1, -1])),
        E("Sum", "valid: negative dim", X([2, 3]), (e, x) => e.Sum(x[0], [-2])),
        E("Mean", "dim out of range", X([2, 3]), (e, x) => e.Mean(x[0], [-3])),
        E("Mean", "dim 0 of a 0-dim tensor", [new Input([])], (e, x) => e.Mean(x[0], [0])),
        E("Mean", "dim 1 of a 0-dim tensor", [new Input([])], (e, x) => e.Mean(x[0], [1])),
        E("Max", "dim out of range", X([2, 3]), (e, x) => e.Max(x[0], 2).Values),
        E("Min", "dim out of range", X([2, 3]), (e, x) => e.Min(x[0], -3).Values),
        E("Max", "valid: dim 0 of a 0-dim tensor", [new Input([])], (e, x) => e.Max(x[0], 0).Values),
        E("Reshape", "wrong element count", X([2, 3]), (e, x) => e.Reshape(x[0], [4, 2])),
        E("Reshape", "two inferred dims", X([2, 3]), (e, x) => e.Reshape(x[0], [-1, -1])),
        E("Reshape", "inferred dim does not divide", X([2, 3]), (e, x) => e.Reshape(x[0], [4, -1])),
        E("Reshape", "negative dim other than -1", X([2, 3]), (e, x) => e.Reshape(x[0], [-2, -3])),
        E("View", "wrong element count", X([2, 3]), (e, x) => e.View(x[0], [7])),
        E("Flatten", "start after end", X([2, 3, 4]), (e, x) => e.Flatten(x[0], 2, 1)),
        E("Flatten", "dim out of range", X([2, 3, 4]), (e, x) => e.Flatten(x[0], 0, 3)),
        E("Permute", "too few dims", X([2, 3, 4]), (e, x) => e.Permute(x[0], [0, 1])),
        E("Permute", "repeated dim", X([2, 3, 4]), (e, x) => e.Permute(x[0], [0, 1, 1])),
        E("Permute", "dim out of range", X([2, 3]), (e, x) => e.Permute(x[0], [0, 2])),
        E("Transpose", "dim out of range", X([2, 3]), (e, x) => e.Transpose(x[0], 0, 2)),
        E("Unsqueeze", "dim out of range", X([2, 3]), (e, x) => e.Unsqueeze(x[0], 3)),
        E("Unsqueeze", "negative dim out of range", X([2, 3]), (e, x) => e.Unsqueeze(x[0], -4)),
        E("Squeeze", "dim out of range", X([2, 1]), (e, x) => e.Squeeze(x[0], 2)),
        E("Matmul", "inner dims differ", X([2, 3], [4, 5]), (e, x) => e.Matmul(x[0], x[1])),
        E("Matmul", "1-D lengths differ", X([3], [4]), (e, x) => e.Matmul(x[0], x[1])),
        E("Matmul", "0-dim operand", X([], [3]), (e, x) => e.Matmul(x[0], x[1])),
        E("Matmul", "batch dims do not broadcast", X([2, 3, 4], [3, 4, 5]), (e, x) => e.Matmul(x[0], x[1])),
        E("Linear", "in_features differ", X([4, 6], [5, 7]), (e, x) => e.Linear(x[0], x[1])),
        E("Linear", "bias of the wrong size", X([4, 6], [5, 6], [4]), (e, x) => e.Linear(x[0], x[1], x[2])),
        E("Softmax", "dim out of range", X([2, 3]), (e, x) => e.Softmax(x[0], 2)),
        E("LogSoftmax", "dim out of range", X([2, 3]), (e, x) => e.LogSoftmax(x[0], -3)),
        E("Softmax", "valid: dim -1 of a 0-dim tensor", [new Input([])], (e, x) => e.Softmax(x[0], -1)),
        E("CrossEntropy", "target out of range", X([3, 4]), (e, x) => e.CrossEntropy(x[0], [0, 4, 1])),
        E("CrossEntropy", "negative target", X([3, 4]), (e, x) => e.CrossEntropy(x[0], [0, -1, 1])),
        E("CrossEntropy", "batch size mismatch", X([3, 4]), (e, x) => e.CrossEntropy(x[0], [0, 1])),
        E("CrossEntropy", "valid: all targets ignored", X([3, 4]), (e, x) => e.CrossEntropy(x[0], [-100, -100, -100])),
        E("CrossEntropy", "valid: all targets ignored, sum", X([3, 4]), (e, x) => e.CrossEntropy(x[0], [-100, -100, -100], Reduction.Sum)),
        E("MseLoss", "shapes do not broadcast", X([3, 2], [3]), (e, x) => e.MseLoss(x[0], x[1])),
        E("MseLoss", "valid: shapes broadcast", X([3, 1], [3]), (e, x) => e.MseLoss(x[0], x[1])),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CoreOpsRejectExactlyWhatLibtorchRejects(DType dtype)
    {
        CrossCheck.AllAgree(dtype, Configs);
    }
}
