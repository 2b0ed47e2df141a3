using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// softmax:     y = exp(x - max) / sum(exp(x - max))           dX = y * (dY - sum(dY * y))
// log_softmax: y = x - max - log(sum(exp(x - max)))           dX = dY - exp(y) * sum(dY)
// Sums run along `dim`. Subtracting the lane's max keeps exp from overflowing (numerically stable);
// a lane of all -inf gives NaN, as in PyTorch.
// Under createGraph each rule is a recorded op of (g, y), the same kernel, with PyTorch's node name and the
// output y itself saved so it keeps its history (Note [Double backward]); S_d is a sum along dim, kept:
// softmax_backward_data(g, y)     (SoftmaxBackwardDataBackward0):    dG = softmax_backward_data(dR, y),
//                                                                    dY = dR·(g − S_d(g·y)) − g·S_d(dR·y)
// log_softmax_backward_data(g, y) (LogSoftmaxBackwardDataBackward0): dG = dR − S_d(dR·exp(y)),
//                                                                    dY = −dR·exp(y)·S_d(g)
public static partial class F
{
    /// <summary>torch.softmax(x, dim).</summary>
    public static Tensor Softmax(Tensor x, int dim)
    {
        x.RequireFloating("softmax", nameof(x));
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "softmax");
        var y = SoftmaxKernel.Forward(x, d, log: false);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "SoftmaxBackward0", [x], g => [SoftmaxBackwardData(g, y, d)], saved: [y], differentiable: true);
    }

    /// <summary>torch.log_softmax(x, dim).</summary>
    public static Tensor LogSoftmax(Tensor x, int dim)
    {
        x.RequireFloating("log_softmax", nameof(x));
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "log_softmax");
        var y = SoftmaxKernel.Forward(x, d, log: true);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "LogSoftmaxBackward0", [x], g => [LogSoftmaxBackwardData(g, y, d)], saved: [y], differentiable: true);
    }

    /// <summary>y·(g − S_d(g·y)), recorded when g or y requires grad (only under createGraph).</summary>
    private static Tensor SoftmaxBackwardData(Tensor g, Tensor y, int d)
    {
        var r = SoftmaxKernel.Backward(g, y, d, log: false);
        if (!Node.NeedsGrad([g, y])) return r;
        bool gg = g.RequiresGrad, gy = y.RequiresGrad;
        return Node.Record(r, "SoftmaxBackwardDataBackward0", [g, y], dr =>
            [gg ? SoftmaxBackwardData(dr, y, d) : null,
             gy ? Sub(Mul(dr, Sub(g, Sum(Mul(g, y), [d], keepDim: true))), Mul(g, Sum(Mul(dr, y), [d], keepDim: true))) : null],
            saved: [g, y], differentiable: true);
    }

    /// <summary>g − exp(y)·S_d(g), recorded when g or y requires grad (only under createGraph).</summary>
    private static Tensor LogSoftmaxBackwardData(Tensor g, Tensor y, int d)
    {
        var r = SoftmaxKernel.Backward(g, y, d, log: true);
        if (!Node.NeedsGrad([g, y])) return r;
        bool gg = g.RequiresGrad, gy = y.RequiresGrad;
        return Node.Record(r, "LogSoftmaxBackwardDataBackward0", [g, y], dr =>
            [gg ? Sub(dr, Sum(Mul(dr, Exp(y)), [d], keepDim: true)) : null,
             gy ? Neg(Mul(Mul(dr, Exp(y)), Sum(g, [d], keepDim: true))) : null],
            saved: [g, y], differentiable: true);
    }
}

internal static class SoftmaxKernel
{
    internal static Tensor Forward(Tensor x, int dim, bool log)
    {
        var y = Tensor.Empty(x.DType, x.Dims);
        var l = DimLayout.Of(x.Dims, dim);
        if (x.DType == DType.Float32) Forward<float>(x.Array<float>(), y.Array<float>(), l, log);
        else Forward<double>(x.Array<double>(), y.Array<double>(), l, log);
        return y;
    }

    internal static Tensor Backward(Tensor g, Tensor y, int dim, bool log)
    {
        var dx = Tensor.Empty(y.DType, y.Dims);
        var l = DimLayout.Of(y.Dims, dim);
        if (y.DType == DType.Float32) Backward<float>(g.Array<float>(), y.Array<float>(), dx.Array<float>(), l, log);
        else Backward<double>(g.Array<double>(), y.Array<double>(), dx.Array<double>(), l, log);
        return dx;
    }

    // Lanes along the last dim are contiguous and handled in place; strided lanes are gathered into a
    // buffer so both cases share the TensorPrimitives code below.
    private static void Forward<T>(T[] x, T[] y, DimLayout l, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (l.Size == 0) return;
        var buf = l.Inner == 1 ? null : new T[l.Size];
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            int start = l.Start(lane);
            Span<T> row = buf ?? y.AsSpan(start, l.Size);
            if (buf is null) x.AsSpan(start, l.Size).CopyTo(row);
            else for (int k = 0; k < l.Size; k++) row[k] = x[start + k * l.Inner];

            T max = TensorPrimitives.Max<T>(row);
            TensorPrimitives.Subtract(row, max, row);
            if (log)
            {
                T lse = T.Zero;
                foreach (var v in row) lse += T.Exp(v);
                TensorPrimitives.Subtract(row, T.Log(lse), row);
            }
            else
            {
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Divide(row, TensorPrimitives.Sum<T>(row), row);
            }
            if (buf is not null) for (int k = 0; k < l.Size; k++) y[start + k * l.Inner] = row[k];
        }
    }

    private static void Backward<T>(T[] g, T[] y, T[] dx, DimLayout l, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            int start = l.Start(lane);
            T s = T.Zero;
            for (int k = 0, i = start; k < l.Size; k++, i += l.Inner) s += log ? g[i] : g[i] * y[i];
            for (int k = 0, i = start; k < l.Size; k++, i += l.Inner)
                dx[i] = log ? g[i] - T.Exp(y[i]) * s : y[i] * (g[i] - s);
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Softmax ops in <see cref="F"/>.</summary>
public static class TensorSoftmaxExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.softmax(dim).</summary>
        public Tensor Softmax(int dim) => F.Softmax(x, dim);

        /// <summary>tensor.log_softmax(dim).</summary>
        public Tensor LogSoftmax(int dim) => F.LogSoftmax(x, dim);
    }
}
