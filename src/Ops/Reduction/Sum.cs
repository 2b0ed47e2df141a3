using System.Numerics;

namespace Autograd;

// sum: dX = expand(dY) back over the reduced dims (unsqueezed first when !keepDim).
// mean: dX = expand(dY / n), sum's rule scaled; its own node so it prints as PyTorch's MeanBackward0/1.
// The sum of an integer or bool tensor is int64 (a count of trues for a mask), as in PyTorch; the mean
// of one is refused with PyTorch's message.
public static partial class F
{
    /// <summary>torch.sum(x): the sum of all elements, a 0-dim tensor.</summary>
    public static Tensor Sum(Tensor x)
    {
        if (!x.DType.IsFloatingPoint())
        {
            long total = 0;
            foreach (var v in x.ToArray<long>()) total = unchecked(total + v);
            return new Tensor(new[] { total }, []);
        }
        var r = Tensor.Empty(x.DType, []);
        // Note [Blocked reductions]: parallel, and the same bits for any thread count. A view not yet read is summed
        // where it lies (Note [Sums over unread views]).
        if (x.TryUnreadRuns(out var source, out var plan))
        {
            if (source is float[] f) r.Span<float>()[0] = IndexPlanKernels.SumRuns(f, plan);
            else r.Span<double>()[0] = IndexPlanKernels.SumRuns((double[])source, plan);
        }
        else if (x.DType == DType.Float32) r.Span<float>()[0] = Kernels.Reduce.Sum(x.Array<float>());
        else r.Span<double>()[0] = Kernels.Reduce.Sum(x.Array<double>());
        int[] shape = x.Dims;
        return Node.Record(r, "SumBackward0", [x], g => [ExpandTo(g, shape)], default, differentiable: true);
    }

    /// <summary>torch.sum(x, dims, keepdim): sums over the given dims (negative dims count from the end).</summary>
    public static Tensor Sum(Tensor x, ReadOnlySpan<int> dims, bool keepDim = false)
    {
        if (!x.DType.IsFloatingPoint())   // exact in float64 below 2^53 per sum
            return Sum(x.ConvertData(DType.Float64), dims, keepDim).ConvertData(DType.Int64);
        var reduce = ReducedDims(x, dims, "sum");
        var keptShape = x.Dims.Select((d, i) => reduce[i] ? 1 : d).ToArray();
        var outShape = keepDim ? keptShape : x.Dims.Where((_, i) => !reduce[i]).ToArray();
        var r = Tensor.Empty(x.DType, keptShape);
        if (x.DType == DType.Float32) Kernels.Broadcast.SumTo<float>(x.Array<float>(), x.Dims, r.Array<float>(), keptShape);
        else Kernels.Broadcast.SumTo<double>(x.Array<double>(), x.Dims, r.Array<double>(), keptShape);
        r = new Tensor(r.Storage, outShape);
        int[] inShape = x.Dims;
        return Node.Record(r, "SumBackward1", [x], g => [ExpandTo(AsShape(g, keptShape), inShape)], default, differentiable: true);
    }

    /// <summary>torch.mean(x): the mean of all elements; NaN for an empty tensor, like PyTorch.</summary>
    public static Tensor Mean(Tensor x)
    {
        RequireFloatingMean(x);
        Tensor r;
        using (Grad.NoGrad()) r = Div(Sum(x), x.Numel);
        if (!Node.NeedsGrad([x])) return r;
        int[] shape = x.Dims;
        int n = x.Numel;
        return Node.Record(r, "MeanBackward0", [x], g => [ExpandTo(Div(g, n), shape)], default, differentiable: true);
    }

    /// <summary>torch.mean(x, dims, keepdim); an empty selection gives NaN, like PyTorch.</summary>
    public static Tensor Mean(Tensor x, ReadOnlySpan<int> dims, bool keepDim = false)
    {
        RequireFloatingMean(x);
        var reduce = ReducedDims(x, dims, "mean");
        int n = 1;
        for (int i = 0; i < x.Rank; i++) if (reduce[i]) n *= x.Dims[i];
        Tensor r;
        using (Grad.NoGrad()) r = Div(Sum(x, dims, keepDim), n);
        if (!Node.NeedsGrad([x])) return r;
        var keptShape = x.Dims.Select((d, i) => reduce[i] ? 1 : d).ToArray();
        int[] inShape = x.Dims;
        return Node.Record(r, "MeanBackward1", [x], g => [ExpandTo(AsShape(Div(g, n), keptShape), inShape)], default, differentiable: true);
    }

