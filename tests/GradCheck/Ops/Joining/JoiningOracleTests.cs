using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Joining;

/// <summary>
/// The joining and splitting ops against libtorch 2.10 (values and every input's gradient, float32 and
/// float64), the configurations both engines must reject, and Hessian-vector products. Ops with several
/// outputs are compared through one tensor: the pieces joined back, each weighted by a different constant.
/// </summary>
[Collection(OracleCollection.Name)]
public class JoiningOracleTests
{
    private static string S(int[] v) => $"[{string.Join(",", v)}]";

    private static Case C(string op, string config, string tag, params int[][] shapes) => new(op, config, [tag], shapes.Select(s => new Input(s)).ToArray());

    /// <summary>The pieces joined back along dim, piece k times k + 1 (a different gradient reaches each piece).</summary>
    private static OracleTensor Joined(IOracleBackend e, OracleTensor[] pieces, int dim, bool stack = false)
    {
        var w = pieces.Select((p, k) => e.Mul(p, k + 1.0)).ToArray();
        return stack ? e.Stack(w, dim) : e.Cat(w, dim);
    }

    private static int[] With(int[] shape, int dim, int size)
    {
        var s = (int[])shape.Clone();
        s[(dim + s.Length) % s.Length] = size;
        return s;
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Cases()
    {
        int[][] bases = [[4], [3, 4], [2, 3, 4], [2, 3, 2, 3]];
        foreach (var b in bases)
            for (int d = -b.Length; d < b.Length; d++)
            {
                int dim = d;
                string tag = d < 0 ? "negative dim" : "dim";
                yield return (C("Cat", $"rank {b.Length} dim {d} sizes 2, 1, 0, 3", tag, With(b, d, 2), With(b, d, 1), With(b, d, 0), With(b, d, 3)), (e, x) => e.Cat(x, dim));
                yield return (C("Split", $"rank {b.Length} dim {d} size 2 of 5", tag, With(b, d, 5)), (e, x) => Joined(e, e.Split(x[0], 2, dim), dim));
                yield return (C("Split", $"rank {b.Length} dim {d} sections [2, 0, 1, 2]", "sections", With(b, d, 5)), (e, x) => Joined(e, e.Split(x[0], [2, 0, 1, 2], dim), dim));
                yield return (C("Chunk", $"rank {b.Length} dim {d} 3 of 5", tag, With(b, d, 5)), (e, x) => Joined(e, e.Chunk(x[0], 3, dim), dim));
                yield return (C("Narrow", $"rank {b.Length} dim {d} start -3 length 2", tag, With(b, d, 5)), (e, x) => e.Narrow(x[0], dim, -3, 2));
                yield return (C("Narrow", $"rank {b.Length} dim {d} start 1 length 3", tag, With(b, d, 5)), (e, x) => e.Narrow(x[0], dim, 1, 3));
                yield return (C("Unbind", $"rank {b.Length} dim {d}", tag, b), (e, x) => Joined(e, e.Unbind(x[0], dim), dim, stack: true));
                yield return (C("Flip", $"rank {b.Length} dim {d}", tag, b), (e, x) => e.Flip(x[0], [dim]));
                yield return (C("Roll", $"rank {b.Length} dim {d} shift 3", tag, b), (e, x) => e.Roll(x[0], [3], [dim]));
                yield return (C("Roll", $"rank {b.Length} dim {d} shift -7", tag, b), (e, x) => e.Roll(x[0], [-7], [dim]));
            }
        foreach (var b in new int[][] { [], [4], [3, 4], [2, 3, 4] })
            for (int d = -b.Length - 1; d <= b.Length; d++)
            {
                int dim = d;
                yield return (C("Stack", $"rank {b.Length} dim {d}", d < 0 ? "negative dim" : "dim", b, b, b), (e, x) => e.Stack(x, dim));
            }
        yield return (C("Cat", "1-D [0] tensors are skipped", "legacy empty", [0], [2, 3], [0], [2, 1]), (e, x) => e.Cat(x, 1));
        yield return (C("Cat", "[0, 3] joins along dim 0", "empty", [0, 3], [2, 3]), (e, x) => e.Cat(x, 0));
        yield return (C("Cat", "all [0]", "legacy empty", [0], [0]), (e, x) => e.Cat(x, 0));
        yield return (C("Cat", "one tensor", "one tensor", [2, 3]), (e, x) => e.Cat(x, 1));
        yield return (C("Split", "size larger than the dim", "split_size > size", [2, 5]), (e, x) => Joined(e, e.Split(x[0], 7, 1), 1));
        yield return (C("Split", "size 0 of an empty dim", "empty", [2, 0, 3]), (e, x) => Joined(e, e.Split(x[0], 0, 1), 1));
        yield return (C("Split", "only some pieces used", "unused pieces", [6, 2]), (e, x) => { var p = e.Split(x[0], 2); return e.Mul(p[0], p[2]); });
        yield return (C("Chunk", "4 of 6 gives 3", "fewer chunks", [2, 6]), (e, x) => Joined(e, e.Chunk(x[0], 4, 1), 1));
        yield return (C("Chunk", "more chunks than elements", "chunks > size", [3, 2]), (e, x) => Joined(e, e.Chunk(x[0], 5), 0));
        yield return (C("Chunk", "3 of an empty dim", "empty", [2, 0]), (e, x) => Joined(e, e.Chunk(x[0], 3, 1), 1));
        yield return (C("Narrow", "length 0 at the end", "empty", [2, 3]), (e, x) => e.Narrow(x[0], 1, 3, 0));
        yield return (C("Narrow", "start -size", "negative start", [2, 3]), (e, x) => e.Narrow(x[0], 1, -3, 3));
        yield return (C("Unbind", "only one piece used", "unused pieces", [3, 4]), (e, x) => e.Mul(e.Unbind(x[0], 1)[2], 2.0));
        foreach (var (from, to) in new (int[], int[])[]
                 {
                     ([3, 1], [2, 3, 4]), ([1], [5]), ([], [2, 3]), ([2, 1, 3], [-1, 4, -1]), ([3], [2, 3]), ([2, 3], [2, 3]),
                     ([1, 1], [0, 1]), ([2, 1, 1, 3], [2, 2, 3, 3]), ([1, 2, 1], [3, -1, 2]), ([4, 1, 5], [2, 4, 6, 5]),
                 })
            yield return (C("Expand", $"{S(from)} to {S(to)}", to.Contains(-1) ? "-1 keeps a size" : to.Length > from.Length ? "new leading dims" : "sizes", from), (e, x) => e.Expand(x[0], to));
        foreach (var (from, reps) in new (int[], int[])[]
                 {
                     ([2, 3], [2, 1, 3]), ([], [2, 2]), ([3], [2]), ([2, 1, 2], [1, 3, 2]), ([2, 3], [0, 2]), ([2, 3], [1, 1]),
                     ([1, 2, 1, 2], [2, 1, 2, 2]), ([], []), ([0, 2], [2, 3]),
                 })
            yield return (C("Repeat", $"{S(from)} by {S(reps)}", reps.Length > from.Length ? "new leading dims" : "repeats", from), (e, x) => e.Repeat(x[0], reps));
        foreach (var dims in new int[][] { [0, 2], [1, 2], [0, 1, 2], [-3, -1], [] })
            yield return (C("Flip", $"[2,3,4] dims {S(dims)}", "several dims", [2, 3, 4]), (e, x) => e.Flip(x[0], dims));
        yield return (C("Flip", "0-dim", "0-dim", [[]]), (e, x) => e.Flip(x[0], [0]));
        yield return (C("Flip", "empty", "empty", [2, 0, 3]), (e, x) => e.Flip(x[0], [0, 2]));
        foreach (var (shifts, dims) in new (int[], int[])[] { ([1, 2], [0, 2]), ([1, 1], [1, 1]), ([7], []), ([0], [1]), ([-25], []), ([2, -1, 5], [2, 0, 1]) })
            yield return (C("Roll", $"[2,3,4] shifts {S(shifts)} dims {S(dims)}", dims.Length == 0 ? "flattened" : "several dims", [2, 3, 4]), (e, x) => e.Roll(x[0], shifts, dims));
        yield return (C("Roll", "0-dim flattened", "0-dim", [[]]), (e, x) => e.Roll(x[0], [3], []));
        yield return (C("Roll", "empty", "empty", [0, 3]), (e, x) => e.Roll(x[0], [1], [1]));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void JoiningOpsMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Cases());

    private static (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F) E(
        string op, string why, Func<IOracleBackend, OracleTensor[], OracleTensor> f, params int[][] shapes) => (op, why, shapes.Select(s => new Input(s)).ToArray(), f);

    private static readonly (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[] Configs =
    [
        E("Cat", "empty list", (e, x) => e.Cat([], 0), [2]),
        E("Cat", "ranks differ", (e, x) => e.Cat(x, 0), [2, 3], [3]),
        E("Cat", "sizes differ outside dim", (e, x) => e.Cat(x, 1), [3, 5], [4, 5]),
        E("Cat", "dim out of range", (e, x) => e.Cat(x, 2), [2, 3], [2, 3]),
        E("Cat", "negative dim out of range", (e, x) => e.Cat(x, -3), [2, 3]),
        E("Cat", "0-dim tensor", (e, x) => e.Cat(x, 0), [], []),
        E("Cat", "[0, 2] is not skipped", (e, x) => e.Cat(x, 0), [0, 2], [2, 3]),
        E("Cat", "valid: [0] skipped beside a 2-D tensor", (e, x) => e.Cat(x, 1), [2, 3], [0]),
        E("Cat", "valid: all [0], dim never checked", (e, x) => e.Cat(x, 5), [0], [0]),
        E("Stack", "empty list", (e, x) => e.Stack([], 0), [2]),
        E("Stack", "shapes differ", (e, x) => e.Stack(x, 0), [2, 3], [2, 4]),
        E("Stack", "dim out of range", (e, x) => e.Stack(x, 3), [2, 3], [2, 3]),
        E("Stack", "negative dim out of range", (e, x) => e.Stack(x, -4), [2, 3]),
        E("Stack", "valid: dim = rank", (e, x) => e.Stack(x, 2), [2, 3], [2, 3]),
        E("Split", "negative split size", (e, x) => e.Split(x[0], -1)[0], [4]),
        E("Split", "split size 0 of a non-empty dim", (e, x) => e.Split(x[0], 0)[0], [4]),
        E("Split", "0-dim tensor", (e, x) => e.Split(x[0], 1)[0], [[]]),
        E("Split", "dim out of range", (e, x) => e.Split(x[0], 1, 2)[0], [2, 3]),
        E("Split", "sections do not sum to the size", (e, x) => e.Split(x[0], [1, 2])[0], [4]),
        E("Split", "sections sum past the size", (e, x) => e.Split(x[0], [3, 2], 1)[0], [2, 4]),
        E("Split", "negative section", (e, x) => e.Split(x[0], [5, -1])[0], [4]),
        E("Split", "sections of a 0-dim tensor", (e, x) => e.Split(x[0], [1])[0], [[]]),
        E("Chunk", "chunks 0", (e, x) => e.Chunk(x[0], 0)[0], [4]),
        E("Chunk", "negative chunks", (e, x) => e.Chunk(x[0], -2)[0], [4]),
        E("Chunk", "0-dim tensor", (e, x) => e.Chunk(x[0], 2)[0], [[]]),
        E("Chunk", "dim out of range", (e, x) => e.Chunk(x[0], 2, -3)[0], [2, 3]),
        E("Narrow", "start past the end", (e, x) => e.Narrow(x[0], 0, 5, 0), [4]),
        E("Narrow", "start before -size", (e, x) => e.Narrow(x[0], 0, -5, 1), [4]),
        E("Narrow", "start + length past the end", (e, x) => e.Narrow(x[0], 1, 2, 2), [2, 3]),
        E("Narrow", "negative length", (e, x) => e.Narrow(x[0], 0, 1, -1), [4]),
        E("Narrow", "0-dim tensor", (e, x) => e.Narrow(x[0], 0, 0, 1), [[]]),
        E("Narrow", "dim out of range", (e, x) => e.Narrow(x[0], 2, 0, 1), [2, 3]),
        E("Narrow", "valid: start = size, length 0", (e, x) => e.Narrow(x[0], 0, 4, 0), [4]),
        E("Unbind", "dim out of range", (e, x) => e.Unbind(x[0], 2)[0], [2, 3]),
        E("Unbind", "0-dim tensor", (e, x) => e.Unbind(x[0], 0)[0], [[]]),
        E("Expand", "non-singleton size differs", (e, x) => e.Expand(x[0], [2, 4]), [3]),
        E("Expand", "fewer sizes than dims", (e, x) => e.Expand(x[0], [3]), [2, 3]),
        E("Expand", "-1 in a new leading dim", (e, x) => e.Expand(x[0], [-1, 3]), [3]),
        E("Expand", "negative size", (e, x) => e.Expand(x[0], [-2, 3]), [1, 3]),
        E("Expand", "valid: size 0 from 1", (e, x) => e.Expand(x[0], [0, 3]), [1, 3]),
        E("Repeat", "fewer repeats than dims", (e, x) => e.Repeat(x[0], [2]), [2, 3]),
        E("Repeat", "negative repeat", (e, x) => e.Repeat(x[0], [1, -2]), [2, 3]),
        E("Repeat", "valid: zero repeats", (e, x) => e.Repeat(x[0], [0, 1]), [2, 3]),
        E("Flip", "repeated dim", (e, x) => e.Flip(x[0], [0, -2]), [2, 3]),
        E("Flip", "dim out of range", (e, x) => e.Flip(x[0], [2]), [2, 3]),
        E("Roll", "shifts and dims differ in length", (e, x) => e.Roll(x[0], [1, 2], [0]), [2, 3]),
        E("Roll", "no shifts", (e, x) => e.Roll(x[0], [], []), [2, 3]),
        E("Roll", "dim out of range", (e, x) => e.Roll(x[0], [1], [2]), [2, 3]),
        E("Roll", "dim of a 0-dim tensor", (e, x) => e.Roll(x[0], [1], [0]), [[]]),
        E("Roll", "valid: empty tensor, dim never checked", (e, x) => e.Roll(x[0], [1], [5]), [0, 3]),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void JoiningOpsRejectExactlyWhatLibtorchRejects(DType dtype)
    {
        CrossCheck.AllAgree(dtype, Configs);
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> HvpItems()
    {
        static OracleTensor Sq(IOracleBackend e, OracleTensor t) => e.Mul(t, t);
        yield return (C("Cat", "squared first input, dim 1", "hvp", [2, 3], [2, 2]), (e, x) => e.Mul(e.Cat([Sq(e, x[0]), x[1]], 1), e.Cat([x[0], Sq(e, x[1])], 1)));
        yield return (C("Stack", "squared, dim -1", "hvp", [2, 3], [2, 3]), (e, x) => e.Mul(e.Stack([Sq(e, x[0]), x[1]], -1), e.Stack([x[1], x[0]], -1)));
        yield return (C("Split", "size 2 of 5, pieces multiplied", "hvp", [5, 2]), (e, x) => { var p = e.Split(x[0], 2); return e.Mul(e.Mul(p[0], p[1]), e.Sum(p[2])); });
        yield return (C("Split", "sections, squared", "hvp", [2, 5]), (e, x) => Joined(e, e.Split(Sq(e, x[0]), [3, 0, 2], 1), 1));
        yield return (C("Chunk", "3 of 7, squared pieces", "hvp", [7]), (e, x) => Joined(e, e.Chunk(x[0], 3).Select(p => Sq(e, p)).ToArray(), 0));
        yield return (C("Narrow", "times the input", "hvp", [4, 3]), (e, x) => e.Mul(e.Narrow(x[0], 0, -3, 2), e.Narrow(Sq(e, x[0]), 0, 1, 2)));
        yield return (C("Unbind", "pieces multiplied", "hvp", [3, 4]), (e, x) => { var p = e.Unbind(x[0], 1); return e.Mul(e.Mul(p[0], p[3]), p[1]); });
        yield return (C("Expand", "squared", "hvp", [3, 1]), (e, x) => e.Mul(e.Expand(Sq(e, x[0]), [2, 3, 4]), e.Expand(x[0], [2, 3, 4])));
        yield return (C("Repeat", "squared", "hvp", [2, 3]), (e, x) => e.Mul(e.Repeat(Sq(e, x[0]), [2, 1, 2]), e.Repeat(x[0], [2, 1, 2])));
        yield return (C("Flip", "times the input", "hvp", [2, 3, 2]), (e, x) => e.Mul(e.Flip(Sq(e, x[0]), [0, 2]), x[0]));
        yield return (C("Roll", "times the input", "hvp", [3, 4]), (e, x) => e.Mul(e.Roll(Sq(e, x[0]), [1, -2], [0, 1]), x[0]));
        yield return (C("Roll", "flattened, times the input", "hvp", [3, 4]), (e, x) => e.Mul(e.Roll(Sq(e, x[0]), [5], []), x[0]));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, HvpItems());
}
