using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Shape;

/// <summary>reshape/view, flatten, permute/transpose, unsqueeze/squeeze against libtorch.</summary>
[Collection(OracleCollection.Name)]
public class ShapeOracleTests
{
    private static (Case, Func<IOracleBackend, OracleTensor[], OracleTensor>) C(string op, int[] shape, string cfg, string tag, Func<IOracleBackend, OracleTensor, OracleTensor> f)
        => (new Case(op, $"[{string.Join(",", shape)}] {cfg}", [tag], [new Input(shape)]), (e, x) => f(e, x[0]));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ShapeOpsMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Cases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Cases()
    {
        foreach (var (shape, to) in new[] { (new[] { 2, 3, 4 }, new[] { 6, 4 }), ([2, 3, 4], [-1]), ([2, 3, 4], [4, -1, 2]), ([6], [1, 6, 1]), ([], [1]), ([1], []) })
        {
            yield return C("Reshape", shape, $"-> [{string.Join(",", to)}]", to.Contains(-1) ? "inferred dim (-1)" : "explicit shape", (e, x) => e.Reshape(x, to));
            yield return C("View", shape, $"-> [{string.Join(",", to)}]", to.Contains(-1) ? "inferred dim (-1)" : "explicit shape", (e, x) => e.View(x, to));
        }
        foreach (var (shape, s, en) in new[] { (new[] { 2, 3, 4, 5 }, 0, -1), ([2, 3, 4, 5], 1, -1), ([2, 3, 4, 5], 1, 2), ([2, 3, 4, 5], -3, -2), ([3], 0, -1), ([], 0, -1), ([2, 3], 1, 1) })
            yield return C("Flatten", shape, $"start {s} end {en}", s == 0 && en == -1 ? "default dims" : "start/end dims", (e, x) => e.Flatten(x, s, en));
        foreach (var (shape, dims) in new[] { (new[] { 2, 3, 4 }, new[] { 2, 0, 1 }), ([2, 3, 4], [0, 1, 2]), ([2, 3, 4, 5], [3, 1, 0, 2]), ([2, 3], [-1, -2]), ([], []) })
            yield return C("Permute", shape, $"[{string.Join(",", dims)}]", dims.Any(d => d < 0) ? "negative dims" : "dims", (e, x) => e.Permute(x, dims));
        foreach (var (shape, a, b) in new[] { (new[] { 2, 3 }, 0, 1), ([2, 3, 4], 0, 2), ([2, 3, 4], -1, 1), ([2, 3, 4], 1, 1), ([5], 0, 0) })
            yield return C("Transpose", shape, $"{a} {b}", a < 0 || b < 0 ? "negative dims" : "dims", (e, x) => e.Transpose(x, a, b));
        foreach (var (shape, d) in new[] { (new[] { 2, 3 }, 0), ([2, 3], 2), ([2, 3], -1), ([2, 3], -3), ([], 0) })
            yield return C("Unsqueeze", shape, $"dim {d}", d < 0 ? "negative dim" : "dim", (e, x) => e.Unsqueeze(x, d));
        foreach (var shape in new[] { new[] { 1, 3, 1, 2 }, [2, 3], [1], [] })
            yield return C("Squeeze", shape, "all", "all size-1 dims", (e, x) => e.Squeeze(x));
        foreach (var (shape, d) in new[] { (new[] { 1, 3, 1, 2 }, 0), ([1, 3, 1, 2], 2), ([1, 3, 1, 2], 1), ([1, 3, 1, 2], -2), ([], 0) })
            yield return C("Squeeze", shape, $"dim {d}", shape.Length > 0 && shape[(d + shape.Length) % shape.Length] != 1 ? "dim of size > 1 (no-op)" : "dim", (e, x) => e.Squeeze(x, d));
    }
}
