using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// var: y = Σ (x − mean)² / max(0, N − correction), N the elements per output (the max as PyTorch's kernel:
//      N ≤ correction gives 0/0 = NaN or c/0 = inf, with PyTorch's warning left out).
// std: y = √var.
// Backward, PyTorch's var_backward / std_backward (FunctionsManual.cpp), written with recorded ops so
// they differentiate again (Note [Double backward]):
//   var over dims: dX = 2 / (N − correction) · dY · (x − mean(x, dims, keepdim)) — N − correction as is
//                  (negative when correction > N, as PyTorch's);
//   var over all:  dX = 2 / (N − correction) · dY · (x − mean(x)) when N > correction, else
//                  dY · (x == mean ? NaN : inf) (PyTorch's special case);
//   std:           var's rule applied to dY / (2y), set to 0 where y == 0 (masked_fill: a constant x has a
//                  zero gradient, not NaN).
// Without createGraph, over consecutive dims, forward and first-order backward are fused lane kernels
// (two passes each, no temporaries of the input's size); the recorded rules above are the createGraph path.
public static partial class F
{
    /// <summary>torch.var(x, correction=): the variance of all elements (correction 1 = unbiased, PyTorch's default).</summary>
    public static Tensor Var(Tensor x, double correction = 1) => Moment(x, [], correction, keepDim: false, all: true, std: false);

    /// <summary>torch.var(x, dims, correction=, keepdim=); an empty dims list means every dim.</summary>
    public static Tensor Var(Tensor x, ReadOnlySpan<int> dims, double correction = 1, bool keepDim = false)
        => Moment(x, dims, correction, keepDim, all: dims.Length == 0, std: false);

    /// <summary>torch.var(x, dim, correction=, keepdim=).</summary>
    public static Tensor Var(Tensor x, int dim, double correction = 1, bool keepDim = false) => Var(x, [dim], correction, keepDim);

    /// <summary>torch.std(x, correction=): the standard deviation of all elements.</summary>
    public static Tensor Std(Tensor x, double correction = 1) => Moment(x, [], correction, keepDim: false, all: true, std: true);

    /// <summary>torch.std(x, dims, correction=, keepdim=); an empty dims list means every dim.</summary>
    public static Tensor Std(Tensor x, ReadOnlySpan<int> dims, double correction = 1, bool keepDim = false)
        => Moment(x, dims, correction, keepDim, all: dims.Length == 0, std: true);

    /// <summary>torch.std(x, dim, correction=, keepdim=).</summary>
    public static Tensor Std(Tensor x, int dim, double correction = 1, bool keepDim = false) => Std(x, [dim], correction, keepDim);

    private static Tensor Moment(Tensor x, ReadOnlySpan<int> dims, double correction, bool keepDim, bool all, bool std)
    {
        ArgumentNullException.ThrowIfNull(x);
        string op = std ? "std" : "var";
        if (double.IsNaN(correction) || double.IsInfinity(correction))
            throw new ArgumentException($"{op}: correction must be a finite number, got {correction}", nameof(correction));
        var rs = ReduceShape.Of(x, dims, keepDim, op);
        int[] rd = rs.Dims;
        Tensor y;
        double divisor = Math.Max(0, rs.Count - correction);
        if (!rs.Empty && rs.TryLanes(out var l))
        {
            // Consecutive dims: two passes per lane (the mean, then the squared deviations), no temporaries of x's size.
            y = Tensor.Uninitialized(x.DType, rs.Out);
            if (x.DType == DType.Float32) MomentKernel(x.Array<float>(), y.Array<float>(), l, (float)divisor, std);
            else MomentKernel(x.Array<double>(), y.Array<double>(), l, divisor, std);
        }
        else
            using (Grad.NoGrad())
            {
                var dev = Sub(x, Mean(x, rd, keepDim: true));
                y = Div(Sum(Mul(dev, dev), rd, keepDim), divisor);
                if (std) y = Sqrt(y);
            }
        if (!Node.NeedsGrad([x])) return y;
        // PyTorch's all-elements rule: the call without dims, or a 0-dim input.
        bool allRule = all || x.Rank == 0;
        return Node.Record(y, std ? "StdBackward0" : "VarBackward0", [x], g =>
        {
            double dof = rs.Count - correction;
            if (!GradMode.IsEnabled && (!allRule || dof > 0) && rs.TryLanes(out var lanes))
                return [MomentGradRaw(g, x, y, lanes, 2 / dof, std)];
            var gv = std ? KeepWhere(Div(g, Mul(y, 2)), NonZero(y), "MaskedFillBackward0") : g;
            return [VarGrad(gv, x, rs, correction, allRule)];
        }, saved: [x, y], differentiable: true);
    }

    /// <summary>
    /// The first-order rule as one kernel (no graph to record): per lane s = dY · 2/(N − correction), for std
    /// dY / (2y) first (0 where y == 0), then dX = s · (x − mean) with the lane's mean computed again.
    /// </summary>
    private static Tensor MomentGradRaw(Tensor g, Tensor x, Tensor y, DimLayout l, double twoOverDof, bool std)
    {
        var scale = new double[l.Lanes];
        for (int i = 0; i < scale.Length; i++)
        {
            double gi = g.GetDouble(i);
            if (std) { double yi = y.GetDouble(i); gi = yi == 0 ? 0 : gi / (2 * yi); }
            scale[i] = gi * twoOverDof;
        }
        var dx = Tensor.Uninitialized(x.DType, x.Dims);
        if (x.DType == DType.Float32) CentredScaleKernel(x.Array<float>(), dx.Array<float>(), l, scale);
        else CentredScaleKernel(x.Array<double>(), dx.Array<double>(), l, scale);
        return dx;
    }

