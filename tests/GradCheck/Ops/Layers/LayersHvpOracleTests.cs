using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Layers;

/// <summary>
/// Double backward of conv_transpose2d, interpolate and embedding against libtorch (CrossCheck.CompareHvp:
/// the first-order gradient with createGraph and a Hessian-vector product through it), float32 and float64.
/// Squared outputs send the HVP through the recorded backward ops and back through the forward.
/// </summary>
[Collection(OracleCollection.Name)]
public class LayersHvpOracleTests
{
    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> ConvTranspose()
    {
        (int[] X, int[] W, bool Bias, Pair S, Pair P, Pair Op, Pair D, int G)[] grid =
        [
            ([1, 2, 3, 3], [2, 3, 3, 3], true, 1, 0, 0, 1, 1),
            ([2, 2, 3, 4], [2, 2, 3, 2], true, 2, 1, 1, 1, 1),
            ([1, 2, 3, 3], [2, 2, 2, 2], false, 2, 0, 1, 1, 1),          // output padding > padding
            ([1, 4, 2, 3], [4, 2, 3, 3], true, 1, 1, 1, 2, 2),           // dilation allows the output padding, groups
            ([3, 2, 3], [3, 1, 2, 3], true, (2, 1), (1, 0), (1, 0), 1, 1), // unbatched
        ];
        for (int i = 0; i < grid.Length; i++)
            foreach (bool square in new[] { true, false })
            {
                var c = grid[i];
                var inputs = new List<Input> { new(c.X), new(c.W) };
                if (c.Bias) inputs.Add(new Input([c.W[1] * c.G]));
                string cfg = $"x[{string.Join(",", c.X)}] w[{string.Join(",", c.W)}] s {c.S} p {c.P} op {c.Op} d {c.D} g {c.G}" + (square ? " squared" : "");
                yield return (new Case("ConvTranspose2d", cfg, [square ? "y·y" : "y alone"], [.. inputs]), (e, x) =>
                {
                    var y = e.ConvTranspose2d(x[0], x[1], c.Bias ? x[2] : null, c.S, c.P, c.Op, c.G, c.D);
                    return square ? e.Mul(y, y) : y;
                });
            }
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> InterpolateAndEmbedding()
    {
        (string Mode, bool? Corners, Pair? Size, ScalePair? Scale)[] grid =
        [
            ("nearest", null, (5, 7), null), ("nearest", null, null, (1.5, 2)), ("nearest-exact", null, (5, 2), null),
            ("bilinear", false, (5, 7), null), ("bilinear", true, (5, 7), null), ("bilinear", false, null, (0.6, 1.7)),
        ];
        foreach (var (mode, corners, size, scale) in grid)
            yield return (new Case("Interpolate", $"{mode} align {corners} size {size} scale {scale} squared", [mode], [new([2, 2, 3, 4])]),
                (e, x) => { var y = e.Interpolate(x[0], size, scale, mode, corners); return e.Mul(y, y); });
        foreach (long? pad in new long?[] { null, 2 })
            foreach (bool freq in new[] { false, true })
                yield return (new Case("Embedding", $"padding_idx {pad} scale_grad_by_freq {freq} squared", ["embedding"], [new([5, 3])]),
                    (e, x) => { var y = e.Embedding(e.FromInt64([0, 2, 4, 2, 1, 2], [2, 3]), x[0], pad, scaleGradByFreq: freq); return e.Mul(y, y); });
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ConvTranspose2dAgreesWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, ConvTranspose());

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void InterpolateAndEmbeddingAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, InterpolateAndEmbedding());
}
