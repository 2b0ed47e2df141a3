namespace Autograd;

// dX = dY reshaped back to x's shape (squeeze and unsqueeze alias storage, see Note [Aliasing reshapes]).
public static partial class F
{
    /// <summary>torch.squeeze(x): removes every dim of size 1.</summary>
    public static Tensor Squeeze(Tensor x)
        => Alias(x, x.Dims.Where(s => s != 1).ToArray(), "SqueezeBackward0");

    /// <summary>torch.squeeze(x, dim): removes <paramref name="dim"/> if its size is 1, otherwise keeps the shape.</summary>
    public static Tensor Squeeze(Tensor x, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "squeeze");
        int[] shape = x.Rank > 0 && x.Dims[d] == 1 ? [.. x.Dims[..d], .. x.Dims[(d + 1)..]] : x.Dims;
        return Alias(x, shape, "SqueezeBackward1");
    }

    /// <summary>torch.unsqueeze(x, dim): inserts a dim of size 1 at <paramref name="dim"/> (in [-rank-1, rank]).</summary>
    public static Tensor Unsqueeze(Tensor x, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank + 1, "unsqueeze");
        return Alias(x, [.. x.Dims[..d], 1, .. x.Dims[d..]], "UnsqueezeBackward0");
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Squeeze ops in <see cref="F"/>.</summary>
public static class TensorSqueezeExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.squeeze().</summary>
        public Tensor Squeeze() => F.Squeeze(x);

        /// <summary>tensor.squeeze(dim).</summary>
        public Tensor Squeeze(int dim) => F.Squeeze(x, dim);

        /// <summary>tensor.unsqueeze(dim).</summary>
        public Tensor Unsqueeze(int dim) => F.Unsqueeze(x, dim);
    }
}
