using static Autograd.TensorIndex;

namespace Autograd.Tests.Indexing;

/// <summary>The grid of index expressions the GradCheck and GradGradCheck tests run: reads, and writes into a copy.</summary>
internal static class IndexCases
{
    internal static Tensor Long(params long[] v) => Tensor.From(v);
    internal static Tensor Long2(long[] v, int[] shape) => Tensor.From(v, shape);
    internal static Tensor Mask(bool[] v, int[] shape) => Tensor.From(v, shape);

    private static readonly bool[] Mask456 = Enumerable.Range(0, 120).Select(i => i % 7 == 2 || i % 5 == 0).ToArray();

    /// <summary>name → (f, shapes of the float64 inputs).</summary>
    internal static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> Reads = new()
    {
        ["x[1]"] = (t => t[0][1], [[4, 5, 6]]),
        ["x[-1]"] = (t => t[0][-1], [[4, 5, 6]]),
        ["x[^1]"] = (t => t[0][^1], [[4, 5, 6]]),
        ["x[1..^1]"] = (t => t[0][1..^1], [[4, 5, 6]]),
        ["x[.., 2]"] = (t => t[0][.., 2], [[4, 5, 6]]),
        ["x[1, ^2, 3] (0-dim)"] = (t => t[0][1, ^2, 3], [[4, 5, 6]]),
        ["x[::2]"] = (t => t[0][Slice(0, null, 2)], [[5, 3]]),
        ["x[.., 1:5:3]"] = (t => t[0][.., Slice(1, 5, 3)], [[4, 5, 6]]),
        ["x[-3:, :-1:2]"] = (t => t[0][Slice(-3), Slice(null, -1, 2)], [[4, 5, 6]]),
        ["x[10:20] (empty)"] = (t => t[0][Slice(10, 20)], [[4, 5]]),
        ["x[..., 1]"] = (t => t[0][Ellipsis, 1], [[4, 5, 6]]),
        ["x[0, ..., ::2]"] = (t => t[0][0, Ellipsis, Slice(null, null, 2)], [[4, 5, 6]]),
        ["x[None, :, None]"] = (t => t[0][None, .., NewAxis], [[4, 5]]),
        ["x[...] (copy)"] = (t => t[0][Ellipsis], [[3, 4]]),
        ["x[idx] repeated"] = (t => t[0][Long(0, 2, 2, -1)], [[4, 5, 6]]),
        ["x[idx2d]"] = (t => t[0][Long2([0, 3, 1, 1, 2, 0], [2, 3])], [[4, 5]]),
        ["x[:, i, j] adjacent"] = (t => t[0][.., Long(0, 4, 4), Long2([5, 0, 1], [3])], [[4, 5, 6]]),
        ["x[i, :, j] apart"] = (t => t[0][Long(0, 3), .., Long(5, 1)], [[4, 5, 6]]),
        ["x[i, 0, j] int between"] = (t => t[0][Long(0, 3), 0, Long(5, 1)], [[4, 5, 6]]),
        ["x[i, None, j] apart"] = (t => t[0][Long(0, 3), None, Long(2, 1)], [[4, 5]]),
        ["x[i col, j row] broadcast"] = (t => t[0][Long2([0, 1, 3], [3, 1]), Long2([4, 2], [1, 2])], [[4, 5]]),
        ["x[int32 idx, 1:3]"] = (t => t[0][Tensor.From([3, 0, 3]), 1..3], [[4, 5, 6]]),
        ["x[0-dim idx]"] = (t => t[0][Long2([2], [])], [[4, 5]]),
        ["x[mask] full"] = (t => t[0][Mask(Mask456, [4, 5, 6])], [[4, 5, 6]]),
        ["x[mask2d]"] = (t => t[0][Mask([true, false, false, true, true, false, true, false, false, false, true, true, false, true, false, true, false, false, true, false], [4, 5])], [[4, 5, 6]]),
        ["x[..., mask]"] = (t => t[0][Ellipsis, Mask([true, false, true, true, false, false], [6])], [[4, 5, 6]]),
        ["x[true]"] = (t => t[0][true], [[3, 2]]),
        ["x[false]"] = (t => t[0][false], [[3, 2]]),
        ["x[1:3][idx] chained"] = (t => t[0][1..3][Long(1, 0, 1)] * t[0][2], [[4, 3]]),
    };

    /// <summary>Writes into a copy of the first input (a leaf that requires grad cannot be written in place).</summary>
    internal static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> Writes = new()
    {
        ["y[1..3] = v"] = (t => { var y = t[0] * 1.0; y[1..3] = t[1]; return y; }, [[4, 3], [2, 3]]),
        ["y[1..3] = v broadcast"] = (t => { var y = t[0] * 1.0; y[1..3] = t[1]; return y; }, [[4, 3], [3]]),
        ["y[.., ::2] = v[1, 1, 2]"] = (t => { var y = t[0] * 1.0; y[.., Slice(null, null, 2)] = t[1]; return y; }, [[4, 3], [1, 1, 2]]),
        ["y[1] = 0-dim v"] = (t => { var y = t[0] * 1.0; y[1] = t[1]; return y; }, [[4, 3], []]),
        ["y[mask] = 0"] = (t => { var y = t[0] * 1.0; y[Mask([true, false, true, false, false, true], [2, 3])] = 0; return y * t[0]; }, [[2, 3]]),
        ["y[mask] = v"] = (t => { var y = t[0] * 1.0; y[Mask([true, false, true, true], [4])] = t[1]; return y; }, [[4, 2], [3, 2]]),
        ["y[idx] = v"] = (t => { var y = t[0] * 1.0; y[Long(3, 0)] = t[1]; return y; }, [[4, 3], [2, 3]]),
        ["y[i, :, j] = v"] = (t => { var y = t[0] * 1.0; y[Long(0, 3), .., Long(5, 1)] = t[1]; return y; }, [[4, 5, 6], [5]]),
        ["y.IndexPut_ accumulate repeated"] = (t => (t[0] * 1.0).IndexPut_([Long(1, 1, 0, 1)], t[1], accumulate: true), [[3, 2], [4, 2]]),
        ["y.IndexPut_ 2 indices"] = (t => (t[0] * 1.0).IndexPut_([Long(0, 2), Long(1, 0)], t[1]), [[3, 2], [2]]),
        ["IndexPut out of place accumulate"] = (t => t[0].IndexPut([Long(2, 2)], t[1], accumulate: true), [[3, 2], [1, 2]]),
        ["y[idx] = y[other] (reads before writing)"] = (t => { var y = t[0] * 1.0; y[Long(0, 1)] = y[Long(2, 3)] * t[1]; return y; }, [[4, 2], [2]]),
    };
}
