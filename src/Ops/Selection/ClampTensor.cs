using System.Numerics;

namespace Autograd;

// clamp with tensor bounds: y = min(max(x, min), max) elementwise, the three broadcast together and
// converted to their torch.result_type; NaN in x or in a bound gives NaN, and min > max gives max, as
// PyTorch's clamp kernel. ClampBackward0 (derivatives.yaml clamp.Tensor; clamp_backward, clamp_backward_min_max):
//   dX   = where(min <= x <= max, dY, 0)                  (only the given bounds are tested)
//   dMin = where(x < min and min < max, dY, 0)            (x < min alone without max)
//   dMax = where(x > max or max < min, dY, 0)             (x > max alone without min)
// each summed to its operand's shape. The masks are constant comparisons, so the gradients are recorded
// where/sum_to ops, differentiable again. The scalar overload is Elementwise/Clamp.cs; a C# number picks it
// (a standard conversion beats the implicit number-to-tensor one), a tensor picks this one; min has no default
// here, or F.Clamp(x) would match both.
public static partial class F
{
    /// <summary>torch.clamp(x, min, max) with tensor bounds (broadcast with x); at least one must be given.</summary>
    /// <remarks>min has no default, so F.Clamp(x) and calls with numbers stay the scalar overload's; for a max
    /// bound alone pass null for min: F.Clamp(x, null, hi).</remarks>
    public static Tensor Clamp(Tensor x, Tensor? min, Tensor? max = null)
    {
        if (min is null && max is null)
            throw new ArgumentException("clamp: At least one of 'min' or 'max' must not be None", nameof(min));
        // torch.result_type of the three: x with min first, then that (as a tensor of the larger rank class) with max.
        var type = min is null ? x.DType : DTypes.ResultType(x, min);
        if (max is not null)
            type = DTypes.ResultType(min is null ? x : Tensor.Empty(type, x.Rank == 0 && min.Rank == 0 ? [] : [1]), max);
        x = x.To(type);
        min = min?.To(type);
        max = max?.To(type);
        var shape = x.Dims;
        if (min is not null) shape = ShapeUtil.Broadcast(shape, min.Dims, "clamp");
        if (max is not null) shape = ShapeUtil.Broadcast(shape, max.Dims, "clamp");
        var y = Tensor.Uninitialized(type, shape);
        int[] mx = Moves.BroadcastMap(x.Dims, shape);
        int[]? mlo = min is null ? null : Moves.BroadcastMap(min.Dims, shape), mhi = max is null ? null : Moves.BroadcastMap(max.Dims, shape);
        switch (y.Storage)
        {
            case float[] r: Kernel(x.Array<float>(), mx, min?.Array<float>(), mlo, max?.Array<float>(), mhi, r); break;
            case double[] r: Kernel(x.Array<double>(), mx, min?.Array<double>(), mlo, max?.Array<double>(), mhi, r); break;
            case long[] r: Kernel(x.Array<long>(), mx, min?.Array<long>(), mlo, max?.Array<long>(), mhi, r); break;
            case int[] r: Kernel(x.Array<int>(), mx, min?.Array<int>(), mlo, max?.Array<int>(), mhi, r); break;
            case byte[] r: Kernel(x.Array<byte>(), mx, min?.Array<byte>(), mlo, max?.Array<byte>(), mhi, r); break;
            default: throw new ArgumentException("clamp(): \"clamp_cpu\" not implemented for 'Bool'", nameof(x));
        }
        var inputs = new[] { x, min, max }.Where(t => t is not null).Cast<Tensor>().ToArray();
        if (!Node.NeedsGrad(inputs)) return y;
        // The masks are comparisons of the (constant) operand values: bool tensors, never recorded.
        Tensor? keep = null, toLo = null, toHi = null;
        if (x.RequiresGrad) keep = min is not null && max is not null ? F.Ge(x, min) & F.Le(x, max) : min is not null ? F.Ge(x, min) : F.Le(x, max!);
        if (min is { RequiresGrad: true }) toLo = max is not null ? F.Lt(x, min) & F.Lt(min, max) : F.Lt(x, min);
        if (max is { RequiresGrad: true }) toHi = min is not null ? F.Gt(x, max) | F.Lt(max, min) : F.Gt(x, max);
        var masks = new[] { keep, toLo, toHi }.Where((_, i) => i == 0 || (i == 1 ? min : max) is not null).ToArray();
        return Node.Record(y, "ClampBackward0", inputs, g =>
            inputs.Select((t, i) => masks[i] is { } m ? SumToSize(Where(m, g, 0.0), t.Dims) : null).ToArray(),
            saved: inputs, differentiable: true);

        static void Kernel<T>(T[] x, int[] mx, T[]? lo, int[]? mlo, T[]? hi, int[]? mhi, T[] r) where T : INumber<T>
        {
            for (int i = 0; i < r.Length; i++)
            {
                T v = x[mx[i]];
                T a = lo is null ? v : lo[mlo![i]], b = hi is null ? v : hi[mhi![i]];
                if (T.IsNaN(a) || T.IsNaN(b) || T.IsNaN(v)) { r[i] = T.IsNaN(v) ? v : T.IsNaN(a) ? a : b; continue; }
                if (lo is not null && v < a) v = a;
                if (hi is not null && v > b) v = b;
                r[i] = v;
            }
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the ClampTensor ops in <see cref="F"/>.</summary>
public static class TensorClampTensorExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.clamp(min, max) with tensor bounds (null for a missing one).</summary>
        public Tensor Clamp(Tensor? min, Tensor? max = null) => F.Clamp(x, min, max);
    }
}
