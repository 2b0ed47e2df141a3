using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// y[i, :] = W[idx[i], :]                       (rows gathered; y has shape idx.shape + [D])
// dW[r, :] = Σ_{i: idx[i] = r} dY[i, :] / c(r)  for r ≠ padding_idx, 0 for the padding row   (EmbeddingBackward0)
// with c(r) = the count of r in idx when scale_grad_by_freq, else 1 (embedding_dense_backward).
// That backward is linear in dY (EmbeddingDenseBackward0); its own derivative is the gather again,
//   ∂/∂dY ⟨V, dW⟩ [i, :] = V[idx[i], :]   (0 where idx[i] = padding_idx),
// whose derivative is the scatter again (unscaled), so any order works.
//
// Note [Embedding double backward and scale_grad_by_freq]
// With scale_grad_by_freq the true derivative of dW with respect to dY divides by c(idx[i]) as well;
// PyTorch's embedding_dense_double_backward does not ("the first backward takes care of scaling by
// frequency"), and neither does the index_select it is made of at the next order. We follow PyTorch,
// so second-order results agree with it (LayersHvpOracleTests) rather than with finite differences.
// max_norm renormalises the referenced rows of W in place first, outside the graph (PyTorch's
// embedding_renorm_ under no_grad): a row whose norm_type-norm exceeds max_norm is scaled by
// max_norm/(norm + 1e-7).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.embedding: rows of <paramref name="weight"/> (num_embeddings, D) picked by the
    /// int64/int32 <paramref name="input"/>; the row at <paramref name="paddingIdx"/> gets no gradient.
    /// </summary>
    public static Tensor Embedding(Tensor input, Tensor weight, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2, bool scaleGradByFreq = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got {input.DType} instead", nameof(input));
        if (weight.Rank != 2) throw new ArgumentException($"embedding: 'weight' must be 2-D, got weight of size {ShapeUtil.Format(weight.Shape)}", nameof(weight));
        weight.RequireFloating("embedding", nameof(weight));
        int rows = weight.Dims[0], dim = weight.Dims[1];
        long pad = NormalizePaddingIdx(paddingIdx, rows, "embedding");
        long[] idx = input.DType == DType.Int64 ? input.Array<long>() : Array.ConvertAll(input.Array<int>(), v => (long)v);
        foreach (long r in idx)
            if (r < 0 || r >= rows)
                throw new ArgumentOutOfRangeException(nameof(input), $"embedding: index out of range in self (index {r} for a weight of {rows} rows)");
        if (maxNorm is { } mn) RenormRows(weight, idx, mn, normType);
        var table = new EmbeddingRows(idx, pad, rows, dim, scaleGradByFreq);
        var y = table.Gather(weight, [.. input.Dims, dim], zeroPadding: false);
        if (!Node.NeedsGrad([weight])) return y;
        return Node.Record(y, "EmbeddingBackward0", [weight], g => [table.Scatter(g, byFreq: scaleGradByFreq)], differentiable: true);
    }

    /// <summary>padding_idx as PyTorch's F.embedding normalises it: negative counts from the end; −1 (none) when null.</summary>
    internal static long NormalizePaddingIdx(long? paddingIdx, int rows, string op)
    {
        if (paddingIdx is not { } p) return -1;
        if (p >= rows || p < -rows)
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"{op}: Padding_idx must be within num_embeddings (got padding_idx={p} for {rows} embeddings)");
        return p < 0 ? p + rows : p;
    }

    /// <summary>embedding_renorm_: rows referenced by idx with norm &gt; maxNorm scaled down to maxNorm, in place.</summary>
    private static void RenormRows(Tensor weight, long[] idx, double maxNorm, double normType)
    {
        if (weight.DType == DType.Float32) Renorm(weight.Array<float>(), weight.Dims[1], idx, maxNorm, normType);
        else Renorm(weight.Array<double>(), weight.Dims[1], idx, maxNorm, normType);
        weight.BumpVersion();
    }

    private static void Renorm<T>(T[] w, int dim, long[] idx, double maxNorm, double normType) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (long r in new SortedSet<long>(idx))
        {
            var row = w.AsSpan((int)r * dim, dim);
            double norm = 0;
            foreach (var v in row)
            {
                double a = Math.Abs(double.CreateTruncating(v));
                norm = normType == 1 ? norm + a : double.IsPositiveInfinity(normType) ? Math.Max(norm, a) : norm + Math.Pow(a, normType);
            }
            if (normType != 1 && !double.IsPositiveInfinity(normType)) norm = Math.Pow(norm, 1 / normType);
            if (norm > maxNorm)
            {
                T scale = T.CreateTruncating(maxNorm / (norm + 1e-7));
                for (int k = 0; k < dim; k++) row[k] *= scale;
            }
        }
    }

    /// <summary>One embedding call's indices: the gather (forward) and the scatter (its backward), each the other's adjoint.</summary>
    private sealed class EmbeddingRows(long[] idx, long pad, int rows, int dim, bool byFreq)
    {
        private readonly int[]? _counts = byFreq ? Counts(idx, rows) : null;

        private static int[] Counts(long[] idx, int rows)
        {
            var c = new int[rows];
            foreach (long r in idx) c[r]++;
            return c;
        }

        /// <summary>
        /// out[i] = src[idx[i]] (shape <paramref name="shape"/>); as the adjoint of Scatter, with padding
        /// positions zeroed (never divided by counts: Note [Embedding double backward and scale_grad_by_freq]).
        /// </summary>
        public Tensor Gather(Tensor src, int[] shape, bool zeroPadding)
        {
            var y = Tensor.Uninitialized(src.DType, shape);
            if (src.DType == DType.Float32) GatherRows(src.Array<float>(), y.Array<float>(), zeroPadding);
            else GatherRows(src.Array<double>(), y.Array<double>(), zeroPadding);
            if (!zeroPadding || !Node.NeedsGrad([src])) return y;
            return Node.Record(y, "EmbeddingDenseBackwardBackward0", [src], v => [Scatter(v, byFreq: false)], differentiable: true);
        }

        /// <summary>dW = Σ rows of g into their index (not the padding row), each divided by its count when <paramref name="byFreq"/>.</summary>
        public Tensor Scatter(Tensor g, bool byFreq)
        {
            var dw = Tensor.Uninitialized(g.DType, [rows, dim]);   // ScatterRows clears it
            if (g.DType == DType.Float32) ScatterRows(g.Array<float>(), dw.Array<float>(), byFreq);
            else ScatterRows(g.Array<double>(), dw.Array<double>(), byFreq);
            if (!Node.NeedsGrad([g])) return dw;
            int[] gShape = g.Dims;
            return Node.Record(dw, "EmbeddingDenseBackward0", [g], v => [Gather(v, gShape, zeroPadding: true)], differentiable: true);
        }

        /// <summary>Rows per parallel chunk of the gather and the scatter: a function of the shape only.</summary>
        private static int Chunks(long count, int dim) => (int)Math.Clamp(count * dim / 32768, 1, 64);

        private void GatherRows<T>(T[] src, T[] y, bool adjoint) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int chunks = (int)Math.Min(Chunks(idx.Length, dim), Math.Max(idx.Length, 1));
            Parallelism.For(chunks, (long)idx.Length * dim, ch =>
            {
                for (int i = (int)((long)idx.Length * ch / chunks), end = (int)((long)idx.Length * (ch + 1) / chunks); i < end; i++)
                {
                    var dst = y.AsSpan(i * dim, dim);
                    long r = idx[i];
                    if (adjoint && r == pad) dst.Clear();
                    else src.AsSpan((int)r * dim, dim).CopyTo(dst);
                }
            });
        }

        // Note [Embedding scatter by destination rows]: the gradient is cleared and accumulated per chunk of
        // destination rows; each chunk walks all indices in order and adds those landing in its rows, so
        // every row's sum runs in index order on one thread (Note [Deterministic parallelism]).
        private void ScatterRows<T>(T[] g, T[] dw, bool byFreq) where T : unmanaged, IFloatingPointIeee754<T>
        {
            // Inline (one thread) a single chunk does it: every chunk rescans all indices. The sums are the same.
            long work = (long)rows * dim + (long)idx.Length * dim;
            int chunks = Parallelism.Worth(2, work) ? (int)Math.Min(Chunks(rows, dim), Math.Max(rows, 1)) : 1;
            Parallelism.For(chunks, work, ch =>
            {
                int r0 = (int)((long)rows * ch / chunks), r1 = (int)((long)rows * (ch + 1) / chunks);
                dw.AsSpan(r0 * dim, (r1 - r0) * dim).Clear();
                for (int i = 0; i < idx.Length; i++)
                {
                    long r = idx[i];
                    if (r == pad || r < r0 || r >= r1) continue;
                    var row = dw.AsSpan((int)r * dim, dim);
                    System.Numerics.Tensors.TensorPrimitives.Add(row, g.AsSpan(i * dim, dim), row);
                }
                if (byFreq && _counts is not null)
                    for (int r = r0; r < r1; r++)
                        if (_counts[r] > 1)
                            System.Numerics.Tensors.TensorPrimitives.Divide(dw.AsSpan(r * dim, dim), T.CreateTruncating(_counts[r]), dw.AsSpan(r * dim, dim));
            });
        }
    }
}
