using static Autograd.TensorIndex;

namespace Autograd.Tests.Ops.Indexing;

/// <summary>
/// The grid of index expressions: the GradCheck/GradGradCheck tests read and write through them on our engine,
/// the oracle tests on both engines.
/// </summary>
internal static class IndexCases
{
    internal static Tensor Long(params long[] v) => Tensor.From(v);
    internal static Tensor Long2(long[] v, int[] shape) => Tensor.From(v, shape);
    internal static Tensor Mask(bool[] v, int[] shape) => Tensor.From(v, shape);

    private static readonly bool[] Mask456 = Enumerable.Range(0, 120).Select(i => i % 7 == 2 || i % 5 == 0).ToArray();
    private static readonly bool[] Mask45 = [true, false, false, true, true, false, true, false, false, false, true, true, false, true, false, true, false, false, true, false];

    /// <summary>name → (shape of x, the index expression).</summary>
    internal static readonly Dictionary<string, (int[] Shape, TensorIndex[] Ix)> Expressions = new()
    {
        ["x[1]"] = ([4, 5, 6], [1]),
        ["x[-1]"] = ([4, 5, 6], [-1]),
        ["x[^1]"] = ([4, 5, 6], [^1]),
        ["x[1..^1]"] = ([4, 5, 6], [1..^1]),
        ["x[.., 2]"] = ([4, 5, 6], [Colon, 2]),
        ["x[1, ^2, 3] (0-dim)"] = ([4, 5, 6], [1, ^2, 3]),
        ["x[2] of 1-D (0-dim)"] = ([5], [2]),
        ["x[::2]"] = ([5, 3], [Slice(0, null, 2)]),
        ["x[.., 1:5:3]"] = ([4, 5, 6], [Colon, Slice(1, 5, 3)]),
        ["x[-3:, :-1:2]"] = ([4, 5, 6], [Slice(-3), Slice(null, -1, 2)]),
        ["x[-10:2, 3:100]"] = ([4, 5], [Slice(-10, 2), Slice(3, 100)]),
        ["x[10:20] (empty)"] = ([4, 5], [Slice(10, 20)]),
        ["x[3:1] (empty)"] = ([4, 5], [Slice(3, 1)]),
        ["x[..., 1]"] = ([4, 5, 6], [Ellipsis, 1]),
        ["x[0, ..., ::2]"] = ([4, 5, 6], [0, Ellipsis, Slice(null, null, 2)]),
        ["x[..., None]"] = ([4, 5], [Ellipsis, None]),
        ["x[None, :, None]"] = ([4, 5], [None, Colon, NewAxis]),
        ["x[...] (copy)"] = ([3, 4], [Ellipsis]),
        ["x[:] (copy)"] = ([3, 4], [Colon]),
        ["x[None] of 0-dim"] = ([], [None]),
        ["x[...] of 0-dim"] = ([], [Ellipsis]),
        ["x[idx] repeated"] = ([4, 5, 6], [Long(0, 2, 2, -1)]),
        ["x[idx2d]"] = ([4, 5], [Long2([0, 3, 1, 1, 2, 0], [2, 3])]),
        ["x[empty idx]"] = ([4, 5], [Long2([], [0])]),
        ["x[:, i, j] adjacent"] = ([4, 5, 6], [Colon, Long(0, 4, 4), Long(5, 0, 1)]),
        ["x[i, :, j] apart"] = ([4, 5, 6], [Long(0, 3), Colon, Long(5, 1)]),
        ["x[i, 0, j] int between"] = ([4, 5, 6], [Long(0, 3), 0, Long(5, 1)]),
        ["x[0, :, j] int then tensor"] = ([4, 5, 6], [0, Colon, Long(5, 1, 1)]),
        ["x[i, None, j] apart"] = ([4, 5], [Long(0, 3), None, Long(2, 1)]),
        ["x[1:3, i, ::2] slice around"] = ([4, 5, 6], [1..3, Long(2, 0, 4), Slice(null, null, 2)]),
        ["x[i col, j row] broadcast"] = ([4, 5], [Long2([0, 1, 3], [3, 1]), Long2([4, 2], [1, 2])]),
        ["x[int32 idx, 1:3]"] = ([4, 5, 6], [Tensor.From([3, 0, 3]), 1..3]),
        ["x[0-dim idx]"] = ([4, 5], [Long2([2], [])]),
        ["x[0-dim idx, j]"] = ([4, 5], [Long2([-1], []), Long(1, 1, 0)]),
        ["x[mask] full"] = ([4, 5, 6], [Mask(Mask456, [4, 5, 6])]),
        ["x[mask2d]"] = ([4, 5, 6], [Mask(Mask45, [4, 5])]),
        ["x[:, mask2d]"] = ([3, 4, 5], [Colon, Mask(Mask45, [4, 5])]),
        ["x[..., mask]"] = ([4, 5, 6], [Ellipsis, Mask([true, false, true, true, false, false], [6])]),
        ["x[mask, j] mask with index"] = ([4, 5], [Mask([true, false, true, true], [4]), Long(4, 0, 2)]),
        ["x[all-false mask]"] = ([3, 2], [Mask([false, false, false], [3])]),
        ["x[uint8 mask]"] = ([3, 2], [Tensor.From(new byte[] { 1, 0, 1 }, [3])]),
        ["x[true]"] = ([3, 2], [true]),
        ["x[false]"] = ([3, 2], [false]),
        ["x[1, true]"] = ([3, 2], [1, true]),
    };

