using System.Numerics;

namespace Autograd;

// prod over a lane (all elements, or one dim): y = Π x_k; the empty product is 1.
// Backward, PyTorch's prod_backward: without a zero anywhere in x, dX = dY · y / x. With zeros, each
// element gets dY times the product of the OTHER elements of its lane (prod_safe_zeros_backward): with
// one zero in a lane the zero's spot gets the product of the rest and every other spot 0; with two or
// more, all 0. That exclusive product is prefix × suffix per lane (no division).
// Double backward (Note [Double backward]): without zeros the rule is the recorded dY · (y / x), through
// y's own node; with zeros the exclusive product is recorded as the prod over a lane-by-lane matrix whose
// diagonal is 1 (row k holds the lane with x_k replaced by 1), so its derivative is prod's rule again.
// That matrix is n× the input: only built under createGraph on inputs with zeros.
public static partial class F
{
    /// <summary>torch.prod(x): the product of all elements, a 0-dim tensor (1 for an empty tensor).</summary>
    public static Tensor Prod(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var flat = new Tensor(x.Storage, [x.Numel]);
        var r = ProdLanes(flat, DimLayout.Of(flat.Dims, 0), []);
        if (!Node.NeedsGrad([x])) return r;
        int[] shape = x.Dims;
        return Node.Record(r, "ProdBackward0", [x], g =>
        {
            var xf = AsShape(x, [x.Numel]);
            return [AsShape(ProdGrad(AsShape(g, [1]), xf, AsShape(r, [1]), 0), shape)];
        }, saved: [x, r], differentiable: true);
    }

    /// <summary>torch.prod(x, dim, keepdim): the product along <paramref name="dim"/>.</summary>
    public static Tensor Prod(Tensor x, int dim, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "prod");
        int[] kept = x.Rank == 0 ? [] : x.Dims.Select((s, i) => i == d ? 1 : s).ToArray();
        int[] outShape = keepDim || x.Rank == 0 ? kept : x.Dims.Where((_, i) => i != d).ToArray();
        var r = ProdLanes(x, DimLayout.Of(x.Dims, d), outShape);
        if (!Node.NeedsGrad([x])) return r;
        return Node.Record(r, "ProdBackward1", [x], g => [ProdGrad(AsShape(g, kept), x, AsShape(r, kept), x.Rank == 0 ? 0 : d)],
            saved: [x, r], differentiable: true);
    }

    private static Tensor ProdLanes(Tensor x, DimLayout l, int[] outShape)
    {
        var r = Tensor.Uninitialized(x.DType, outShape);
        if (x.DType == DType.Float32) ProdKernel(x.Array<float>(), r.Array<float>(), l);
        else ProdKernel(x.Array<double>(), r.Array<double>(), l);
        return r;
    }

    private static void ProdKernel<T>(T[] x, T[] r, DimLayout l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            int s = l.Start(lane);
            T p = T.One;
            for (int k = 0; k < l.Size; k++) p *= x[s + k * l.Inner];
            r[lane] = p;
        }
    }

    /// <summary>prod_backward along dim <paramref name="d"/>, with g and y in the kept shape (reduced dim 1).</summary>
    private static Tensor ProdGrad(Tensor g, Tensor x, Tensor y, int d)
    {
        int[] shape = x.Dims;
        if (x.Rank == 0) return g;
        if (!HasZero(x)) return Mul(ExpandTo(g, shape), Div(ExpandTo(y, shape), x));
        var l = DimLayout.Of(shape, d);
        if (GradMode.IsEnabled) return Mul(ExpandTo(g, shape), ExclusiveProdRecorded(x, l));
        var dx = Tensor.Uninitialized(x.DType, shape);
        // g has the kept shape: one value per lane, in lane order.
        if (x.DType == DType.Float32) ExclusiveProdKernel(x.Array<float>(), g.Array<float>(), dx.Array<float>(), l);
        else ExclusiveProdKernel(x.Array<double>(), g.Array<double>(), dx.Array<double>(), l);
        return dx;
    }

    private static bool HasZero(Tensor x)
    {
        for (int i = 0; i < x.Numel; i++) if (x.GetDouble(i) == 0) return true;
        return false;
    }

    /// <summary>dx_k = g_lane · Π_{j≠k} x_j: the suffix products written first, then multiplied by the running prefix.</summary>
    private static void ExclusiveProdKernel<T>(T[] x, T[] g, T[] dx, DimLayout l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            int s = l.Start(lane), step = l.Inner;
            T suffix = T.One;
            for (int k = l.Size - 1; k >= 0; k--) { dx[s + k * step] = suffix; suffix *= x[s + k * step]; }
            T prefix = g[lane];
            for (int k = 0; k < l.Size; k++) { dx[s + k * step] *= prefix; prefix *= x[s + k * step]; }
        }
    }

    /// <summary>
    /// Π_{j≠k} x_j as recorded ops: x seen as [outer, 1, size, inner] broadcast to [outer, size, size, inner],
    /// the diagonal replaced by 1 (a constant mask plus constant ones), and the prod over the last lane dim.
    /// </summary>
    private static Tensor ExclusiveProdRecorded(Tensor x, DimLayout l)
    {
        int[] wide = [l.Outer, l.Size, l.Size, l.Inner];
        var offDiag = new bool[l.Outer * l.Size * l.Size * l.Inner];
        var diag = Tensor.Zeros(wide, x.DType);
        for (int o = 0; o < l.Outer; o++)
            for (int k = 0; k < l.Size; k++)
                for (int j = 0; j < l.Size; j++)
                    for (int i = 0; i < l.Inner; i++)
                    {
                        int at = ((o * l.Size + k) * l.Size + j) * l.Inner + i;
                        offDiag[at] = k != j;
                        if (k == j) diag.SetDouble(at, 1);
                    }
        var rows = Add(KeepWhere(ExpandTo(AsShape(x, [l.Outer, 1, l.Size, l.Inner]), wide), offDiag, "MaskedFillBackward0"), diag);
        return AsShape(Prod(rows, 2), x.Dims);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Prod ops in <see cref="F"/>.</summary>
public static class TensorProdExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.prod().</summary>
        public Tensor Prod() => F.Prod(x);

        /// <summary>tensor.prod(dim, keepdim).</summary>
        public Tensor Prod(int dim, bool keepDim = false) => F.Prod(x, dim, keepDim);
    }
}
