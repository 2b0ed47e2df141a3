namespace Autograd.Tests.Ops.Joining;

/// <summary>
/// The grid of joining and splitting configurations shared by the GradCheck and GradGradCheck tests:
/// ranks 1–4 (0–3 for stack), every dim in positive and negative form, uneven splits and empty tensors.
/// Each function squares one input (or every piece, weighted by its position), so the second
/// derivative is not zero and each piece's gradient is told apart from the others'.
/// </summary>
internal static class JoiningCases
{
    internal static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> All = Build();

    private static int[] Base(int rank) => new[] { 2, 3, 2, 3 }[..rank];

    private static int[] With(int[] shape, int dim, int size)
    {
        var s = (int[])shape.Clone();
        s[(dim + s.Length) % s.Length] = size;
        return s;
    }

    /// <summary>The pieces joined back along <paramref name="dim"/>, piece k squared and weighted by k + 1.</summary>
    internal static Tensor Weighted(Tensor[] pieces, int dim, bool stack = false)
    {
        var w = pieces.Select((p, k) => p * p * (k + 1.0)).ToArray();
        return stack ? F.Stack(w, dim) : F.Cat(w, dim);
    }

    private static Dictionary<string, (Func<Tensor[], Tensor>, int[][])> Build()
    {
        var c = new Dictionary<string, (Func<Tensor[], Tensor>, int[][])>();
        for (int r = 1; r <= 4; r++)
            for (int d = -r; d < r; d++)
            {
                int dim = d;
                var b = Base(r);
                c[$"cat rank {r} dim {d} (sizes 2, 1, 0)"] = (t => F.Cat([t[0] * t[0], t[1], t[2]], dim), [With(b, d, 2), With(b, d, 1), With(b, d, 0)]);
                c[$"split rank {r} dim {d} size 2 of 5"] = (t => Weighted(F.Split(t[0], 2, dim), dim), [With(b, d, 5)]);
                c[$"split sections [1, 0, 3, 1] rank {r} dim {d}"] = (t => Weighted(F.Split(t[0], [1, 0, 3, 1], dim), dim), [With(b, d, 5)]);
                c[$"chunk 3 of 5 rank {r} dim {d}"] = (t => Weighted(F.Chunk(t[0], 3, dim), dim), [With(b, d, 5)]);
                c[$"narrow -3, 2 rank {r} dim {d}"] = (t => F.Narrow(t[0] * t[0], dim, -3, 2), [With(b, d, 4)]);
                c[$"unbind rank {r} dim {d}"] = (t => Weighted(F.Unbind(t[0], dim), dim, stack: true), [b]);
            }
        for (int r = 0; r <= 3; r++)
            for (int d = -r - 1; d <= r; d++)
            {
                int dim = d;
                var b = Base(r);
                c[$"stack rank {r} dim {d}"] = (t => F.Stack([t[0] * t[0], t[1], t[2]], dim), [b, b, b]);
            }
        c["cat: a 1-D [0] tensor is skipped (dim 1)"] = (t => F.Cat([t[0] * t[0], t[1], t[2]], 1), [[2, 3], [0], [2, 2]]);
        c["cat: a [0, 3] tensor is joined (dim 0)"] = (t => F.Cat([t[0] * t[0], t[1]], 0), [[2, 3], [0, 3]]);
        c["cat: one tensor"] = (t => F.Cat([t[0] * t[0]], -1), [[2, 3]]);
        c["cat: the same tensor twice"] = (t => F.Cat([t[0] * t[0], t[0]], 0), [[2, 3]]);
        c["split: size larger than the dim"] = (t => Weighted(F.Split(t[0], 7, 1), 1), [[2, 5]]);
        c["split: size 0 of an empty dim"] = (t => Weighted(F.Split(t[0], 0, 1), 1), [[2, 0, 3]]);
        c["split: size 3 of 6 (even)"] = (t => Weighted(F.Split(t[0], 3), 0), [[6, 2]]);
        c["split: pieces used unevenly"] = (t => { var p = F.Split(t[0], 2, -1); return p[0] * p[2] + p[0]; }, [[3, 6]]);
        c["chunk: 4 of 6 gives 3 pieces"] = (t => Weighted(F.Chunk(t[0], 4, -1), -1), [[2, 6]]);
        c["chunk: more chunks than elements"] = (t => Weighted(F.Chunk(t[0], 7), 0), [[5, 2]]);
        c["chunk: 3 of an empty dim"] = (t => Weighted(F.Chunk(t[0], 3, 1), 1), [[2, 0]]);
        c["narrow: length 0 at the end"] = (t => F.Narrow(t[0] * t[0], 1, 3, 0), [[2, 3]]);
        c["narrow: the whole dim"] = (t => F.Narrow(t[0] * t[0], 0, 0, 3), [[3, 2]]);
        c["unbind: one piece used"] = (t => F.Unbind(t[0], 1)[2] * t[1], [[2, 4], [2]]);
        c["unbind: empty dim"] = (t => t[0] * F.Stack([.. F.Unbind(t[1], 1), t[0]], 0).Sum(), [[2], [2, 0]]);
        foreach (var (from, to) in new (int[], int[])[]
                 {
                     ([3, 1], [2, 3, 4]), ([1], [5]), ([], [2, 3]), ([2, 1, 3], [-1, 4, -1]), ([3], [2, 3]),
                     ([2, 3], [2, 3]), ([1, 1], [0, 1]), ([2, 1, 1, 3], [2, 2, 3, 3]), ([1, 2, 1], [3, -1, 2]),
                 })
            c[$"expand [{string.Join(",", from)}] to [{string.Join(",", to)}]"] = (t => F.Expand(t[0] * t[0], to), [from]);
        foreach (var (from, reps) in new (int[], int[])[]
                 {
                     ([2, 3], [2, 1, 3]), ([], [2, 2]), ([3], [2]), ([2, 1, 2], [1, 3, 2]), ([2, 3], [0, 2]),
                     ([2, 3], [1, 1]), ([1, 2, 1, 2], [2, 1, 2, 2]), ([], []),
                 })
            c[$"repeat [{string.Join(",", from)}] by [{string.Join(",", reps)}]"] = (t => F.Repeat(t[0] * t[0], reps), [from]);
        foreach (var dims in new int[][] { [0], [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2], [-3, -2], [] })
            c[$"flip [2,3,2] dims [{string.Join(",", dims)}]"] = (t => F.Flip(t[0] * t[0], dims), [[2, 3, 2]]);
        c["flip 1-D"] = (t => F.Flip(t[0] * t[0], 0), [[5]]);
        c["flip 4-D dims 1, 3"] = (t => F.Flip(t[0] * t[0], 1, 3), [[2, 2, 3, 2]]);
        c["flip 0-dim"] = (t => F.Flip(t[0] * t[0], 0), [[]]);
        c["flip empty"] = (t => F.Flip(t[0] * t[0], 1), [[2, 0]]);
        foreach (var (shifts, dims) in new (int[], int[])[]
                 {
                     ([1], [0]), ([-1], [1]), ([5], [2]), ([1, 2], [0, 2]), ([1, 1], [1, 1]), ([7], []), ([0], [1]), ([-9], [-1]),
                 })
            c[$"roll [2,3,4] shifts [{string.Join(",", shifts)}] dims [{string.Join(",", dims)}]"] = (t => F.Roll(t[0] * t[0], shifts, dims), [[2, 3, 4]]);
        c["roll flattened by -4"] = (t => F.Roll(t[0] * t[0], -4), [[3, 2]]);
        c["roll 0-dim flattened"] = (t => F.Roll(t[0] * t[0], 3), [[]]);
        c["roll empty"] = (t => F.Roll(t[0] * t[0], [1], [0]), [[0, 3]]);
        return c;
    }
}
