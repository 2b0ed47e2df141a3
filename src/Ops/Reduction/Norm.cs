namespace Autograd;

// torch.linalg.vector_norm (torch.norm for vectors): y = (Σ |x|^p)^(1/p) over the dims;
//   p = 2: √Σ x²; p = 1: Σ |x|; p = ∞: max |x|; p = −∞: min |x|; p = 0: the count of nonzeros.
// Backward, PyTorch's norm_backward (FunctionsManual.cpp), with dY and y broadcast back over the dims:
//   p = 0:      none (PyTorch's rule returns an undefined gradient: a leaf's .grad stays unset);
//   p = 1:      sgn(x) · dY;
//   p = 2:      dY · x / y, 0 where y == 0 (masked: the gradient of ‖0‖ is 0, not NaN);
//   p = ±∞:     sgn(x) · dY / count · mask, mask = |x| == y or isnan(x) (ties share the gradient);
//   p < 1:      sgn(x) · |x|^(p−1) (0 where x == 0) · dY · y^(1−p);
//   1 < p < 2:  sgn(x) · |x|^(p−1) · (dY / y^(p−1), 0 where y == 0);
//   p > 2:      x · |x|^(p−2) · (dY / y^(p−1), 0 where y == 0).
// Each rule is written with recorded ops so it differentiates again (Note [Double backward]).
public static partial class F
{
    /// <summary>
    /// torch.linalg.vector_norm(x, ord=p, dim=dims, keepdim): the p-norm over <paramref name="dims"/>
    /// (null or empty: every element). p may be any real, ∞ or −∞.
    /// </summary>
    public static Tensor Norm(Tensor x, double p = 2, int[]? dims = null, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (double.IsNaN(p)) throw new ArgumentException("norm: linalg.vector_norm: ord must be a number, got NaN", nameof(p));
        var rs = ReduceShape.Of(x, dims ?? [], keepDim, "norm");
        if (rs.Empty && (p < 0 || double.IsPositiveInfinity(p)))
            throw new ArgumentException($"norm: linalg.vector_norm cannot compute the {p} norm on an empty tensor because the operation does not have an identity", nameof(x));
        int[] rd = rs.Dims;
        Tensor y;
        using (Grad.NoGrad())
        {
            var kept = p switch
            {
                0 => Sum(NonZeroMask(x), rd, keepDim: true),
                1 => Sum(Abs(x), rd, keepDim: true),
                2 => Sqrt(Sum(Mul(x, x), rd, keepDim: true)),
                double.PositiveInfinity => ExtremeOver(Abs(x), rd, max: true),
                double.NegativeInfinity => ExtremeOver(Abs(x), rd, max: false),
                _ => Pow(Sum(Pow(Abs(x), p), rd, keepDim: true), 1 / p),
            };
            y = rs.ToOut(kept);
        }
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "LinalgVectorNormBackward0", [x], g => [NormGrad(rs.Expand(g), x, y, p, rs)], saved: [x, y], differentiable: true);
    }

    private static Tensor? NormGrad(Tensor g, Tensor x, Tensor y, double p, ReduceShape rs)
    {
        if (p == 0) return null;
        if (p == 1) return Mul(Sgn(x), g);
        var yk = AsShape(y, rs.Kept);
        if (p == 2) return Mul(g, KeepWhere(Div(x, ExpandTo(yk, rs.In)), NonZero(Expand(yk, rs.In)), "MaskedFillBackward0"));
        if (double.IsInfinity(p))
        {
            var ye = Expand(yk, rs.In);
            var mask = Tensor.Empty(x.DType, x.Dims);
            for (int i = 0; i < mask.Numel; i++)
            {
                double a = Math.Abs(x.GetDouble(i));
                mask.SetDouble(i, a == ye.GetDouble(i) || double.IsNaN(a) ? 1 : 0);
            }
            Tensor count;
            using (Grad.NoGrad()) count = Sum(mask, rs.Dims, keepDim: true);
            return Mul(Sgn(x), Mul(Div(g, ExpandTo(count, rs.In)), mask));
        }
        if (p < 1)
        {
            var scaled = Mul(Sgn(x), KeepWhere(Pow(Abs(x), p - 1), NonZero(x), "MaskedFillBackward0"));
            return Mul(Mul(scaled, g), ExpandTo(Pow(yk, 1 - p), rs.In));
        }
        // The scale dY / y^(p−1) is formed on the kept shape, masked where y == 0, then broadcast (as PyTorch).
        var scale = KeepWhere(Div(g, ExpandTo(Pow(yk, p - 1), rs.In)), NonZero(Expand(yk, rs.In)), "MaskedFillBackward0");
        var self = p < 2 ? Mul(Sgn(x), Pow(Abs(x), p - 1)) : Mul(x, Pow(Abs(x), p - 2));
        return Mul(self, scale);
    }

    /// <summary>1 where x ≠ 0 (NaN included), else 0.</summary>
    private static Tensor NonZeroMask(Tensor x)
    {
        var m = Tensor.Empty(x.DType, x.Dims);
        for (int i = 0; i < m.Numel; i++) m.SetDouble(i, x.GetDouble(i) != 0 ? 1 : 0);
        return m;
    }

    /// <summary>max (or min) over several dims, kept as size 1: one dim at a time (NaN wins, as in max).</summary>
    internal static Tensor ExtremeOver(Tensor x, int[] dims, bool max)
    {
        if (x.Rank == 0) return x;
        foreach (var d in dims) x = max ? Max(x, d, keepDim: true).Values : Min(x, d, keepDim: true).Values;
        return x;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Norm ops in <see cref="F"/>.</summary>
public static class TensorNormExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.norm(p, dim, keepdim) (linalg.vector_norm semantics).</summary>
        public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false) => F.Norm(x, p, dims, keepDim);
    }
}
