using Autograd.Oracle;
using Autograd.Tests.Oracle;
using static Autograd.Tests.Ops.Selection.SelectionData;

namespace Autograd.Tests.Ops.Selection;

/// <summary>
/// The selection ops against libtorch 2.10 (values, int64 indices, bool results and every gradient, float32 and
/// float64), and error agreement: each bad configuration is rejected by both engines (ours naming the op).
/// Index tensors and masks are built inside the computation from the same seeded arrays on both engines.
/// </summary>
[Collection(OracleCollection.Name)]
public class SelectionOracleTests
{
    private static (Case, Func<IOracleBackend, OracleTensor[], OracleTensor>) C(string op, string config, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f)
        => (new Case(op, config, [config.Split(' ')[0]], inputs), f);

    private static Input[] N(params int[][] shapes) => shapes.Select(s => new Input(s)).ToArray();

    private static int Norm(int dim, int rank) => (dim + rank) % rank;

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
    {
        int seed = 11;
        foreach (var (c, a, b) in new (int[], int[], int[])[] { ([4], [4], [4]), ([2, 3], [3], [2, 1]), ([2, 1, 4], [3, 1], [2, 3, 4]), ([1, 2, 3, 2], [2, 1, 2], [3, 1]), ([], [2, 2], []) })
        {
            var m = Mask(c, seed++);
            yield return C("Where", $"broadcast cond {Fmt(c)} a {Fmt(a)} b {Fmt(b)}", N(a, b), (e, x) => e.Where(e.FromBool(m, c), x[0], x[1]));
        }
        {
            var m = Mask([3, 4], seed++);
            yield return C("Where", "special values on the side not taken", [new Input([3, 4], Data.Special), new Input([3, 4], Data.Special)], (e, x) => e.Where(e.FromBool(m, [3, 4]), x[0], x[1]));
        }
        foreach (var (xs, ms) in new (int[], int[])[] { ([5], [5]), ([2, 3], [3]), ([3, 1], [2, 1, 4]), ([2, 2, 3, 2], [2, 1, 2]), ([], []) })
        {
            var m = Mask(ms, seed++);
            yield return C("MaskedFill", $"value x {Fmt(xs)} mask {Fmt(ms)}", N(xs), (e, x) => e.MaskedFill(x[0], e.FromBool(m, ms), -1.25));
            yield return C("MaskedFill", $"tensor-value x {Fmt(xs)} mask {Fmt(ms)}", N(xs, []), (e, x) => e.MaskedFill(x[0], e.FromBool(m, ms), x[1]));
        }
        foreach (var (shape, dim) in new (int[], int)[] { ([5], 0), ([3, 4], 1), ([3, 4], -2), ([2, 3, 4], 1), ([2, 3, 2, 3], -1), ([2, 3, 2, 3], 0), ([], 0) })
        {
            int rank = Math.Max(shape.Length, 1), d = Norm(dim, rank), size = shape.Length == 0 ? 1 : shape[d];
            int[] one = shape.Length == 0 ? [] : shape;
            var sel = Indices([size + 2], size, seed++);
            int[] selShape = shape.Length == 0 ? [1] : [size + 2];
            yield return C("IndexSelect", $"repeats {Fmt(shape)} dim {dim}", N(shape), (e, x) => e.IndexSelect(x[0], dim, e.FromInt64(shape.Length == 0 ? [0] : sel, selShape)));
            yield return C("IndexSelect", $"int32-index {Fmt(shape)} dim {dim}", N(shape), (e, x) => e.IndexSelect(x[0], dim, e.FromInt32(shape.Length == 0 ? [0] : sel.Select(v => (int)v).ToArray(), selShape)));
            int[] gShape = shape.Length == 0 ? [] : shape.Select((s, i) => i == d ? s + 1 : Math.Max(1, s - 1)).ToArray();
            var gi = Indices(gShape, size, seed++);
            yield return C("Gather", $"repeats {Fmt(shape)} dim {dim} index {Fmt(gShape)}", N(shape), (e, x) => e.Gather(x[0], dim, e.FromInt64(gi, gShape)));
            int[] sShape = shape.Length == 0 ? [] : shape.Select((s, i) => i == d ? Math.Max(1, s - 1) : s).ToArray();
            var si = shape.Length == 0 ? [0L] : Distinct(sShape, d, size, seed++);
            yield return C("Scatter", $"src {Fmt(shape)} dim {dim}", N(shape, sShape), (e, x) => e.Scatter(x[0], dim, e.FromInt64(si, sShape), x[1]));
            yield return C("Scatter", $"value {Fmt(shape)} dim {dim}", N(shape), (e, x) => e.Scatter(x[0], dim, e.FromInt64(si, sShape), 0.75));
            var ai = Indices(sShape, size, seed++);
            yield return C("ScatterAdd", $"repeats {Fmt(shape)} dim {dim}", N(shape, sShape), (e, x) => e.ScatterAdd(x[0], dim, e.FromInt64(ai, sShape), x[1]));
            foreach (bool desc in new[] { false, true })
            {
                yield return C("Sort", $"values {Fmt(shape)} dim {dim} descending {desc}", N(shape), (e, x) => e.Sort(x[0], dim, desc).Values);
                // Ties (stable: the original order among equals) and NaN/±∞ (NaN sorts as the largest).
                yield return C("Sort", $"stable-indices-of-ties {Fmt(shape)} dim {dim} descending {desc}", [new Input(shape, Data.Ties, false)], (e, x) => e.Sort(x[0], dim, desc, stable: true).Indices);
                yield return C("Sort", $"special {Fmt(shape)} dim {dim} descending {desc}", [new Input(shape, Data.Special)], (e, x) => e.Sort(x[0], dim, desc, stable: true).Values);
                yield return C("Sort", $"special-indices {Fmt(shape)} dim {dim} descending {desc}", [new Input(shape, Data.Special, false)], (e, x) => e.Sort(x[0], dim, desc, stable: true).Indices);
            }
            foreach (int k in new[] { 0, 1, size }.Distinct())
                foreach (bool largest in new[] { true, false })
                {
                    yield return C("Topk", $"values {Fmt(shape)} k {k} dim {dim} largest {largest}", N(shape), (e, x) => e.Topk(x[0], k, dim, largest).Values);
                    yield return C("Topk", $"indices {Fmt(shape)} k {k} dim {dim} largest {largest}", [new Input(shape, Data.Normal, false)], (e, x) => e.Topk(x[0], k, dim, largest).Indices);
                }
            foreach (bool keep in new[] { false, true })
                foreach (var kind in new[] { Data.Ties, Data.Special })
                {
                    yield return C("Argmax", $"dim {Fmt(shape)} dim {dim} keepdim {keep} {kind}", [new Input(shape, kind, false)], (e, x) => e.Argmax(x[0], dim, keep));
                    yield return C("Argmin", $"dim {Fmt(shape)} dim {dim} keepdim {keep} {kind}", [new Input(shape, kind, false)], (e, x) => e.Argmin(x[0], dim, keep));
                    yield return C("Argmax", $"flat {Fmt(shape)} keepdim {keep} {kind}", [new Input(shape, kind, false)], (e, x) => e.Argmax(x[0], null, keep));
                    yield return C("Argmin", $"flat {Fmt(shape)} keepdim {keep} {kind}", [new Input(shape, kind, false)], (e, x) => e.Argmin(x[0], null, keep));
                    yield return C("Any", $"dim {Fmt(shape)} dim {dim} keepdim {keep} {kind}", [new Input(shape, kind, false)], (e, x) => e.Any(x[0], dim, keep));
                    yield return C("All", $"dim {Fmt(shape)} dim {dim} keepdim {keep} {kind}", [new Input(shape, kind, false)], (e, x) => e.All(x[0], dim, keep));
                }
            yield return C("Any", $"all {Fmt(shape)}", [new Input(shape, Data.Ties, false)], (e, x) => e.Any(x[0]));
            yield return C("All", $"all {Fmt(shape)}", [new Input(shape, Data.Ties, false)], (e, x) => e.All(x[0]));
        }
        foreach (var (xs, lo, hi) in new (int[], int[]?, int[]?)[] { ([6], [6], [6]), ([2, 3], [3], [2, 1]), ([2, 3, 4], [1, 4], null), ([3, 1, 2, 2], null, [2, 1, 2]), ([], [], []), ([2, 3], [2, 1], [1]) })
        {
            // (x smaller than the broadcast shape is left to SelectionGradTests: libtorch 2.10's clamp backward rejects it.)
            var inputs = new[] { xs, lo, hi }.Where(s => s is not null).Select(s => new Input(s!)).ToArray();
            bool hasLo = lo is not null, hasHi = hi is not null;
            yield return C("Clamp", $"tensor-bounds x {Fmt(xs)} min {(hasLo ? Fmt(lo!) : "none")} max {(hasHi ? Fmt(hi!) : "none")}", inputs,
                (e, x) => e.Clamp(x[0], hasLo ? x[1] : null, hasHi ? x[hasLo ? 2 : 1] : null));
        }
        // Integer and bool data: the moves are dtype-generic, the results keep the dtype (int64 here), as libtorch's.
        {
            Input[] none = [new Input([1], Data.Normal, false)];
            long[] v = [3, -1, 4, 1, -5, 9, 2, 6, 5, 3, 5, 8];
            OracleTensor L(IOracleBackend e) => e.FromInt64(v, [3, 4]);
            var m = Mask([3, 4], 77);
            yield return C("Gather", "int64-data", none, (e, _) => e.Gather(L(e), 1, e.FromInt64([3, 0, 1, 1, 2, 2], [3, 2])));
            yield return C("IndexSelect", "int64-data", none, (e, _) => e.IndexSelect(L(e), 0, e.FromInt64([2, 0, 2], [3])));
            yield return C("Scatter", "int64-data", none, (e, _) => e.Scatter(L(e), 1, e.FromInt64([3, 0], [1, 2]), e.FromInt64([100, 200], [1, 2])));
            yield return C("ScatterAdd", "int64-data", none, (e, _) => e.ScatterAdd(L(e), 0, e.FromInt64([2, 2, 0, 1], [1, 4]), e.FromInt64([1, 2, 3, 4], [1, 4])));
            yield return C("Where", "int64-data", none, (e, _) => e.Where(e.FromBool(m, [3, 4]), L(e), e.FromInt64([0, 7, 0, 7], [4])));
            yield return C("Where", "bool-data", none, (e, _) => e.Where(e.FromBool(m, [3, 4]), e.FromBool(new bool[4], [4]), e.FromBool([true, true, true], [3, 1])));
            yield return C("MaskedFill", "int64-data", none, (e, _) => e.MaskedFill(L(e), e.FromBool(m, [3, 4]), -7.0));
            foreach (bool desc in new[] { false, true })
            {
                yield return C("Sort", $"int64-data values descending {desc}", none, (e, _) => e.Sort(L(e), 1, desc, stable: true).Values);
                yield return C("Sort", $"int64-data indices descending {desc}", none, (e, _) => e.Sort(L(e), 0, desc, stable: true).Indices);
            }
            yield return C("Argmax", "int64-data", none, (e, _) => e.Argmax(L(e), 1));
            yield return C("Argmin", "int64-data", none, (e, _) => e.Argmin(L(e)));
            yield return C("Any", "int64-data", none, (e, _) => e.Any(e.FromInt64([0, 0, 0, 0, 1, 0], [2, 3]), 1));
            yield return C("All", "bool-data", none, (e, _) => e.All(e.FromBool(m, [3, 4]), 0, keepDim: true));
            yield return C("Clamp", "int64-data", none, (e, _) => e.Clamp(L(e), e.FromInt64([0, -2, 0, 2], [4]), e.FromInt64([5], [1])));
        }
        yield return C("Clamp", "tensor-bounds special", [new Input([4, 5], Data.Special), new Input([5], Data.Special), new Input([4, 1])], (e, x) => e.Clamp(x[0], x[1], x[2]));
        yield return C("Clamp", "tensor-bounds ties", [new Input([4, 5], Data.Ties), new Input([5], Data.Ties), new Input([4, 1], Data.Ties)], (e, x) => e.Clamp(x[0], x[1], x[2]));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SelectionOpsMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Items());

