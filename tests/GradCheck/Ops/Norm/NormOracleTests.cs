using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Norm;

/// <summary>
/// batch_norm, layer_norm and group_norm against libtorch 2.10: outputs, every gradient (input, weight, bias),
/// and batch_norm's running stats after the in-place update (concatenated after the output so the one
/// comparison covers them), float32 and float64; error agreement; Hessian-vector products.
/// </summary>
[Collection(OracleCollection.Name)]
public class NormOracleTests
{
    private static (Case, Func<IOracleBackend, OracleTensor[], OracleTensor>) C(string op, string config, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f)
        => (new Case(op, config, [config.Split(' ')[0]], inputs), f);

    private static Input[] N(params int[][] shapes) => shapes.Select(s => new Input(s)).ToArray();

    private static string Fmt(int[] s) => "[" + string.Join(",", s) + "]";

    private static OracleTensor Vec(IOracleBackend e, OracleTensor like, double start, double step, int c) =>
        e.From(Enumerable.Range(0, c).Select(i => start + step * i).ToArray(), [c], like.DType);

    private static OracleTensor Flat(IOracleBackend e, OracleTensor t) => e.Reshape(t, [t.Shape.Aggregate(1, (a, b) => a * b)]);

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
    {
        foreach (var shape in new[] { new[] { 5, 3 }, [2, 3, 4], [4, 2, 3, 3], [1, 3, 2, 2], [3, 4, 1, 1], [3, 2, 7, 11] })
        {
            int c = shape[1];
            foreach (bool affine in new[] { true, false })
            {
                Input[] inputs = affine ? N(shape, [c], [c]) : N(shape);
                string a = affine ? "affine" : "plain";
                foreach (double momentum in new[] { 0.1, 0.5 })
                    yield return C("BatchNorm", $"training-with-stats {Fmt(shape)} {a} momentum {momentum}", inputs, (e, x) =>
                    {
                        OracleTensor rm = Vec(e, x[0], -0.2, 0.15, c), rv = Vec(e, x[0], 0.7, 0.4, c);
                        var y = e.BatchNorm(x[0], rm, rv, affine ? x[1] : null, affine ? x[2] : null, training: true, momentum, 1e-5);
                        return e.Cat([Flat(e, y), rm, rv]);
                    });
                yield return C("BatchNorm", $"training-no-stats {Fmt(shape)} {a}", inputs,
                    (e, x) => e.BatchNorm(x[0], null, null, affine ? x[1] : null, affine ? x[2] : null, training: true, eps: 1e-3));
                yield return C("BatchNorm", $"eval {Fmt(shape)} {a}", inputs,
                    (e, x) => e.BatchNorm(x[0], Vec(e, x[0], -0.2, 0.15, c), Vec(e, x[0], 0.7, 0.4, c), affine ? x[1] : null, affine ? x[2] : null, training: false));
            }
        }
        // Empty batches: an empty output, running stats untouched (libtorch's numel() == 0 branch).
        yield return C("BatchNorm", "empty-batch [0,3,2]", N([0, 3, 2], [3], [3]), (e, x) =>
        {
            OracleTensor rm = Vec(e, x[0], -0.2, 0.15, 3), rv = Vec(e, x[0], 0.7, 0.4, 3);
            return e.Cat([Flat(e, e.BatchNorm(x[0], rm, rv, x[1], x[2], training: true)), rm, rv]);
        });
        yield return C("LayerNorm", "empty-rows [0,4]", N([0, 4], [4], [4]), (e, x) => e.LayerNorm(x[0], [4], x[1], x[2]));
        yield return C("GroupNorm", "empty-batch [0,4,3]", N([0, 4, 3], [4], [4]), (e, x) => e.GroupNorm(x[0], 2, x[1], x[2]));
        // A large mean relative to the spread: the variance must not cancel (two passes).
        yield return C("BatchNorm", "offset-input", N([8, 2, 4]), (e, x) => e.BatchNorm(e.Add(x[0], 100.0), null, null, training: true));

        foreach (var (shape, ns) in new (int[], int[])[] { ([4, 6], [6]), ([2, 3, 5], [5]), ([2, 3, 5], [3, 5]), ([3, 2, 2, 4], [2, 4]), ([7], [7]), ([2, 1], [1]), ([2, 3, 40], [40]), ([3, 2, 67], [2, 67]) })
            foreach (int affine in new[] { 0, 1, 2 })
            {
                var inputs = new List<Input> { new(shape) };
                if (affine >= 1) inputs.Add(new Input(ns));
                if (affine >= 2) inputs.Add(new Input(ns));
                yield return C("LayerNorm", $"affine{affine} {Fmt(shape)} over {Fmt(ns)}", [.. inputs],
                    (e, x) => e.LayerNorm(x[0], ns, affine >= 1 ? x[1] : null, affine >= 2 ? x[2] : null, 1e-5));
            }
        yield return C("LayerNorm", "offset-input eps 0.1", N([3, 16]), (e, x) => e.LayerNorm(e.Add(x[0], 50.0), [16], eps: 0.1));

        foreach (var (shape, g) in new (int[], int)[] { ([2, 4, 3], 2), ([2, 6, 2, 3], 3), ([3, 4], 4), ([2, 4, 5], 1), ([1, 8, 2, 2], 4), ([2, 6, 5, 7], 2) })
            foreach (bool affine in new[] { true, false })
            {
                int c = shape[1];
                yield return C("GroupNorm", $"{(affine ? "affine" : "plain")} {Fmt(shape)} groups {g}", affine ? N(shape, [c], [c]) : N(shape),
                    (e, x) => e.GroupNorm(x[0], g, affine ? x[1] : null, affine ? x[2] : null, 1e-5));
            }
        // Last, so the cases above keep their position seeds. Bias without weight: the row kernel gets a weight
        // of ones (Note [Layer norm rows in chunks]); rows of 77 cover the two-vector loop, one more vector and
        // a scalar tail at every SIMD width.
        yield return C("LayerNorm", "bias-only [3,77] over [77]", N([3, 77], [77]), (e, x) => e.LayerNorm(x[0], [77], null, x[1], 1e-5));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NormalisationMatchesLibtorch(DType dtype) => CrossCheck.All(dtype, Items());

    private static (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F) E(
        string op, string why, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f) => (op, why, inputs, f);

    private static readonly (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[] Errors =
    [
        E("BatchNorm", "running_mean of another size", N([2, 3, 4]), (e, x) => e.BatchNorm(x[0], Vec(e, x[0], 0, 1, 4), Vec(e, x[0], 1, 0, 3), training: true)),
        E("BatchNorm", "running_var of another size", N([2, 3, 4]), (e, x) => e.BatchNorm(x[0], Vec(e, x[0], 0, 1, 3), Vec(e, x[0], 1, 0, 2), training: false)),
        E("BatchNorm", "weight of another size", N([2, 3, 4], [2]), (e, x) => e.BatchNorm(x[0], null, null, x[1], training: true)),
        E("BatchNorm", "bias of another size", N([2, 3], [4]), (e, x) => e.BatchNorm(x[0], null, null, null, x[1], training: true)),
        E("BatchNorm", "valid: eval with stats", N([2, 3]), (e, x) => e.BatchNorm(x[0], Vec(e, x[0], 0, 1, 3), Vec(e, x[0], 1, 0, 3))),
        E("BatchNorm", "eval without running stats", N([3, 2]), (e, x) => e.BatchNorm(x[0], null, null, training: false)),
        E("BatchNorm", "1-D input", N([4]), (e, x) => e.BatchNorm(x[0], null, null, training: true)),
        E("GroupNorm", "1-D input", N([4]), (e, x) => e.GroupNorm(x[0], 1)),
        E("GroupNorm", "zero groups", N([2, 4]), (e, x) => e.GroupNorm(x[0], 0)),
        E("LayerNorm", "normalized_shape not trailing", N([2, 3]), (e, x) => e.LayerNorm(x[0], [2])),
        E("LayerNorm", "normalized_shape longer than input", N([3]), (e, x) => e.LayerNorm(x[0], [2, 3])),
        E("LayerNorm", "weight of another shape", N([2, 3], [2]), (e, x) => e.LayerNorm(x[0], [3], x[1])),
        E("LayerNorm", "bias of another shape", N([2, 3], [3], [1, 3]), (e, x) => e.LayerNorm(x[0], [3], x[1], x[2])),
        E("LayerNorm", "empty normalized_shape", N([2, 3]), (e, x) => e.LayerNorm(x[0], [])),
        E("GroupNorm", "channels not divisible", N([2, 6, 4]), (e, x) => e.GroupNorm(x[0], 4)),
        E("GroupNorm", "weight of another size", N([2, 6, 4], [3]), (e, x) => e.GroupNorm(x[0], 3, x[1])),
        E("GroupNorm", "bias of another size", N([2, 6], [6], [5]), (e, x) => e.GroupNorm(x[0], 2, x[1], x[2])),
        E("GroupNorm", "valid: one group", N([2, 6, 2]), (e, x) => e.GroupNorm(x[0], 1)),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NormalisationRejectsExactlyWhatLibtorchRejects(DType dtype)
    {
        CrossCheck.AllAgree(dtype, Errors);
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> HvpItems()
    {
        yield return C("BatchNorm", "training square", N([3, 2, 4], [2], [2]), (e, x) => { var y = e.BatchNorm(x[0], null, null, x[1], x[2], training: true); return e.Mul(y, y); });
        yield return C("BatchNorm", "eval square", N([3, 2, 4], [2], [2]), (e, x) => { var y = e.BatchNorm(x[0], Vec(e, x[0], 0.1, 0.2, 2), Vec(e, x[0], 0.5, 1, 2), x[1], x[2]); return e.Mul(y, y); });
        yield return C("LayerNorm", "square", N([3, 5], [5], [5]), (e, x) => { var y = e.LayerNorm(x[0], [5], x[1], x[2]); return e.Mul(y, y); });
        yield return C("GroupNorm", "square", N([2, 4, 3], [4], [4]), (e, x) => { var y = e.GroupNorm(x[0], 2, x[1], x[2]); return e.Mul(y, y); });
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, HvpItems());
}
