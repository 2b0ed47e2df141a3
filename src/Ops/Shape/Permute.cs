using System.Numerics;

namespace Autograd;

// dX = permute(dY, inverse(dims)); transpose is the permutation that swaps two dims.
// As in PyTorch the result is a view of x with its strides reordered (Note [Slice views]): a write through it
// reaches x, every dtype permutes, and the elements are gathered into contiguous order when first read.
// Inside a backward pass (gradients there may be recycled) it is a contiguous copy.
public static partial class F
{
    /// <summary>torch.permute: reorders dims; dims must be a permutation of 0..rank-1 (negatives allowed).</summary>
    public static Tensor Permute(Tensor x, ReadOnlySpan<int> dims)
        => Permute(x, CheckPermutation(x, dims), "PermuteBackward0");

    /// <summary>torch.transpose: swaps <paramref name="dim0"/> and <paramref name="dim1"/>.</summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        int a = ShapeUtil.NormalizeDim(dim0, x.Rank, "transpose"), b = ShapeUtil.NormalizeDim(dim1, x.Rank, "transpose");
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        if (x.Rank > 0) (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(x, perm, "TransposeBackward0");
    }

    private static Tensor Permute(Tensor x, int[] perm, string node)
    {
        var y = !Tensor.ViewsAllowed && x.DType.IsFloatingPoint() ? PermuteData(x, perm) : Tensor.PermutedOf(x, perm);
        if (!Node.NeedsGrad([x])) return y;
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return Node.Record(y, node, [x], g => [GradMode.IsEnabled && g.RequiresGrad ? Permute(g, inverse, "PermuteBackward0") : PermuteData(g, inverse)], default, differentiable: true);
    }

    private static int[] CheckPermutation(Tensor x, ReadOnlySpan<int> dims)
    {
        if (dims.Length != x.Rank)
            throw new ArgumentException($"permute: number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {x.Rank} is not equal to len(dims) = {dims.Length}", nameof(dims));
        var perm = new int[dims.Length];
        var seen = new bool[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            perm[i] = ShapeUtil.NormalizeDim(dims[i], x.Rank, "permute");
            if (seen[perm[i]]) throw new ArgumentException($"permute(): duplicate dims are not allowed (dims {ShapeUtil.Format(dims)})", nameof(dims));
            seen[perm[i]] = true;
        }
        return perm;
    }

    /// <summary>A contiguous copy of x with dims reordered: out.shape[i] = x.shape[perm[i]].</summary>
    internal static Tensor PermuteData(Tensor x, int[] perm)
    {
        var shape = perm.Select(p => x.Dims[p]).ToArray();
        var y = Tensor.Empty(x.DType, shape);
        if (x.DType == DType.Float32) PermuteKernel<float>(x.Array<float>(), x.Dims, perm, y.Array<float>(), shape);
        else PermuteKernel<double>(x.Array<double>(), x.Dims, perm, y.Array<double>(), shape);
        return y;
    }

    // Walks the output in order with an odometer; src strides are x's strides taken in permuted order.
    private static void PermuteKernel<T>(T[] src, int[] srcShape, int[] perm, T[] dst, int[] shape) where T : unmanaged, INumberBase<T>
    {
        int rank = shape.Length;
        if (dst.Length == 0) return;
        if (rank == 0) { dst[0] = src[0]; return; }
        var srcStrides = ShapeUtil.Strides(srcShape);
        var st = perm.Select(p => srcStrides[p]).ToArray();
        int inner = shape[rank - 1], innerStride = st[rank - 1];
        var idx = new int[rank];
        int off = 0;
        for (int o = 0; o < dst.Length; o += inner)
        {
            if (innerStride == 1) Array.Copy(src, off, dst, o, inner);
            else for (int i = 0, s = off; i < inner; i++, s += innerStride) dst[o + i] = src[s];
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++; off += st[d];
                if (idx[d] < shape[d]) break;
                off -= st[d] * idx[d]; idx[d] = 0;
            }
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Permute ops in <see cref="F"/>.</summary>
public static class TensorPermuteExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.permute(dims).</summary>
        public Tensor Permute(ReadOnlySpan<int> dims) => F.Permute(x, dims);

        /// <summary>tensor.transpose(dim0, dim1).</summary>
        public Tensor Transpose(int dim0, int dim1) => F.Transpose(x, dim0, dim1);
    }
}