    private static void CentredScaleKernel<T>(T[] x, T[] dx, DimLayout l, double[] scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T n = T.CreateTruncating(l.Size);
        Kernels.Parallelism.For(l.Outer, (long)x.Length * 2, o =>
        {
            int inner = l.Inner, size = l.Size, block = o * size * inner;
            if (inner == 1)
            {
                var lane = x.AsSpan(block, size);
                T mean = TensorPrimitives.Sum<T>(lane) / n, s = T.CreateTruncating(scale[o]);
                var d = dx.AsSpan(block, size);
                TensorPrimitives.Subtract(lane, mean, d);
                TensorPrimitives.Multiply(d, s, d);
                return;
            }
            var mean2 = new T[inner];
            var sc = new T[inner];
            for (int i = 0; i < inner; i++) sc[i] = T.CreateTruncating(scale[o * inner + i]);
            for (int k = 0; k < size; k++) TensorPrimitives.Add(mean2, x.AsSpan(block + k * inner, inner), mean2);
            TensorPrimitives.Divide(mean2, n, mean2);
            for (int k = 0; k < size; k++)
            {
                var d = dx.AsSpan(block + k * inner, inner);
                TensorPrimitives.Subtract(x.AsSpan(block + k * inner, inner), mean2, d);
                TensorPrimitives.Multiply(d, sc, d);
            }
        });
    }

    /// <summary>Per lane: Σ (x − mean)² / divisor (then √ for std); lanes along the last dims are spans, others rows of lanes.</summary>
    private static void MomentKernel<T>(T[] x, T[] y, DimLayout l, T divisor, bool std) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T n = T.CreateTruncating(l.Size);
        Kernels.Parallelism.For(l.Outer, (long)x.Length * 3, o =>
        {
            int inner = l.Inner, size = l.Size, block = o * size * inner;
            var tmp = new T[inner == 1 ? size : inner];
            if (inner == 1)
            {
                var lane = x.AsSpan(block, size);
                T mean = TensorPrimitives.Sum<T>(lane) / n;
                TensorPrimitives.Subtract(lane, mean, tmp);
                T v = TensorPrimitives.SumOfSquares<T>(tmp) / divisor;
                y[o] = std ? T.Sqrt(v) : v;
                return;
            }
            var mean2 = new T[inner];
            var acc = y.AsSpan(o * inner, inner);
            for (int k = 0; k < size; k++) TensorPrimitives.Add(mean2, x.AsSpan(block + k * inner, inner), mean2);
            TensorPrimitives.Divide(mean2, n, mean2);
            acc.Clear();
            for (int k = 0; k < size; k++)
            {
                TensorPrimitives.Subtract(x.AsSpan(block + k * inner, inner), mean2, tmp);
                TensorPrimitives.MultiplyAdd(tmp, tmp, acc, acc);
            }
            TensorPrimitives.Divide(acc, divisor, acc);
            if (std) TensorPrimitives.Sqrt<T>(acc, acc);
        });
    }

    private static Tensor VarGrad(Tensor g, Tensor x, ReduceShape rs, double correction, bool allRule)
    {
        double dof = rs.Count - correction;
        if (allRule && dof <= 0)
        {
            // 2 / 0 = inf times x − mean: NaN where x equals the mean (inf · 0), inf elsewhere.
            var inf = Tensor.Empty(x.DType, x.Dims);
            double mean;
            using (Grad.NoGrad()) mean = Mean(x).GetDouble(0);
            for (int i = 0; i < inf.Numel; i++) inf.SetDouble(i, x.GetDouble(i) == mean ? double.NaN : double.PositiveInfinity);
            return Mul(rs.Expand(g), inf);
        }
        var centred = Sub(x, allRule ? Mean(x) : Mean(x, rs.Dims, keepDim: true));
        return Mul(Mul(rs.Expand(g), 2 / dof), centred);
    }

    /// <summary>Where a tensor is nonzero (NaN counts as nonzero, as in PyTorch's result == 0 mask).</summary>
    private static bool[] NonZero(Tensor t)
    {
        var keep = new bool[t.Numel];
        for (int i = 0; i < keep.Length; i++) keep[i] = t.GetDouble(i) != 0;
        return keep;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the VarStd ops in <see cref="F"/>.</summary>
public static class TensorVarStdExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.var(correction=).</summary>
        public Tensor Var(double correction = 1) => F.Var(x, correction);

        /// <summary>tensor.var(dims, correction=, keepdim=).</summary>
        public Tensor Var(ReadOnlySpan<int> dims, double correction = 1, bool keepDim = false) => F.Var(x, dims, correction, keepDim);

        /// <summary>tensor.var(dim, correction=, keepdim=).</summary>
        public Tensor Var(int dim, double correction = 1, bool keepDim = false) => F.Var(x, dim, correction, keepDim);

        /// <summary>tensor.std(correction=).</summary>
        public Tensor Std(double correction = 1) => F.Std(x, correction);

        /// <summary>tensor.std(dims, correction=, keepdim=).</summary>
        public Tensor Std(ReadOnlySpan<int> dims, double correction = 1, bool keepDim = false) => F.Std(x, dims, correction, keepDim);

        /// <summary>tensor.std(dim, correction=, keepdim=).</summary>
        public Tensor Std(int dim, double correction = 1, bool keepDim = false) => F.Std(x, dim, correction, keepDim);
    }
}
