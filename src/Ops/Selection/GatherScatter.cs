namespace Autograd;

// gather:      r[p] = x[p with p[dim] = index[p]]                        GatherBackward0: dX = scatter_add(zeros, dim, index, dR)
// scatter:     r = x; r[p with p[dim] = index[p]] = src[p] (or value)    ScatterBackward0: dX = dR with the written positions zeroed,
//                                                                         dSrc = gather(dR, dim, index)
// scatter_add: r = x; r[p with p[dim] = index[p]] += src[p]              ScatterAddBackward0: dX = dR, dSrc = gather(dR, dim, index)
// Index rules as PyTorch's ScatterGatherChecks.h: an int64 (or int32, which libtorch 2.10 accepts) index of the same rank as x (0-dim counts as 1-dim);
// index.size(d) <= x.size(d) for d != dim (and <= src.size(d) for every d); every index in [0, x.size(dim)).
// Scatter with repeated indices writes one of them (PyTorch leaves which undefined; here the last).
// dSrc is src-shaped: where src is larger than index its extra elements get 0 (PyTorch's gather(dR) would have
// index's shape there and its engine rejects it). All gradients are routes or selects, so differentiable again.
public static partial class F
{
    /// <summary>torch.gather(x, dim, index): x's elements picked along <paramref name="dim"/> by an int64 index of x's rank.</summary>
    public static Tensor Gather(Tensor x, int dim, Tensor index)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "gather");
        IndexMaps.CheckDType(index, "gather");
        if (Math.Max(index.Rank, 1) != Math.Max(x.Rank, 1))
            throw new ArgumentException("gather(): Index tensor must have the same number of dimensions as input tensor", nameof(index));
        int[] ix = IndexMaps.NonEmpty(index.Dims), xs = IndexMaps.NonEmpty(x.Dims);
        for (int i = 0; i < ix.Length; i++)
            if (i != d && ix[i] > xs[i])
                throw new ArgumentException($"gather(): Size does not match at dimension {i} expected index {ShapeUtil.Format(index.Dims)} to be no larger than self {ShapeUtil.Format(x.Dims)} apart from dimension {d}", nameof(index));
        if (!Node.NeedsGrad([x]) && GatherDirect.TryRun(x, d, index) is { } direct) return direct;
        var (map, _) = IndexMaps.AlongDim(IndexMaps.Values(index, "gather"), index.Dims, x.Dims, d, null, "gather");
        return Route(x, map, null, index.Dims, "GatherBackward0", "ScatterAddBackward0");
    }

    /// <summary>torch.scatter(x, dim, index, src): a copy of x with src[p] written at p with p[dim] = index[p].</summary>
    public static Tensor Scatter(Tensor x, int dim, Tensor index, Tensor src) => ScatterOp(x, dim, index, src, null, add: false);

    /// <summary>torch.scatter(x, dim, index, value): a copy of x with <paramref name="value"/> written at the indexed positions.</summary>
    public static Tensor Scatter(Tensor x, int dim, Tensor index, double value) => ScatterOp(x, dim, index, null, value, add: false);

    /// <summary>torch.scatter_add(x, dim, index, src): a copy of x with src[p] added at p with p[dim] = index[p].</summary>
    public static Tensor ScatterAdd(Tensor x, int dim, Tensor index, Tensor src) => ScatterOp(x, dim, index, src, null, add: true);

    private static Tensor ScatterOp(Tensor x, int dim, Tensor index, Tensor? src, double? value, bool add)
    {
        string op = add ? "scatter_add" : "scatter";
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, op);
        var values = IndexMaps.Values(index, op);
        if (src is not null && src.DType != x.DType)
            throw new ArgumentException($"{op}(): Expected self.dtype to be equal to src.dtype", nameof(src));
        int rank = Math.Max(x.Rank, 1);
        if (Math.Max(index.Rank, 1) != rank)
            throw new ArgumentException($"{op}(): Index tensor must have the same number of dimensions as self tensor", nameof(index));
        if (src is not null && Math.Max(src.Rank, 1) != rank)
            throw new ArgumentException($"{op}(): Index tensor must have the same number of dimensions as src tensor", nameof(src));
        int[] ix = IndexMaps.NonEmpty(index.Dims), xs = IndexMaps.NonEmpty(x.Dims), ss = src is null ? ix : IndexMaps.NonEmpty(src.Dims);
        for (int i = 0; i < rank; i++)
            if ((i != d && ix[i] > xs[i]) || ix[i] > ss[i])
                throw new ArgumentException(src is null
                    ? $"{op}(): Expected index {ShapeUtil.Format(index.Dims)} to be no larger than self {ShapeUtil.Format(x.Dims)} apart from dimension {d}"
                    : $"{op}(): Expected index {ShapeUtil.Format(index.Dims)} to be no larger than self {ShapeUtil.Format(x.Dims)} apart from dimension {d} and to be no larger size than src {ShapeUtil.Format(src.Dims)}", nameof(index));
        var (to, from) = IndexMaps.AlongDim(values, index.Dims, x.Dims, d, src?.Dims, op);

        var r = new Tensor((Array)x.Storage.Clone(), x.Dims);
        if (src is null) Moves.Fill(Tensor.Scalar(value!.Value, x.DType).Storage, r.Storage, to);
        else if (add) Moves.Accumulate(src.Storage, from, r.Storage, to);
        else Moves.Move(src.Storage, from, r.Storage, to);

        if (src is null ? !Node.NeedsGrad([x]) : !Node.NeedsGrad([x, src])) return r;
        int[]? srcShape = src?.Dims;
        bool[]? kept = null;
        if (!add)
        {
            kept = new bool[x.Numel];
            Array.Fill(kept, true);
            foreach (int i in to) kept[i] = false;
        }
        string node = add ? "ScatterAddBackward0" : src is null ? "ScatterBackward1" : "ScatterBackward0";
        BackwardFn backward = g =>
        {
            var dx = add ? g : KeepWhere(g, kept!, "MaskedFillBackward0");
            var dsrc = srcShape is null ? null : Route(g, to, from, srcShape, "GatherBackward0", "ScatterAddBackward0");
            return srcShape is null ? [dx] : [dx, dsrc];
        };
        return src is null ? Node.Record(r, node, [x], backward, differentiable: true)
            : Node.Record(r, node, [x, src], backward, differentiable: true);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the GatherScatter ops in <see cref="F"/>.</summary>
public static class TensorGatherScatterExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.gather(dim, index).</summary>
        public Tensor Gather(int dim, Tensor index) => F.Gather(x, dim, index);

        /// <summary>tensor.scatter(dim, index, src).</summary>
        public Tensor Scatter(int dim, Tensor index, Tensor src) => F.Scatter(x, dim, index, src);

        /// <summary>tensor.scatter(dim, index, value).</summary>
        public Tensor Scatter(int dim, Tensor index, double value) => F.Scatter(x, dim, index, value);

        /// <summary>tensor.scatter_add(dim, index, src).</summary>
        public Tensor ScatterAdd(int dim, Tensor index, Tensor src) => F.ScatterAdd(x, dim, index, src);
    }
}
