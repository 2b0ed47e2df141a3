namespace Autograd;

// dX = dY reshaped back to x's shape.
// Note [Aliasing reshapes]
// A tensor's own storage is contiguous, so reshape, view, flatten, squeeze and unsqueeze of it never copy:
// the result is a view sharing x's storage and version counter, like a PyTorch view; an in-place write
// through either one is seen by the other and by autograd (Note [In-place ops and views]). A slice view
// (Note [Slice views]) has strides: where they allow the new shape the result is again a view; where they
// do not, reshape copies and view refuses, as PyTorch's do.
public static partial class F
{
    /// <summary>torch.reshape: same elements, new shape; one dim may be -1 (inferred).</summary>
    public static Tensor Reshape(Tensor x, ReadOnlySpan<int> shape)
        => Alias(x, InferShape(shape, x.Numel, "reshape"), "ReshapeAliasBackward0");

    /// <summary>tensor.view: like <see cref="Reshape"/>, but a slice view whose strides cannot take the shape is refused, as in PyTorch.</summary>
    public static Tensor View(Tensor x, ReadOnlySpan<int> shape)
    {
        var s = InferShape(shape, x.Numel, "view");
        if (!x.CanViewAs(s))   // a slice view whose strides no shape of this kind can follow (Note [Slice views])
            throw new InvalidOperationException("view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .Reshape(...) instead.");
        return Alias(x, s, "ViewBackward0");
    }

    /// <summary>torch.flatten: merges dims startDim..endDim into one; a 0-dim tensor becomes 1-D.</summary>
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1)
    {
        int s = ShapeUtil.NormalizeDim(startDim, x.Rank, "flatten");
        int e = ShapeUtil.NormalizeDim(endDim, x.Rank, "flatten");
        if (s > e)
            throw new ArgumentException($"flatten() has invalid args: start_dim cannot come after end_dim (start_dim={startDim}, end_dim={endDim}, rank {x.Rank})");
        if (x.Rank == 0) return Alias(x, [1], "ReshapeAliasBackward0");
        if (s == e) return x;   // PyTorch returns the input itself
        int merged = 1;
        for (int d = s; d <= e; d++) merged *= x.Dims[d];
        int[] shape = [.. x.Dims[..s], merged, .. x.Dims[(e + 1)..]];
        return Alias(x, shape, "ReshapeAliasBackward0");
    }

    /// <summary>A tensor sharing x's storage with a new shape of the same size; backward reshapes back.</summary>
    internal static Tensor Alias(Tensor x, int[] shape, string node)
    {
        var r = Tensor.ViewOf(x, shape);
        if (!Node.NeedsGrad([x])) return r;
        int[] inShape = x.Dims;
        return Node.Record(r, node, [x], g => [AsShape(g, inShape)], default, differentiable: true);
    }

    /// <summary>Resolves a requested shape against a size: checks it and fills in a single -1.</summary>
    internal static int[] InferShape(ReadOnlySpan<int> shape, int numel, string op)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be inferred (shape {ShapeUtil.Format(shape)})", nameof(shape));
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"{op}: invalid shape dimension {shape[i]} in shape {ShapeUtil.Format(shape)}", nameof(shape));
            else known *= shape[i];
        }
        var r = shape.ToArray();
        if (infer >= 0)
        {
            if (known == 0 && numel == 0)
                throw new ArgumentException($"{op}: cannot reshape tensor of 0 elements into shape {ShapeUtil.Format(shape)} because the unspecified dimension size -1 can be any value and is ambiguous", nameof(shape));
            if (known == 0 || numel % known != 0)
                throw new ArgumentException($"{op}: shape '{ShapeUtil.Format(shape)}' is invalid for input of size {numel}", nameof(shape));
            r[infer] = (int)(numel / known);
        }
        else if (known != numel)
            throw new ArgumentException($"{op}: shape '{ShapeUtil.Format(shape)}' is invalid for input of size {numel}", nameof(shape));
        return r;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Reshape ops in <see cref="F"/>.</summary>
public static class TensorReshapeExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.reshape(shape).</summary>
        public Tensor Reshape(ReadOnlySpan<int> shape) => F.Reshape(x, shape);

        /// <summary>tensor.view(shape).</summary>
        public Tensor View(ReadOnlySpan<int> shape) => F.View(x, shape);

        /// <summary>tensor.flatten(start_dim, end_dim).</summary>
        public Tensor Flatten(int startDim = 0, int endDim = -1) => F.Flatten(x, startDim, endDim);
    }
}
