using System.Numerics;

namespace Autograd;

// y = min(max(x, min), max); dy/dx = 1 where min ≤ x ≤ max, else 0 (0 at NaN, as PyTorch's mask
// (x >= min) & (x <= max) gives). With min > max every element is max, as in PyTorch. NaN stays NaN.
// Under createGraph the rule is the recorded select with that constant mask (KeepWhere; PyTorch's
// clamp_backward is where(mask, grad, 0), WhereBackward0).
public static partial class F
{
    /// <summary>torch.clamp(x, min, max) with scalar bounds; at least one bound must be given.</summary>
    public static Tensor Clamp(Tensor x, double? min = null, double? max = null)
    {
        if (min is null && max is null)
            throw new ArgumentException("clamp: At least one of 'min' or 'max' must not be None", nameof(min));
        double lo = min ?? double.NegativeInfinity, hi = max ?? double.PositiveInfinity;
        if (!x.DType.IsFloatingPoint())   // integral bounds keep an integer tensor integral; fractional ones make it float32
            return IsIntegral(min) && IsIntegral(max) ? KeepingDType(x, t => Clamp(t, min, max)) : Clamp(x.ConvertData(DType.Float32), min, max);
        var y = Tensor.Uninitialized(x.DType, x.Dims);
        if (x.DType == DType.Float32) ClampKernel<float>(x.Span<float>(), (float)lo, (float)hi, y.Span<float>());
        else ClampKernel<double>(x.Span<double>(), lo, hi, y.Span<double>());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "ClampBackward1", [x], g =>
            [GradMode.IsEnabled ? KeepWhere(g, ClampMask(x, lo, hi), "WhereBackward0") : ClampGrad(g, x, lo, hi)], saved: [x], differentiable: true);
    }

    private static void ClampKernel<T>(ReadOnlySpan<T> x, T lo, T hi, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            y[i] = T.IsNaN(v) ? v : v < lo ? lo : v > hi ? hi : v;
            if (lo > hi) y[i] = T.IsNaN(v) ? v : hi;
        }
    }

    /// <summary>Where the gradient passes: min ≤ x ≤ max (false at NaN).</summary>
    private static bool[] ClampMask(Tensor x, double lo, double hi)
    {
        if (x.DType == DType.Float32) (lo, hi) = ((float)lo, (float)hi);   // the bounds the forward compared with
        var keep = new bool[x.Numel];
        for (int i = 0; i < keep.Length; i++) { double v = x.GetDouble(i); keep[i] = v >= lo && v <= hi; }
        return keep;
    }

    private static Tensor ClampGrad(Tensor g, Tensor x, double lo, double hi)
    {
        var r = Tensor.Uninitialized(x.DType, x.Dims);
        if (x.DType == DType.Float32) Mask<float>(g.Span<float>(), x.Span<float>(), (float)lo, (float)hi, r.Span<float>());
        else Mask<double>(g.Span<double>(), x.Span<double>(), lo, hi, r.Span<double>());
        return r;

        static void Mask<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T lo, T hi, Span<T> r) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < r.Length; i++) r[i] = x[i] >= lo && x[i] <= hi ? g[i] : T.Zero;
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Clamp ops in <see cref="F"/>.</summary>
public static class TensorClampExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.clamp(min, max).</summary>
        public Tensor Clamp(double? min = null, double? max = null) => F.Clamp(x, min, max);
    }
}
