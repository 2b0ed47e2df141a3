using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Reductions;

/// <summary>
/// prod, var/std, vector norm, logsumexp, cumsum and the pad modes against libtorch 2.10 (values and every
/// gradient, float32 and float64), over grids of shapes, dims, keepdim, correction, p and pad sizes.
/// </summary>
[Collection(OracleCollection.Name)]
public class ReductionsOracleTests
{
    private static readonly (int[] Shape, int[] Dims)[] Selections =
    [
        ([5], [0]), ([3, 4], [0]), ([3, 4], [1]), ([3, 4], [-1]), ([3, 4], [0, 1]), ([2, 3, 4], [0, 2]),
        ([2, 3, 4], [-2]), ([2, 3, 4, 5], [2, 3]), ([2, 3, 4, 5], [1, -1]), ([1, 6, 1], [0, 2]), ([4, 33], [1]),
        ([2, 3, 4], [2, 0]),
    ];

    private static string Cfg(int[] shape, int[] dims, bool keep) => $"[{string.Join(",", shape)}] dims [{string.Join(",", dims)}] keepdim={keep}";

    private static string[] Tags(int[] dims, bool keep, params string[] more) =>
        [keep ? "keepdim" : "no keepdim", dims.Any(d => d < 0) ? "negative dim" : dims.Length > 1 ? "several dims" : "one dim", .. more];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ProdMatchesLibtorch(DType dtype) => CrossCheck.All(dtype, ProdCases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> ProdCases()
    {
        // Ties draws integers −2..2: lanes with no, one and several zeros (PyTorch's three backward cases).
        foreach (var kind in new[] { Data.Normal, Data.Ties })
        {
            string k = kind == Data.Ties ? "with zeros" : "no zeros";
            foreach (var shape in new[] { new[] { 7 }, [3, 4], [2, 3, 2], [], [0, 3] })
                yield return (new Case("Prod", $"[{string.Join(",", shape)}] {k}", ["all elements", k], [new Input(shape, kind)]), (e, x) => e.Prod(x[0]));
            foreach (var (shape, dims) in Selections.Where(s => s.Dims.Length == 1).Append(([], [0])).Append(([3, 0], [1])))
                foreach (var keep in new[] { false, true })
                    yield return (new Case("Prod", $"{Cfg(shape, dims, keep)} {k}", Tags(dims, keep, k), [new Input(shape, kind)]), (e, x) => e.Prod(x[0], dims[0], keep));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void VarAndStdMatchLibtorch(DType dtype) => CrossCheck.All(dtype, MomentCases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> MomentCases()
    {
        foreach (var shape in new[] { new[] { 7 }, [3, 4], [2, 3, 5], [] , [1] })
            foreach (var c in new[] { 0.0, 1 })
            {
                var cfg = $"[{string.Join(",", shape)}] all correction {c}";
                yield return (new Case("Var", cfg, ["all elements", $"correction {c}"], [new Input(shape)]), (e, x) => e.Var(x[0], c));
                yield return (new Case("Std", cfg, ["all elements", $"correction {c}"], [new Input(shape)]), (e, x) => e.Std(x[0], c));
            }
        foreach (var (shape, dims) in Selections.Append(([4, 1], [1])).Append(([], [0])))
            foreach (var keep in new[] { false, true })
                foreach (var c in new[] { 0.0, 1, 2, 0.5 })
                {
                    int n = shape.Length == 0 ? 1 : dims.Aggregate(1, (a, d) => a * shape[d < 0 ? d + shape.Length : d]);
                    if (c > 1 && n <= c) continue;   // composed in TorchSharp; libtorch's own rule is for correction 0 and 1 only
                    var cfg = $"{Cfg(shape, dims, keep)} correction {c}";
                    yield return (new Case("Var", cfg, Tags(dims, keep, $"correction {c}"), [new Input(shape)]), (e, x) => e.Var(x[0], dims, c, keep));
                    // The composed std (correction 0.5, 2) differentiates √ at 0 when a lane has one element (NaN), where
                    // PyTorch's std_backward masks to 0: such lanes are compared with corrections 0 and 1 only.
                    if (c is 0 or 1 || n > 1)
                        yield return (new Case("Std", cfg, Tags(dims, keep, $"correction {c}"), [new Input(shape)]), (e, x) => e.Std(x[0], dims, c, keep));
                }
        // A constant lane: std 0, whose gradient PyTorch masks to 0.
        yield return (new Case("Std", "[3,4] ties dims [1]", ["ties"], [new Input([3, 4], Data.Ties)]), (e, x) => e.Std(e.Mul(x[0], 0.0), [1]));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NormMatchesLibtorch(DType dtype) => CrossCheck.All(dtype, NormCases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> NormCases()
    {
        double[] ps = [2, 1, 3, 1.5, 0.5, -1, -2.5, double.PositiveInfinity, double.NegativeInfinity, 0, 4];
        foreach (var p in ps)
        {
            foreach (var shape in new[] { new[] { 7 }, [3, 4], [] })
                yield return (new Case("Norm", $"[{string.Join(",", shape)}] p={p} all", ["all elements", $"p={p}"], [new Input(shape)]), (e, x) => e.Norm(x[0], p));
            foreach (var (shape, dims) in Selections)
                foreach (var keep in new[] { false, true })
                    yield return (new Case("Norm", $"{Cfg(shape, dims, keep)} p={p}", Tags(dims, keep, $"p={p}"), [new Input(shape)]), (e, x) => e.Norm(x[0], p, dims, keep));
            // Ties: zeros and equal magnitudes (the ±∞ norms share the gradient; p = 2 at a zero lane is masked).
            yield return (new Case("Norm", $"[4,3] ties p={p} dims [1]", ["ties", $"p={p}"], [new Input([4, 3], Data.Ties)]), (e, x) => e.Norm(x[0], p, [1]));
            if (p >= 1)   // p < 1 at exact zeros: |0|^(p−1) is ∞ before the mask, NaN in float32 products — compared on nonzero data above
                yield return (new Case("Norm", $"[3,2] zero lane p={p}", ["zero lane", $"p={p}"], [new Input([3, 2], Data.Ties)]), (e, x) => e.Norm(e.Mul(x[0], 0.0), p, [1]));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LogsumexpAndCumsumMatchLibtorch(DType dtype) => CrossCheck.All(dtype, LseCases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> LseCases()
    {
        foreach (var (shape, dims) in Selections.Append(([], [0])).Append(([2, 3], [])))
            foreach (var keep in new[] { false, true })
                yield return (new Case("Logsumexp", Cfg(shape, dims, keep), Tags(dims, keep), [new Input(shape)]), (e, x) => e.Logsumexp(x[0], dims, keep));
        // NaN, ±∞ lanes through both paths of the fused kernel (contiguous lanes, rows of lanes) and the composed one.
        foreach (var dims in new[] { new[] { 1 }, [0], [0, 1], [] })
            yield return (new Case("Logsumexp", $"[6,5] special values dims [{string.Join(",", dims)}]", ["special values"], [new Input([6, 5], Data.Special)]), (e, x) => e.Logsumexp(x[0], dims));
        yield return (new Case("Logsumexp", "[4,6,5] special values dims [0,2]", ["special values"], [new Input([4, 6, 5], Data.Special)]), (e, x) => e.Logsumexp(x[0], [0, 2]));
        // Rows of 37 lanes (two 16-lane vectors and a tail): the float32 AVX-512 pass (Note [Fused logsumexp]),
        // with and without ±∞/NaN lanes in the block, and spread values (shifts far below 0).
        yield return (new Case("Logsumexp", "[3,6,37] special values dims [1]", ["special values"], [new Input([3, 6, 37], Data.Special)]), (e, x) => e.Logsumexp(x[0], [1]));
        yield return (new Case("Logsumexp", "[3,6,37] dims [1]", ["dim"], [new Input([3, 6, 37])]), (e, x) => e.Logsumexp(x[0], [1], true));
        yield return (new Case("Logsumexp", "[2,5,40] spread values dims [1]", ["large values"], [new Input([2, 5, 40])]), (e, x) => e.Logsumexp(e.Mul(x[0], 60.0), [1]));
        yield return (new Case("Logsumexp", "[3,4] large values dims [0]", ["large values"], [new Input([3, 4])]), (e, x) => e.Logsumexp(e.Mul(x[0], 300.0), [0]));
        foreach (var (shape, dim) in new (int[], int)[] { ([7], 0), ([3, 4], 0), ([3, 4], 1), ([2, 3, 4], -2), ([2, 3, 4], 2), ([], 0), ([5, 0], 0), ([4, 33], 1) })
            yield return (new Case("Cumsum", $"[{string.Join(",", shape)}] dim {dim}", [dim < 0 ? "negative dim" : "dim"], [new Input(shape)]), (e, x) => e.Cumsum(x[0], dim));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void PadModesMatchLibtorch(DType dtype) => CrossCheck.All(dtype, PadCases());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> PadCases()
    {
        (int[] Shape, int[] Pad)[] grid =
        [
            .. ReductionGradCheckTests.PadGrid,
            ([3, 6], [5, 5]), ([2, 3, 6], [0, 0]), ([0, 2, 5], [1, 2]), ([2, 7], [-2, -3]), ([3, 5, 6], [2, 3, 4, 0]),
            ([2, 3, 5, 6], [1, 2, 3, 4]), ([1, 3, 4], [3, 3, 2, 1]), ([1, 2, 3, 3, 4], [3, 2, 2, 1, 2, 2]), ([2, 3, 4], [0, 2]),
            ([2, 2, 5, 5], [2, -1, -2, 2]),
            // Rows long enough for the vector row copy (Note [Short row copies]): runs of 15, 18, 38 and 298 elements
            // (60 to 1192 bytes as float32, twice that as float64), on both sides of its 64- and 1024-byte limits.
            ([1, 2, 17], [1, 1]), ([2, 3, 20], [1, 2]), ([2, 3, 6, 40], [1, 1, 2, 1]), ([2, 300], [2, 3]),
        ];
        foreach (var (shape, pad) in grid)
            foreach (var mode in new[] { "reflect", "replicate", "circular", "constant" })
            {
                bool reflectTooBig = mode == "reflect" && Enumerable.Range(0, pad.Length).Any(i => pad[i] >= shape[shape.Length - 1 - i / 2]);
                if (reflectTooBig) continue;
                string tag = $"{pad.Length / 2}-d";
                yield return (new Case("Pad", $"{mode} [{string.Join(",", shape)}] pad [{string.Join(",", pad)}]", [mode, tag], [new Input(shape)]),
                    (e, x) => e.Pad(x[0], pad, mode));
            }
    }
}
