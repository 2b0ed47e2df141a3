using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Kernels;

namespace Autograd;

// cross_entropy with class indices and label smoothing ε > 0 over a (C) or (N, C) input, fused: one node
// (AddBackward0, the name of PyTorch's root for this branch) instead of log_softmax, nll_loss, the weighted
// smoothing sum, the mask and the final add. Per row n with target t (w = 1 without class weights,
// W = Σ_c w_c, lse = log Σ_c exp(x_c), lp = x − lse):
//   ℓ_n = −(1 − ε)·w_t·lp_t − (ε/C)·Σ_c w_c·lp_c = −(1 − ε)·w_t·(x_t − lse) − (ε/C)·(Σ_c w_c·x_c − W·lse)
//   (0 where t == ignore_index), reduced as the composite branch: None → ℓ, Sum → Σ ℓ, Mean → Σ ℓ / Σ w_t.
// So the forward needs per row only max, Σ exp(x − max) and the dot w·x: no log-probabilities are stored.
//   dx_n = s_n·(A_n·softmax(x_n) − (ε/C)·w − (1 − ε)·w_t·e_t),  A_n = (1 − ε)·w_t + (ε/C)·W,
// with s_n = g_n (None), g (Sum) or g / Σ w_t (Mean), and 0 for an ignored row. Under createGraph the same
// formula is written with recorded ops (softmax of x times constants), so double backward still works
// (Note [Double backward]). Rows run in parallel chunks; the reduction adds the per-row losses in row order
// (Note [Deterministic parallelism]).
public static partial class F
{
    /// <summary>Whether <see cref="FusedSmoothedCrossEntropy"/> covers this call (else the composite branch runs).</summary>
    private static bool FusedCrossEntropyApplies(Tensor input, Tensor? w, int c) =>
        input.Rank <= 2 && c > 0 && input.DType is DType.Float32 or DType.Float64 && (w is null || w.DType == input.DType);

    /// <summary>The fused class-index, label-smoothed cross_entropy (header formulas); <paramref name="t"/> checked.</summary>
    private static Tensor FusedSmoothedCrossEntropy(Tensor input, int[] t, int[] targetShape, Tensor? w, int ignoreIndex, Reduction reduction, double eps)
    {
        int c = input.Dims[^1], n = input.Rank == 1 ? 1 : input.Dims[0];
        double[]? wd = w?.ToArray<double>();
        double wsum = wd is null ? c : wd.Sum(), total = TargetWeightTotal(t, w, ignoreIndex);
        var row = new double[n];
        var lse = new double[n];
        if (input.DType == DType.Float32) CrossEntropyKernel.Forward(input.Array<float>(), w?.Array<float>(), t, n, c, wsum, ignoreIndex, eps, row, lse);
        else CrossEntropyKernel.Forward(input.Array<double>(), w?.Array<double>(), t, n, c, wsum, ignoreIndex, eps, row, lse);
        var loss = ReducePerTarget(row, targetShape, reduction, total, input.DType);
        if (!Node.NeedsGrad([input])) return loss;
        var tc = (int[])t.Clone();   // the caller may reuse its array
        var coef = new double[n];     // A_n, 0 for an ignored row
        for (int i = 0; i < n; i++)
            if (tc[i] != ignoreIndex) coef[i] = (1 - eps) * (wd is null ? 1 : wd[tc[i]]) + eps / c * wsum;
        return Node.Record(loss, "AddBackward0", [input], g =>
        {
            if (GradMode.IsEnabled) return [SmoothedCrossEntropyGrad(g, input, tc, wd, coef, n, c, ignoreIndex, reduction, eps, total)];
            var scale = new double[n];
            for (int i = 0; i < n; i++)
                scale[i] = reduction == Reduction.None ? g.GetDouble(i) : reduction == Reduction.Sum ? g.GetDouble(0) : g.GetDouble(0) / total;
            var dx = Tensor.Uninitialized(input.DType, input.Dims);
            if (input.DType == DType.Float32) CrossEntropyKernel.Backward(input.Array<float>(), w?.Array<float>(), tc, n, c, ignoreIndex, eps, lse, coef, scale, dx.Array<float>());
            else CrossEntropyKernel.Backward(input.Array<double>(), w?.Array<double>(), tc, n, c, ignoreIndex, eps, lse, coef, scale, dx.Array<double>());
            return [dx];
        }, saved: [input], differentiable: true);
    }

