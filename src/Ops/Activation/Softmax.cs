using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// softmax:     y = exp(x - max) / sum(exp(x - max))           dX = y * (dY - sum(dY * y))
// log_softmax: y = x - max - log(sum(exp(x - max)))           dX = dY - exp(y) * sum(dY)
// Sums run along `dim`. Subtracting the lane's max keeps exp from overflowing (numerically stable);
// a lane of all -inf gives NaN, as in PyTorch.
public static partial class F
{
    /// <summary>torch.softmax(x, dim).</summary>
    public static Tensor Softmax(Tensor x, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "softmax");
        var y = SoftmaxKernel.Forward(x, d, log: false);
        if (!Node.NeedsGrad([x])) return y;
        var saved = y.Detach();
        return Node.Record(y, "SoftmaxBackward0", [x], g => [SoftmaxKernel.Backward(g, saved, d, log: false)], saved: [saved]);
    }

    /// <summary>torch.log_softmax(x, dim).</summary>
    public static Tensor LogSoftmax(Tensor x, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "log_softmax");
        var y = SoftmaxKernel.Forward(x, d, log: true);
        if (!Node.NeedsGrad([x])) return y;
        var saved = y.Detach();
        return Node.Record(y, "LogSoftmaxBackward0", [x], g => [SoftmaxKernel.Backward(g, saved, d, log: true)], saved: [saved]);
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