    internal static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> Reads =
        Expressions.ToDictionary(kv => kv.Key, kv => ((Func<Tensor[], Tensor>)(t => t[0][kv.Value.Ix]), new[] { kv.Value.Shape }))
            .Append(new("x[1:3][idx] * x[2] chained", (t => t[0][1..3][Long(1, 0, 1)] * t[0][2], [[4, 3]])))
            .Append(new("x[.., 1] + x[0] (C# syntax)", (t => t[0][.., 1] + t[0][0, ..3], [[3, 3]])))
            .ToDictionary();

    /// <summary>name → (shape of x, index, shape of the value), for x[index] = value.</summary>
    internal static readonly Dictionary<string, (int[] Shape, TensorIndex[] Ix, int[] Value)> Assignments = new()
    {
        ["y[1..3] = v"] = ([4, 3], [1..3], [2, 3]),
        ["y[1..3] = v broadcast"] = ([4, 3], [1..3], [3]),
        ["y[.., ::2] = v[1, 1, 2]"] = ([4, 3], [Colon, Slice(null, null, 2)], [1, 1, 2]),
        ["y[1] = 0-dim v"] = ([4, 3], [1], []),
        ["y[^1, 1:] = v"] = ([4, 3], [^1, Slice(1)], [2]),
        ["y[None, 2] = v"] = ([4, 3], [None, 2], [1, 3]),
        ["y[mask] = v"] = ([4, 2], [Mask([true, false, true, true], [4])], [3, 2]),
        ["y[mask2d] = v"] = ([2, 3], [Mask([true, false, true, false, false, true], [2, 3])], [3]),
        ["y[idx] = v"] = ([4, 3], [Long(3, 0)], [2, 3]),
        ["y[idx] = v broadcast"] = ([4, 3], [Long(3, 0, -2)], [1, 3]),
        ["y[i, :, j] = v"] = ([4, 5, 6], [Long(0, 3), Colon, Long(5, 1)], [5]),
        ["y[:, i] = v"] = ([3, 4], [Colon, Long(2, 0)], [3, 2]),
    };

    /// <summary>name → (shape of x, index tensors, shape of the values, accumulate), for x.IndexPut_.</summary>
    internal static readonly Dictionary<string, (int[] Shape, Tensor[] Ix, int[] Value, bool Accumulate)> Puts = new()
    {
        ["index_put_ rows"] = ([4, 3], [Long(1, 3)], [2, 3], false),
        ["index_put_ 2 indices"] = ([3, 2], [Long(0, 2), Long(1, 0)], [2], false),
        ["index_put_ broadcast value"] = ([3, 2], [Long(0, 2)], [2], false),
        ["index_put_ accumulate repeated rows"] = ([3, 2], [Long(1, 1, 0, 1)], [4, 2], true),
        ["index_put_ accumulate repeated broadcast"] = ([3, 2], [Long(2, 2)], [1, 2], true),
        ["index_put_ accumulate repeated pairs"] = ([3, 4], [Long(0, 2, 0, 0), Long(1, 3, 1, -3)], [4], true),
        ["index_put_ accumulate 2-D index"] = ([5], [Long2([0, 4, 4, 0, 1, 0], [2, 3])], [2, 3], true),
    };

    /// <summary>Writes into a copy of the first input (a leaf that requires grad cannot be written in place).</summary>
    internal static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> Writes =
        Assignments.ToDictionary(kv => kv.Key, kv => ((Func<Tensor[], Tensor>)(t => { var y = t[0] * 1.0; y[kv.Value.Ix] = t[1]; return y; }), new[] { kv.Value.Shape, kv.Value.Value }))
            .Concat(Puts.ToDictionary(kv => kv.Key, kv => ((Func<Tensor[], Tensor>)(t => (t[0] * 1.0).IndexPut_(kv.Value.Ix, t[1], kv.Value.Accumulate)), new[] { kv.Value.Shape, kv.Value.Value })))
            .Append(new("y[mask] = 0", (t => { var y = t[0] * 1.0; y[Mask([true, false, true, false, false, true], [2, 3])] = 0; return y * t[0]; }, [[2, 3]])))
            .Append(new("IndexPut out of place accumulate", (t => t[0].IndexPut([Long(2, 2)], t[1], accumulate: true), [[3, 2], [1, 2]])))
            .Append(new("y[idx] = y[other] * v (reads before writing)", (t => { var y = t[0] * 1.0; y[Long(0, 1)] = y[Long(2, 3)] * t[1]; return y; }, [[4, 2], [2]])))
            // Writes through slice views (Note [Slice views]): CopySlices on the base, AsStridedBackward0 on an older view.
            .Append(new("y[:, 1:, ::2].mul_(v), read y", (t => { var y = t[0] * 1.0; y[.., 1.., TensorIndex.Slice(null, null, 2)].Mul_(t[1]); return y; }, [[2, 3, 4], [2, 2, 2]])))
            .Append(new("y[1][::2].exp_() (a view of a view), read y", (t => { var y = t[0] * 1.0; y[1][TensorIndex.Slice(null, null, 2)].Exp_(); return y; }, [[3, 4]])))
            .Append(new("v = y[0]; y.mul_(w); read v", (t => { var y = t[0] * 1.0; var v = y[0]; y.Mul_(t[1]); return v * t[0][1]; }, [[2, 3], [2, 3]])))
            .Append(new("y[:, 0].copy_(v), read y * x", (t => { var y = t[0] * 1.0; y[.., 0].Copy_(t[1]); return y * t[0]; }, [[3, 2], [3]])))
            .ToDictionary();
}