    /// <summary>dx of the fused loss as recorded ops of x and g: s·(A·softmax(x) − K), K the constant part.</summary>
    private static Tensor SmoothedCrossEntropyGrad(Tensor g, Tensor input, int[] t, double[]? w, double[] coef, int n, int c, int ignoreIndex, Reduction reduction, double eps, double total)
    {
        var k = Tensor.Empty(input.DType, [n, c]);
        var a = Tensor.Empty(input.DType, [n, 1]);
        for (int i = 0; i < n; i++)
        {
            if (t[i] == ignoreIndex) continue;
            a.SetDouble(i, coef[i]);
            for (int j = 0; j < c; j++) k.SetDouble(i * c + j, eps / c * (w is null ? 1 : w[j]));
            int at = i * c + t[i];
            k.SetDouble(at, k.GetDouble(at) + (1 - eps) * (w is null ? 1 : w[t[i]]));
        }
        var s = reduction switch
        {
            Reduction.None => Reshape(g, [n, 1]),
            Reduction.Sum => g,
            _ => Div(g, total),
        };
        var dx = Mul(Sub(Mul(Softmax(Reshape(input, [n, c]), 1), a), k), s);
        return Reshape(dx, input.Dims);
    }
}

internal static class CrossEntropyKernel
{
    /// <summary>Rows per parallel chunk: a function of the shape only (Note [Deterministic parallelism]).</summary>
    private static int Chunks(int n, int c) => Math.Clamp((int)Math.Min(n, (long)n * c / 16384), 1, 64);

    /// <summary>Per row: the unreduced loss ℓ_n and lse_n (header of CrossEntropyFused.cs).</summary>
    internal static void Forward<T>(T[] x, T[]? w, int[] t, int n, int c, double wsum, int ignoreIndex, double eps, double[] loss, double[] lse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = Chunks(n, c);
        Parallelism.For(chunks, (long)n * c * 8, ch =>
        {
            int r0 = (int)((long)n * ch / chunks), r1 = (int)((long)n * (ch + 1) / chunks);
            var buf = new T[c];
            for (int r = r0; r < r1; r++)
            {
                if (t[r] == ignoreIndex) { loss[r] = 0; lse[r] = double.NaN; continue; }
                var xs = x.AsSpan(r * c, c);
                T m = TensorPrimitives.Max<T>(xs);
                TensorPrimitives.Subtract(xs, m, buf);
                TensorPrimitives.Exp<T>(buf, buf);
                double l = double.CreateTruncating(m) + Math.Log(double.CreateTruncating(TensorPrimitives.Sum<T>(buf)));
                double dot = double.CreateTruncating(w is null ? TensorPrimitives.Sum<T>(xs) : TensorPrimitives.Dot<T>(xs, w));
                double wt = w is null ? 1 : double.CreateTruncating(w[t[r]]);
                lse[r] = l;
                loss[r] = -(1 - eps) * wt * (double.CreateTruncating(xs[t[r]]) - l) - eps / c * (dot - wsum * l);
            }
        });
    }

    /// <summary>dx_n = s_n·(A_n·exp(x_n − lse_n) − (ε/C)·w − (1 − ε)·w_t·e_t), 0 for an ignored row.</summary>
    internal static void Backward<T>(T[] x, T[]? w, int[] t, int n, int c, int ignoreIndex, double eps, double[] lse, double[] coef, double[] scale, T[] dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = Chunks(n, c);
        Parallelism.For(chunks, (long)n * c * 6, ch =>
        {
            int r0 = (int)((long)n * ch / chunks), r1 = (int)((long)n * (ch + 1) / chunks);
            for (int r = r0; r < r1; r++)
            {
                var d = dx.AsSpan(r * c, c);
                if (t[r] == ignoreIndex) { d.Clear(); continue; }
                TensorPrimitives.Subtract(x.AsSpan(r * c, c), T.CreateTruncating(lse[r]), d);
                TensorPrimitives.Exp<T>(d, d);
                double s = scale[r], smooth = -s * eps / c;
                if (w is null) NormKernels.Affine<T>(d, T.CreateTruncating(s * coef[r]), T.CreateTruncating(smooth), d);
                else NormKernels.Combine<T>(d, T.CreateTruncating(s * coef[r]), w, T.CreateTruncating(smooth), T.Zero, d);
                d[t[r]] -= T.CreateTruncating(s * (1 - eps) * (w is null ? 1 : double.CreateTruncating(w[t[r]])));
            }
        });
    }
}
