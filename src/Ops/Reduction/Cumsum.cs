using System.Numerics;

namespace Autograd;

// y_k = Σ_{j≤k} x_j along dim. Backward: dX_j = Σ_{k≥j} dY_k, the cumsum of dY taken from the end
// (PyTorch's cumsum_backward: flip, cumsum, flip). Both directions are one kernel and one recorded op,
// each the other's derivative, so the rule differentiates to any order (Note [Double backward]).
// Moves and adds only: a rank-0 input is returned as is (dim 0 or −1, as PyTorch).
public static partial class F
{
    /// <summary>torch.cumsum(x, dim): running sums along <paramref name="dim"/>.</summary>
    public static Tensor Cumsum(Tensor x, int dim)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "cumsum");
        return CumsumAlong(x, DimLayout.Of(x.Dims, x.Rank == 0 ? 0 : d), reverse: false);
    }

    private static Tensor CumsumAlong(Tensor x, DimLayout l, bool reverse)
    {
        var y = Tensor.Uninitialized(x.DType, x.Dims);
        if (x.DType == DType.Float32) CumsumKernel(x.Array<float>(), y.Array<float>(), l, reverse);
        else CumsumKernel(x.Array<double>(), y.Array<double>(), l, reverse);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, reverse ? "CumsumBackwardBackward0" : "CumsumBackward0", [x], g => [CumsumAlong(g, l, !reverse)], differentiable: true);
    }

    private static void CumsumKernel<T>(T[] x, T[] y, DimLayout l, bool reverse) where T : unmanaged, INumberBase<T>
    {
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            int s = l.Start(lane);
            T acc = T.Zero;
            for (int j = 0; j < l.Size; j++)
            {
                int at = s + (reverse ? l.Size - 1 - j : j) * l.Inner;
                acc += x[at];
                y[at] = acc;
            }
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Cumsum ops in <see cref="F"/>.</summary>
public static class TensorCumsumExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.cumsum(dim).</summary>
        public Tensor Cumsum(int dim) => F.Cumsum(x, dim);
    }
}
