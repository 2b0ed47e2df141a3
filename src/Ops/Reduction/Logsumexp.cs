namespace Autograd;

// y = log Σ exp(x) over the dims, computed as m + log Σ exp(x − m) with m the lane's max (0 where the max
// is ±∞, as PyTorch's logsumexp: a lane of −∞ gives −∞, a lane holding +∞ gives +∞, not NaN from ∞ − ∞).
// Backward, PyTorch's logsumexp_backward: dX = dY · exp(x − y), y broadcast back over the dims (the
// softmax of the lane). Recorded ops, through y's own node, so it differentiates again.
public static partial class F
{
    /// <summary>torch.logsumexp(x, dims, keepdim); an empty dims list means every dim.</summary>
    public static Tensor Logsumexp(Tensor x, ReadOnlySpan<int> dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var rs = ReduceShape.Of(x, dims, keepDim, "logsumexp");
        int[] rd = rs.Dims;
        Tensor y;
        using (Grad.NoGrad())
        {
            var m = rs.Empty ? Tensor.Zeros(rs.Kept, x.DType) : ExtremeOver(x, rd, max: true);
            m = Tensor.From(m.ToDoubleArray().Select(v => double.IsInfinity(v) ? 0 : v).ToArray(), rs.Kept).To(x.DType);
            y = rs.ToOut(Add(Log(Sum(Exp(Sub(x, m)), rd, keepDim: true)), m));
        }
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "LogsumexpBackward0", [x], g => [Mul(rs.Expand(g), Exp(Sub(x, rs.Expand(y))))], saved: [x, y], differentiable: true);
    }

    /// <summary>torch.logsumexp(x, dim, keepdim).</summary>
    public static Tensor Logsumexp(Tensor x, int dim, bool keepDim = false) => Logsumexp(x, [dim], keepDim);
}

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