    private static void RequireFloatingMean(Tensor x)
    {
        if (!x.DType.IsFloatingPoint())
            throw new ArgumentException($"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {x.DType.ScalarTypeName()}", nameof(x));
    }

    /// <summary>Which dims a reduction removes; an empty list means all dims, as in PyTorch.</summary>
    internal static bool[] ReducedDims(Tensor x, ReadOnlySpan<int> dims, string op)
    {
        var reduce = new bool[x.Rank];
        if (dims.Length == 0) { Array.Fill(reduce, true); return reduce; }
        foreach (var d in dims)
        {
            int nd = ShapeUtil.NormalizeDim(d, x.Rank, op);
            if (x.Rank == 0) continue;
            if (reduce[nd]) throw new ArgumentException($"{op}: dim {nd} appears multiple times in the list of dims");
            reduce[nd] = true;
        }
        return reduce;
    }

    /// <summary>Broadcasts g (same rank as shape, or 0-dim) to shape; non-differentiable helper for backward rules.</summary>
    internal static Tensor ExpandData(Tensor g, int[] shape)
    {
        var r = Tensor.Uninitialized(g.DType, shape);   // ExpandInto writes every element
        switch (g.DType)   // every dtype: Copy_ and index assignment broadcast integer and bool sources too
        {
            case DType.Float32: ExpandInto<float>(g, r); break;
            case DType.Float64: ExpandInto<double>(g, r); break;
            case DType.Int64: ExpandInto<long>(g, r); break;
            case DType.Int32: ExpandInto<int>(g, r); break;
            case DType.Bool: ExpandInto<bool>(g, r); break;
            default: ExpandInto<byte>(g, r); break;
        }
        return r;
    }

    /// <summary>
    /// The expand of a tensor broadcast along its trailing dims (a per-channel value over (H, W), as conv's
    /// bias gradient's derivative expands one): each source element fills one contiguous block, so the
    /// copy is a Span.Fill per block instead of a strided walk per row. False when the trailing dims are not broadcast.
    /// </summary>
    private static bool FillTrailingBlocks<T>(int[] from, int[] to, T[] src, T[] dst) where T : unmanaged
    {
        int t = to.Length;
        long block = 1;
        while (t > 0 && from[t - 1] == 1) block *= to[--t];
        if (t == to.Length || block < 16) return false;
        int outer = dst.Length / (int)block;
        var idx = new int[t];
        for (int o = 0; o < outer; o++)
        {
            int gi = 0;
            for (int d = 0; d < t; d++) gi = gi * from[d] + (from[d] == 1 ? 0 : idx[d]);
            dst.AsSpan(o * (int)block, (int)block).Fill(src[gi]);
            for (int d = t - 1; d >= 0 && ++idx[d] == to[d]; d--) idx[d] = 0;
        }
        return true;
    }

    private static void ExpandInto<T>(Tensor g, Tensor r) where T : unmanaged
    {
        T[] src = g.Array<T>(), dst = r.Array<T>();
        if (src.Length == 1) { Kernels.Reduce.Fill(dst, src[0]); return; }
        if (FillTrailingBlocks(g.Dims, r.Dims, src, dst)) return;
        var gs = Kernels.Broadcast.Strides(g.Dims, r.Dims);
        int inner = r.Dims[^1], stride = gs[^1];
        Kernels.Broadcast.ForEachRow(r.Dims, gs, gs, (o, og, _) =>
        {
            for (int i = 0; i < inner; i++) dst[o + i] = src[og + i * stride];
        });
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Reduction ops in <see cref="F"/>.</summary>
public static class TensorReductionExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.sum().</summary>
        public Tensor Sum() => F.Sum(x);

        /// <summary>tensor.sum(dims, keepdim).</summary>
        public Tensor Sum(ReadOnlySpan<int> dims, bool keepDim = false) => F.Sum(x, dims, keepDim);

        /// <summary>tensor.mean().</summary>
        public Tensor Mean() => F.Mean(x);

        /// <summary>tensor.mean(dims, keepdim).</summary>
        public Tensor Mean(ReadOnlySpan<int> dims, bool keepDim = false) => F.Mean(x, dims, keepDim);
    }
}
