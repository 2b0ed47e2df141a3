using static Autograd.Tests.Ops.Selection.SelectionData;

namespace Autograd.Tests.Ops.Selection;

/// <summary>
/// GradCheck and GradGradCheck (finite differences, float64) of the selection ops over grids of ranks 1–4,
/// dims (negative too), keepDim, k and broadcasting. Index tensors are seeded constants; scatter's indices have
/// no repeat along the dim (a collision has no derivative), sort/topk inputs have no ties (TestData.Distinct).
/// </summary>
public class SelectionGradTests
{
    public static TheoryData<string> Cases => new(All.Keys);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Tensor[] Inputs)> All = Build();

    private static Dictionary<string, (Func<Tensor[], Tensor>, Tensor[])> Build()
    {
        var r = new Dictionary<string, (Func<Tensor[], Tensor>, Tensor[])>();
        int seed = 1;
        Tensor X(int[] s) => TestData.Randn(s, seed++);
        Tensor D(int[] s) => TestData.Distinct(s, seed++);

        // where: broadcasting of all three, numbers on either side
        foreach (var (c, a, b) in new (int[], int[], int[])[] { ([4], [4], [4]), ([2, 3], [3], [2, 1]), ([2, 1, 4], [3, 1], [2, 3, 4]), ([1, 2, 3, 2], [2, 1, 2], [3, 1]), ([], [2, 2], [2, 2]) })
        {
            var cond = Tensor.From(Mask(c, seed), c);
            r[$"where cond {Fmt(c)} a {Fmt(a)} b {Fmt(b)}"] = (t => F.Where(cond, t[0], t[1]), [X(a), X(b)]);
        }
        { var cond = Tensor.From(Mask([3, 4], 5), [3, 4]); r["where with number b"] = (t => F.Where(cond, t[0], 0.5), [X([3, 4])]); r["tensor.where(cond, number)"] = (t => t[0].Where(cond, -2), [X([4])]); }

        // masked_fill: the mask broadcasts (and may broadcast x), number and 0-dim tensor values
        foreach (var (x, m) in new (int[], int[])[] { ([5], [5]), ([2, 3], [3]), ([3, 1], [2, 1, 4]), ([2, 2, 3, 2], [2, 1, 2]), ([], []) })
        {
            var mask = Tensor.From(Mask(m, seed), m);
            r[$"masked_fill x {Fmt(x)} mask {Fmt(m)}"] = (t => F.MaskedFill(t[0], mask, 1.5), [X(x)]);
            r[$"masked_fill tensor value x {Fmt(x)} mask {Fmt(m)}"] = (t => t[0].MaskedFill(mask, t[1] * 2), [X(x), X([])]);
        }

        foreach (var (shape, dim) in new (int[], int)[] { ([5], 0), ([3, 4], 1), ([3, 4], -2), ([2, 3, 4], 1), ([2, 3, 2, 3], -1), ([2, 3, 2, 3], 0) })
        {
            int size = shape[(dim + shape.Length) % shape.Length];
            // index_select with repeats (their gradients add up)
            var sel = Tensor.From(Indices([size + 2], size, seed), [size + 2]);
            r[$"index_select {Fmt(shape)} dim {dim}"] = (t => F.IndexSelect(t[0], dim, sel), [X(shape)]);
            // gather with repeats, the index smaller than x in other dims
            var gShape = shape.Select((s, i) => i == (dim + shape.Length) % shape.Length ? s + 1 : Math.Max(1, s - 1)).ToArray();
            var gi = Tensor.From(Indices(gShape, size, seed), gShape);
            r[$"gather {Fmt(shape)} dim {dim} index {Fmt(gShape)}"] = (t => t[0].Gather(dim, gi), [X(shape)]);
            // scatter / scatter_add: distinct indices along dim, src larger than index in the scatter case
            var sShape = shape.Select((s, i) => i == (dim + shape.Length) % shape.Length ? Math.Max(1, s - 1) : s).ToArray();
            var si = Tensor.From(Distinct(sShape, (dim + shape.Length) % shape.Length, size, seed), sShape);
            var srcShape = sShape.Select(s => s + 1).ToArray();
            r[$"scatter {Fmt(shape)} dim {dim} src {Fmt(srcShape)}"] = (t => F.Scatter(t[0], dim, si, t[1]), [X(shape), X(srcShape)]);
            r[$"scatter value {Fmt(shape)} dim {dim}"] = (t => t[0].Scatter(dim, si, -0.5), [X(shape)]);
            var ai = Tensor.From(Indices(sShape, size, seed + 1), sShape);   // repeats add up
            r[$"scatter_add {Fmt(shape)} dim {dim}"] = (t => F.ScatterAdd(t[0], dim, ai, t[1]), [X(shape), X(sShape)]);
            // sort / topk without ties
            foreach (bool desc in new[] { false, true })
                r[$"sort {Fmt(shape)} dim {dim} descending {desc}"] = (t => F.Sort(t[0], dim, desc).Values, [D(shape)]);
            foreach (int k in new[] { 1, size }.Distinct())
                foreach (bool largest in new[] { true, false })
                    r[$"topk {Fmt(shape)} k {k} dim {dim} largest {largest}"] = (t => t[0].Topk(k, dim, largest).Values, [D(shape)]);
        }

        // clamp with tensor bounds: broadcasting (x too: [3] against min [2, 1], whose backward libtorch 2.10 rejects),
        // one bound only, min > max somewhere
        foreach (var (x, lo, hi) in new (int[], int[]?, int[]?)[] { ([6], [6], [6]), ([2, 3], [3], [2, 1]), ([2, 3, 4], [1, 4], null), ([3, 1, 2, 2], null, [2, 1, 2]), ([], [], []), ([3], [2, 1], [1]) })
        {
            Tensor[] inputs = [X(x), .. lo is null ? Array.Empty<Tensor>() : [X(lo)], .. hi is null ? Array.Empty<Tensor>() : [Add(X(hi), 0.8)]];
            bool hasLo = lo is not null, hasHi = hi is not null;
            r[$"clamp tensor x {Fmt(x)} min {(hasLo ? Fmt(lo!) : "none")} max {(hasHi ? Fmt(hi!) : "none")}"] = (t =>
                F.Clamp(t[0], hasLo ? t[1] : null, hasHi ? t[hasLo ? 2 : 1] : null), inputs);
        }
        return r;

        static Tensor Add(Tensor t, double v) { var d = t.ToDoubleArray().Select(x => x + v).ToArray(); return Tensor.From(d, t.Dims, requiresGrad: true); }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string name)
    {
        var (f, inputs) = All[name];
        Assert.True(GradCheck.Check(f, inputs), name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, inputs) = All[name];
        // A second derivative of a piecewise-linear op is zero almost everywhere; an op applied to x² makes the
        // Hessian non-trivial (the rule's gradient must route the second-order term correctly).
        Assert.True(GradGradCheck.Check(t => { var y = f(t); return y * y; }, inputs), name);
    }
}
