using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Autograd;

// y = log Σ exp(x) over the dims, computed as m + log Σ exp(x − m) with m the lane's max (0 where the max
// is ±∞, as PyTorch's logsumexp: a lane of −∞ gives −∞, a lane holding +∞ gives +∞, not NaN from ∞ − ∞).
// Backward, PyTorch's logsumexp_backward: dX = dY · exp(x − y), y broadcast back over the dims (the
// softmax of the lane). Under createGraph: recorded ops, through y's own node, so it differentiates again;
// otherwise, over consecutive dims, one kernel.
public static partial class F
{
    /// <summary>torch.logsumexp(x, dims, keepdim); an empty dims list means every dim.</summary>
    public static Tensor Logsumexp(Tensor x, ReadOnlySpan<int> dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var rs = ReduceShape.Of(x, dims, keepDim, "logsumexp");
        int[] rd = rs.Dims;
        Tensor y;
        if (!rs.Empty && rs.TryLanes(out var l))
        {
            // Consecutive dims (one, a block, all): the fused kernel, one pass for the max, one for the sum.
            y = Tensor.Uninitialized(x.DType, rs.Out);
            if (x.DType == DType.Float32) LseKernel(x.Array<float>(), y.Array<float>(), l);
            else LseKernel(x.Array<double>(), y.Array<double>(), l);
        }
        else
            using (Grad.NoGrad())
            {
                var m = rs.Empty ? Tensor.Zeros(rs.Kept, x.DType) : ExtremeOver(x, rd, max: true);
                m = Tensor.From(m.ToDoubleArray().Select(v => double.IsInfinity(v) ? 0 : v).ToArray(), rs.Kept).To(x.DType);
                y = rs.ToOut(Add(Log(Sum(Exp(Sub(x, m)), rd, keepDim: true)), m));
            }
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "LogsumexpBackward0", [x], g =>
            [!GradMode.IsEnabled && rs.TryLanes(out var lanes) ? SoftmaxScaleRaw(g, x, y, lanes) : Mul(rs.Expand(g), Exp(Sub(x, rs.Expand(y))))],
            saved: [x, y], differentiable: true);
    }

    /// <summary>
    /// y per lane of l: m = max (NaN if any NaN), shifted by 0 instead when ±∞, then m + log Σ exp(x − m).
    /// Lanes along the last dim are contiguous spans; otherwise each outer block walks rows of Inner lanes at once.
    /// </summary>
    private static void LseKernel<T>(T[] x, T[] y, DimLayout l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Kernels.Parallelism.For(l.Outer, (long)x.Length * 4, o =>
        {
            int inner = l.Inner, size = l.Size, block = o * size * inner;
            var m = y.AsSpan(o * inner, inner);
            var tmp = new T[inner == 1 ? size : inner];
            var sum = new T[inner];
            if (inner == 1)
            {
                var lane = x.AsSpan(block, size);
                T mx = TensorPrimitives.Max<T>(lane);
                if (T.IsInfinity(mx)) mx = T.Zero;
                TensorPrimitives.Subtract(lane, mx, tmp);
                TensorPrimitives.Exp<T>(tmp, tmp);
                m[0] = T.Log(TensorPrimitives.Sum<T>(tmp)) + mx;
                return;
            }
            x.AsSpan(block, inner).CopyTo(m);
            for (int k = 1; k < size; k++) TensorPrimitives.Max(m, x.AsSpan(block + k * inner, inner), m);
            bool infinite = false;
            for (int i = 0; i < inner; i++) if (T.IsInfinity(m[i])) { m[i] = T.Zero; infinite = true; }
            if (!infinite && typeof(T) == typeof(float) && SimdMath.IsSupported)
            {
                // Note [Fused logsumexp]: every x − m ≤ 0 here (m is each lane's finite max, or NaN, which
                // propagates), so SimdMath's exp for non-positive arguments applies, and the shift, exp and
                // sum are one pass over each row instead of three. A lane whose max
                // was ±∞ (shift 0: x − 0 may be positive or +∞) keeps the general path below.
                var mf = MemoryMarshal.Cast<T, float>(m);
                var sf = MemoryMarshal.Cast<T, float>(sum.AsSpan());
                for (int k = 0; k < size; k++) AddExpShifted(MemoryMarshal.Cast<T, float>(x.AsSpan(block + k * inner, inner)), mf, sf);
                TensorPrimitives.Log<T>(sum, sum);
                TensorPrimitives.Add(sum, m, m);
                return;
            }
            for (int k = 0; k < size; k++)
            {
                TensorPrimitives.Subtract(x.AsSpan(block + k * inner, inner), m, tmp);
                TensorPrimitives.Exp<T>(tmp, tmp);
                TensorPrimitives.Add(sum, tmp, sum);
            }
            TensorPrimitives.Log<T>(sum, sum);
            TensorPrimitives.Add(sum, m, m);
        });
    }

    /// <summary>The first-order rule as one kernel (no graph to record): dX = dY_lane · exp(x − y_lane).</summary>
    private static Tensor SoftmaxScaleRaw(Tensor g, Tensor x, Tensor y, DimLayout l)
    {
        var dx = Tensor.Uninitialized(x.DType, x.Dims);
        if (x.DType == DType.Float32) SoftmaxScaleKernel(x.Array<float>(), g.Array<float>(), y.Array<float>(), dx.Array<float>(), l);
        else SoftmaxScaleKernel(x.Array<double>(), g.Array<double>(), y.Array<double>(), dx.Array<double>(), l);
        return dx;
    }

    private static void SoftmaxScaleKernel<T>(T[] x, T[] g, T[] y, T[] dx, DimLayout l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Kernels.Parallelism.For(l.Outer, (long)x.Length * 3, o =>
        {
            int inner = l.Inner, size = l.Size, block = o * size * inner;
            if (inner == 1)
            {
                var lane = dx.AsSpan(block, size);
                TensorPrimitives.Subtract(x.AsSpan(block, size), y[o], lane);
                TensorPrimitives.Exp<T>(lane, lane);
                TensorPrimitives.Multiply(lane, g[o], lane);
                return;
            }
            var yr = y.AsSpan(o * inner, inner);
            var gr = g.AsSpan(o * inner, inner);
            if (typeof(T) == typeof(float) && SimdMath.IsSupported)
            {
                // x − y ≤ 0 (y = m + log Σ ≥ every x; NaN and ∞ give NaN as exp would): one pass per row (Note [Fused logsumexp]).
                for (int k = 0; k < size; k++)
                    ScaleExpShifted(MemoryMarshal.Cast<T, float>(x.AsSpan(block + k * inner, inner)), MemoryMarshal.Cast<T, float>(yr),
                        MemoryMarshal.Cast<T, float>(gr), MemoryMarshal.Cast<T, float>(dx.AsSpan(block + k * inner, inner)));
                return;
            }
            for (int k = 0; k < size; k++)
            {
                var d = dx.AsSpan(block + k * inner, inner);
                TensorPrimitives.Subtract(x.AsSpan(block + k * inner, inner), yr, d);
                TensorPrimitives.Exp<T>(d, d);
                TensorPrimitives.Multiply(d, gr, d);
            }
        });
    }

    /// <summary>sum[i] += exp(x[i] − m[i]), every x[i] − m[i] ≤ 0 (or NaN), 16 lanes at a time.</summary>
    private static void AddExpShifted(ReadOnlySpan<float> x, ReadOnlySpan<float> m, Span<float> sum)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x), pm = ref MemoryMarshal.GetReference(m), ps = ref MemoryMarshal.GetReference(sum);
        for (; i + 16 <= n; i += 16)
            (Vector512.LoadUnsafe(ref ps, (nuint)i) + SimdMath.ExpNonPositive(Vector512.LoadUnsafe(ref px, (nuint)i) - Vector512.LoadUnsafe(ref pm, (nuint)i)))
                .StoreUnsafe(ref ps, (nuint)i);
        for (; i < n; i++) sum[i] += MathF.Exp(x[i] - m[i]);
    }

    /// <summary>d[i] = exp(x[i] − y[i])·g[i], every x[i] − y[i] ≤ 0 (or NaN), 16 lanes at a time.</summary>
    private static void ScaleExpShifted(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> d)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x), py = ref MemoryMarshal.GetReference(y), pg = ref MemoryMarshal.GetReference(g), pd = ref MemoryMarshal.GetReference(d);
        for (; i + 16 <= n; i += 16)
            (SimdMath.ExpNonPositive(Vector512.LoadUnsafe(ref px, (nuint)i) - Vector512.LoadUnsafe(ref py, (nuint)i)) * Vector512.LoadUnsafe(ref pg, (nuint)i))
                .StoreUnsafe(ref pd, (nuint)i);
        for (; i < n; i++) d[i] = MathF.Exp(x[i] - y[i]) * g[i];
    }

    /// <summary>torch.logsumexp(x, dim, keepdim).</summary>
    public static Tensor Logsumexp(Tensor x, int dim, bool keepDim = false) => Logsumexp(x, [dim], keepDim);
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Logsumexp ops in <see cref="F"/>.</summary>
public static class TensorLogsumexpExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.logsumexp(dims, keepdim).</summary>
        public Tensor Logsumexp(ReadOnlySpan<int> dims, bool keepDim = false) => F.Logsumexp(x, dims, keepDim);

        /// <summary>tensor.logsumexp(dim, keepdim).</summary>
        public Tensor Logsumexp(int dim, bool keepDim = false) => F.Logsumexp(x, dim, keepDim);
    }
}
