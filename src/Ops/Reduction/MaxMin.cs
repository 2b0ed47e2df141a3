using System.Numerics;

namespace Autograd;

// max/min over all elements: dX = dY / count at every element equal to the result, 0 elsewhere
//   (PyTorch's evenly_distribute_backward: ties share the gradient; a NaN result shares it among NaNs).
// max/min over a dim:        dX = scatter(dY, indices) along dim (the selected element gets all of it).
// The selected index is the first extreme along the dim; NaN beats every number (the first NaN wins),
// as in PyTorch's CPU kernels.
public static partial class F
{
    /// <summary>torch.max(x): the largest element (NaN if any element is NaN), a 0-dim tensor.</summary>
    public static Tensor Max(Tensor x) => Extreme<MaxPick>(x, "max", "MaxBackward1");

    /// <summary>torch.min(x): the smallest element (NaN if any element is NaN), a 0-dim tensor.</summary>
    public static Tensor Min(Tensor x) => Extreme<MinPick>(x, "min", "MinBackward1");

    /// <summary>torch.max(x, dim, keepdim): values and their indices along <paramref name="dim"/>.</summary>
    public static (Tensor Values, int[] Indices) Max(Tensor x, int dim, bool keepDim = false)
        => Extreme<MaxPick>(x, dim, keepDim, "max", "MaxBackward0");

    /// <summary>torch.min(x, dim, keepdim): values and their indices along <paramref name="dim"/>.</summary>
    public static (Tensor Values, int[] Indices) Min(Tensor x, int dim, bool keepDim = false)
        => Extreme<MinPick>(x, dim, keepDim, "min", "MinBackward0");

    private static Tensor Extreme<TPick>(Tensor x, string op, string node) where TPick : IPick
    {
        if (x.Numel == 0)
            throw new ArgumentException($"{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.", nameof(x));
        var r = Tensor.Empty(x.DType, []);
        if (x.DType == DType.Float32) r.Span<float>()[0] = ExtremeAll<TPick, float>(x.Span<float>());
        else r.Span<double>()[0] = ExtremeAll<TPick, double>(x.Span<double>());
        if (!Node.NeedsGrad([x])) return r;
        double value = r.GetDouble(0);
        return Node.Record(r, node, [x], g => [EvenlyDistribute(g, x, value)], saved: [x, r]);
    }

    private static (Tensor, int[]) Extreme<TPick>(Tensor x, int dim, bool keepDim, string op, string node) where TPick : IPick
    {
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
        if (!Node.NeedsGrad([x])) return (values, indices);
        int[] inShape = x.Dims;
        var saved = (int[])indices.Clone();   // the caller owns the returned array and may change it
        return (Node.Record(values, node, [x], g => [ScatterAlongDim(g, saved, inShape, l)], saved: [Node.Residuals]), indices);
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

    /// <summary>dY / count at every element equal to the result (or NaN when the result is NaN).</summary>
    private static Tensor EvenlyDistribute(Tensor g, Tensor x, double value)
    {
        var dx = Tensor.Empty(x.DType, x.Dims);
        bool nan = double.IsNaN(value);
        int count = 0;
        for (int i = 0; i < x.Numel; i++)
        {
            double v = x.GetDouble(i);
            if (nan ? double.IsNaN(v) : v == value) count++;
        }
        double share = g.GetDouble(0) / count;
        for (int i = 0; i < x.Numel; i++)
        {
            double v = x.GetDouble(i);
            if (nan ? double.IsNaN(v) : v == value) dx.SetDouble(i, share);
        }
        return dx;
    }

    /// <summary>Zeros of <paramref name="shape"/> with g[lane] placed at index[lane] along the lane.</summary>
    internal static Tensor ScatterAlongDim(Tensor g, int[] index, int[] shape, DimLayout l)
    {
        var dx = Tensor.Empty(g.DType, shape);
        for (int lane = 0; lane < index.Length; lane++)
            dx.SetDouble(l.Start(lane) + index[lane] * l.Inner, g.GetDouble(lane));
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

public static class TensorMaxMinExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.max().</summary>
        public Tensor Max() => F.Max(x);

        /// <summary>tensor.min().</summary>
        public Tensor Min() => F.Min(x);

        /// <summary>tensor.max(dim, keepdim).</summary>
        public (Tensor Values, int[] Indices) Max(int dim, bool keepDim = false) => F.Max(x, dim, keepDim);

        /// <summary>tensor.min(dim, keepdim).</summary>
        public (Tensor Values, int[] Indices) Min(int dim, bool keepDim = false) => F.Min(x, dim, keepDim);
    }
}