    private static (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F) E(
        string op, string why, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f) => (op, why, inputs, f);

    private static readonly (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[] Errors =
    [
        E("Gather", "index out of bounds", N([3, 4]), (e, x) => e.Gather(x[0], 0, e.FromInt64([0, 5, 1, 2], [1, 4]))),
        E("Gather", "negative index", N([3, 4]), (e, x) => e.Gather(x[0], 1, e.FromInt64([0, -1], [1, 2]))),
        E("Gather", "index of another rank", N([3, 4]), (e, x) => e.Gather(x[0], 0, e.FromInt64([0, 1], [2]))),
        E("Gather", "index larger than x in another dim", N([3, 4]), (e, x) => e.Gather(x[0], 0, e.FromInt64(new long[10], [2, 5]))),
        E("Gather", "valid: int32 index", N([3, 4]), (e, x) => e.Gather(x[0], 0, e.FromInt32([0, 1], [1, 2]))),
        E("Gather", "float index", N([3, 4], [1, 2]), (e, x) => e.Gather(x[0], 0, x[1])),
        E("Gather", "dim out of range", N([3, 4]), (e, x) => e.Gather(x[0], 2, e.FromInt64([0], [1, 1]))),
        E("Gather", "valid: index longer than x along dim", N([3, 4]), (e, x) => e.Gather(x[0], 0, e.FromInt64([0, 2, 1, 1, 0], [5, 1]))),
        E("Scatter", "index out of bounds", N([3, 4], [1, 4]), (e, x) => e.Scatter(x[0], 0, e.FromInt64([0, 3, 1, 2], [1, 4]), x[1])),
        E("Scatter", "src smaller than index", N([3, 4], [1, 2]), (e, x) => e.Scatter(x[0], 0, e.FromInt64([0, 1, 2], [1, 3]), x[1])),
        E("Scatter", "src of another dtype", N([3, 4]), (e, x) => e.Scatter(x[0], 0, e.FromInt64([0, 1], [1, 2]), e.FromInt64([1, 2], [1, 2]))),
        E("Scatter", "valid: int32 index", N([3, 4], [1, 2]), (e, x) => e.Scatter(x[0], 0, e.FromInt32([0, 1], [1, 2]), x[1])),
        E("Scatter", "value, index out of bounds", N([3, 4]), (e, x) => e.Scatter(x[0], 1, e.FromInt64([4], [1, 1]), 1.0)),
        E("ScatterAdd", "index out of bounds", N([3, 4], [1, 2]), (e, x) => e.ScatterAdd(x[0], 1, e.FromInt64([0, 7], [1, 2]), x[1])),
        E("ScatterAdd", "index of another rank", N([3, 4], [2]), (e, x) => e.ScatterAdd(x[0], 1, e.FromInt64([0, 1], [2]), x[1])),
        E("IndexSelect", "index out of range", N([3, 4]), (e, x) => e.IndexSelect(x[0], 0, e.FromInt64([0, 3], [2]))),
        E("IndexSelect", "negative index", N([3, 4]), (e, x) => e.IndexSelect(x[0], 1, e.FromInt64([-1], [1]))),
        E("IndexSelect", "2-D index", N([3, 4]), (e, x) => e.IndexSelect(x[0], 0, e.FromInt64([0, 1], [1, 2]))),
        E("IndexSelect", "float index", N([3, 4], [2]), (e, x) => e.IndexSelect(x[0], 0, x[1])),
        E("IndexSelect", "dim out of range", N([3, 4]), (e, x) => e.IndexSelect(x[0], -3, e.FromInt64([0], [1]))),
        E("IndexSelect", "valid: 0-dim index", N([3, 4]), (e, x) => e.IndexSelect(x[0], 1, e.FromInt64([2], []))),
        E("Where", "condition not bool", N([3], [3]), (e, x) => e.Where(e.FromInt64([1, 0, 1], [3]), x[0], x[1])),
        E("Where", "shapes do not broadcast", N([3], [4]), (e, x) => e.Where(e.FromBool([true, false, true], [3]), x[0], x[1])),
        E("MaskedFill", "mask not bool", N([3]), (e, x) => e.MaskedFill(x[0], e.FromInt64([1, 0, 1], [3]), 0.0)),
        E("MaskedFill", "value tensor with a dim", N([3], [1]), (e, x) => e.MaskedFill(x[0], e.FromBool([true, false, true], [3]), x[1])),
        E("MaskedFill", "mask does not broadcast", N([3]), (e, x) => e.MaskedFill(x[0], e.FromBool([true, false], [2]), 0.0)),
        E("Topk", "k larger than the dim", N([3, 4]), (e, x) => e.Topk(x[0], 5).Values),
        E("Topk", "negative k", N([3, 4]), (e, x) => e.Topk(x[0], -1).Values),
        E("Topk", "dim out of range", N([3, 4]), (e, x) => e.Topk(x[0], 1, 2).Values),
        E("Sort", "dim out of range", N([3, 4]), (e, x) => e.Sort(x[0], -3).Values),
        E("Argmax", "dim out of range", N([3, 4]), (e, x) => e.Argmax(x[0], 2)),
        E("Argmin", "empty tensor without a dim", N([0]), (e, x) => e.Argmin(x[0])),
        E("Argmax", "empty dim", N([2, 0]), (e, x) => e.Argmax(x[0], 1)),
        E("Any", "dim out of range", N([3, 4]), (e, x) => e.Any(x[0], 2)),
        E("All", "dim out of range", N([3]), (e, x) => e.All(x[0], -2)),
        E("Clamp", "bounds do not broadcast", N([3], [4], [3]), (e, x) => e.Clamp(x[0], x[1], x[2])),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SelectionOpsRejectExactlyWhatLibtorchRejects(DType dtype)
    {
        CrossCheck.AllAgree(dtype, Errors);
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> HvpItems()
    {
        var m = Mask([2, 3], 3);
        yield return C("Where", "squared branches", N([2, 3], [3]), (e, x) => e.Where(e.FromBool(m, [2, 3]), e.Mul(x[0], x[0]), e.Mul(x[1], x[1])));
        yield return C("MaskedFill", "square", N([2, 3]), (e, x) => e.Mul(e.MaskedFill(x[0], e.FromBool(m, [2, 3]), 0.5), x[0]));
        yield return C("MaskedFill", "tensor value", N([2, 3], []), (e, x) => { var y = e.MaskedFill(x[0], e.FromBool(m, [2, 3]), x[1]); return e.Mul(y, y); });
        yield return C("IndexSelect", "square", N([3, 4]), (e, x) => { var y = e.IndexSelect(x[0], 1, e.FromInt64([3, 0, 3], [3])); return e.Mul(y, y); });
        yield return C("Gather", "square", N([3, 4]), (e, x) => { var y = e.Gather(x[0], 1, e.FromInt64([0, 0, 3, 1, 2, 2], [3, 2])); return e.Mul(y, y); });
        yield return C("Scatter", "square", N([3, 4], [2, 4]), (e, x) => { var y = e.Scatter(x[0], 0, e.FromInt64([0, 1, 2, 0, 2, 0, 1, 1], [2, 4]), x[1]); return e.Mul(y, y); });
        yield return C("Scatter", "value square", N([3, 4]), (e, x) => { var y = e.Scatter(x[0], 1, e.FromInt64([0, 3, 2], [3, 1]), 2.0); return e.Mul(y, y); });
        yield return C("ScatterAdd", "square", N([3, 4], [3, 2]), (e, x) => { var y = e.ScatterAdd(x[0], 1, e.FromInt64([1, 1, 0, 3, 2, 2], [3, 2]), x[1]); return e.Mul(y, y); });
        yield return C("Sort", "square", N([3, 5]), (e, x) => { var y = e.Sort(x[0], 1, descending: true).Values; return e.Mul(y, y); });
        yield return C("Topk", "square", N([4, 3]), (e, x) => { var y = e.Topk(x[0], 2, 0).Values; return e.Mul(y, y); });
        yield return C("Clamp", "tensor bounds square", N([3, 4], [4], [3, 1]), (e, x) => { var y = e.Clamp(x[0], x[1], e.Add(x[2], 0.8)); return e.Mul(y, y); });
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, HvpItems());
}
