using System.Numerics;

namespace Autograd;

// max/min over all elements: dX = dY / count at every element equal to the result, 0 elsewhere
//   (PyTorch's evenly_distribute_backward: ties share the gradient; a NaN result shares it among NaNs).
// max/min over a dim:        dX = scatter(dY, indices) along dim (the selected element gets all of it).
// The selected index is the first extreme along the dim; NaN beats every number (the first NaN wins),
// as in PyTorch's CPU kernels.
// Double backward (Note [Double backward]): over all elements the rule under createGraph is the recorded
// select of g/count with the constant mask of the winners (KeepWhere, PyTorch's MaskedFillBackward1 over
// DivBackward0); over a dim it is the recorded scatter (ScatterBackward0), whose derivative is the gather of
// the same indices (IndexAlongDim.cs).
public static partial class F
{
    /// <summary>torch.max(x): the largest element (NaN if any element is NaN), a 0-dim tensor.</summary>
    public static Tensor Max(Tensor x) => Extreme<MaxPick>(x, "max", "MaxBackward1");

    /// <summary>torch.min(x): the smallest element (NaN if any element is NaN), a 0-dim tensor.</summary>
    public static Tensor Min(Tensor x) => Extreme<MinPick>(x, "min", "MinBackward1");

    /// <summary>torch.max(x, dim, keepdim): values and their indices along <paramref name="dim"/>.</summary>
    public static (Tensor Values, Tensor Indices) Max(Tensor x, int dim, bool keepDim = false)
        => Extreme<MaxPick>(x, dim, keepDim, "max", "MaxBackward0");

    /// <summary>torch.min(x, dim, keepdim): values and their indices along <paramref name="dim"/>.</summary>
    public static (Tensor Values, Tensor Indices) Min(Tensor x, int dim, bool keepDim = false)
        => Extreme<MinPick>(x, dim, keepDim, "min", "MinBackward0");

    private static Tensor Extreme<TPick>(Tensor x, string op, string node) where TPick : IPick
    {
        if (x.Numel == 0)
            throw new ArgumentException($"{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.", nameof(x));
        if (!x.DType.IsFloatingPoint()) return Extreme<TPick>(x.ConvertData(DType.Float64), op, node).ConvertData(x.DType);
        var r = Tensor.Empty(x.DType, []);
        if (x.DType == DType.Float32) r.Span<float>()[0] = ExtremeAll<TPick, float>(x.Span<float>());
        else r.Span<double>()[0] = ExtremeAll<TPick, double>(x.Span<double>());
        if (!Node.NeedsGrad([x])) return r;
        double value = r.GetDouble(0);
        return Node.Record(r, node, [x], g => [GradMode.IsEnabled ? DistributeRecorded(g, x, value) : EvenlyDistribute(g, x, value)], saved: [x, r], differentiable: true);
    }

    private static (Tensor, Tensor) Extreme<TPick>(Tensor x, int dim, bool keepDim, string op, string node) where TPick : IPick
    {
        if (!x.DType.IsFloatingPoint())
        {
            // Integers compare exactly as doubles up to 2^53; the values go back to the input's dtype.
            var (v, i) = Extreme<TPick>(x.ConvertData(DType.Float64), dim, keepDim, op, node);
            return (v.ConvertData(x.DType), i);
        }
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, op);
        var l = DimLayout.Of(x.Dims, d);
        if (x.Rank > 0 && l.Size == 0)
            throw new ArgumentException($"{op}(): Expected reduction dim {d} to have non-zero size.", nameof(dim));
        int[] keptShape = x.Rank == 0 ? [] : x.Dims.Select((s, i) => i == d ? 1 : s).ToArray();
        int[] outShape = keepDim || x.Rank == 0 ? keptShape : x.Dims.Where((_, i) => i != d).ToArray();
        var values = Tensor.Empty(x.DType, outShape);
        var indices = new int[values.Numel];
        if (x.DType == DType.Float32) ExtremeDim<TPick, float>(x.Array<float>(), values.Array<float>(), indices, l);
        else ExtremeDim<TPick, double>(x.Array<double>(), values.Array<double>(), indices, l);
        var indexTensor = IndexTensor(indices, values.Dims);
        if (!Node.NeedsGrad([x])) return (values, indexTensor);
        int[] inShape = x.Dims;
        return (Node.Record(values, node, [x], g => [ScatterAlongDim(g, indices, inShape, l)], saved: [Node.Residuals], differentiable: true), indexTensor);
    }

    private static T ExtremeAll<TPick, T>(ReadOnlySpan<T> x) where TPick : IPick where T : unmanaged, IFloatingPointIeee754<T>
    {
        T best = x[0];
        for (int i = 1; i < x.Length && !T.IsNaN(best); i++)
            if (TPick.Better(x[i], best)) best = x[i];
        return best;
    }

    private static void ExtremeDim<TPick, T>(T[] x, T[] values, int[] indices, DimLayout l) where TPick : IPick where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            int start = l.Start(lane), arg = 0;
            T best = x[start];
            for (int k = 1; k < l.Size && !T.IsNaN(best); k++)
            {
                T v = x[start + k * l.Inner];
                if (TPick.Better(v, best)) { best = v; arg = k; }
            }
            values[lane] = best;
            indices[lane] = arg;
        }
    }

    /// <summary>Where the gradient goes: the elements equal to the result (the NaNs when it is NaN).</summary>
    private static bool[] Winners(Tensor x, double value, out int count)
    {
        bool nan = double.IsNaN(value);
        var keep = new bool[x.Numel];
        count = 0;
        for (int i = 0; i < keep.Length; i++)
        {
            double v = x.GetDouble(i);
            if (keep[i] = nan ? double.IsNaN(v) : v == value) count++;
        }
        return keep;
    }

    /// <summary>EvenlyDistribute as recorded ops, for createGraph: the constant mask selects the broadcast g / count.</summary>
    private static Tensor DistributeRecorded(Tensor g, Tensor x, double value)
    {
        var keep = Winners(x, value, out int count);
        return KeepWhere(ExpandTo(Div(g, count), x.Dims), keep, "MaskedFillBackward1");
    }

    /// <summary>dY / count at every element equal to the result (or NaN when the result is NaN).</summary>
    private static Tensor EvenlyDistribute(Tensor g, Tensor x, double value)
    {
        var dx = Tensor.Empty(x.DType, x.Dims);
        var keep = Winners(x, value, out int count);
        double share = g.GetDouble(0) / count;
        for (int i = 0; i < keep.Length; i++)
            if (keep[i]) dx.SetDouble(i, share);
        return dx;
    }

    /// <summary>Which of two values a max or min keeps; NaN beats everything.</summary>
    private interface IPick
    {
        static abstract bool Better<T>(T candidate, T best) where T : IFloatingPointIeee754<T>;
    }

    private struct MaxPick : IPick
    {
        public static bool Better<T>(T c, T best) where T : IFloatingPointIeee754<T> => c > best || T.IsNaN(c);
    }

    private struct MinPick : IPick
    {
        public static bool Better<T>(T c, T best) where T : IFloatingPointIeee754<T> => c < best || T.IsNaN(c);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the MaxMin ops in <see cref="F"/>.</summary>
public static class TensorMaxMinExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.max().</summary>
        public Tensor Max() => F.Max(x);

        /// <summary>tensor.min().</summary>
        public Tensor Min() => F.Min(x);

        /// <summary>tensor.max(dim, keepdim).</summary>
        public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => F.Max(x, dim, keepDim);

        /// <summary>tensor.min(dim, keepdim).</summary>
        public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => F.Min(x, dim, keepDim);
    }
}
