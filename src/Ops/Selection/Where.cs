namespace Autograd;

// where(cond, a, b) = cond ? a : b elementwise, all three broadcast together; a and b first converted to
// torch.result_type(a, b) (Note [Type promotion]; a C# number is a wrapped number: F.Where(c, x, 0)).
// WhereBackward0: dA = sum_to(where(cond, dR, 0), a.shape), dB = sum_to(where(cond, 0, dR), b.shape).
// The gradients are where itself (with a constant condition) and sum_to, so differentiable to any order.
// A select, not a product with a 0/1 mask: NaN or ±∞ on the side not taken does not leak into the result.
public static partial class F
{
    /// <summary>torch.where(condition, a, b): a where the bool <paramref name="cond"/> is true, else b, with broadcasting.</summary>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b)
    {
        if (cond.DType != DType.Bool)
            throw new ArgumentException($"where(): expected condition to be a boolean tensor, but got a tensor with dtype {cond.DType.ScalarTypeName()}", nameof(cond));
        var type = DTypes.ResultType(a, b);
        (a, b) = (a.To(type), b.To(type));
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(cond.Dims, a.Dims, "where"), b.Dims, "where");
        var r = SelectKernel(cond, a, b, shape);
        if (!Node.NeedsGrad([a, b])) return r;
        int[] sa = a.Dims, sb = b.Dims;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(r, "WhereBackward0", [a, b], g =>
            [ga ? SumToSize(Where(cond, g, 0.0), sa) : null, gb ? SumToSize(Where(cond, 0.0, g), sb) : null],
            saved: [cond], differentiable: true);
    }

    /// <summary>cond ? a : b over <paramref name="shape"/> (a and b of one dtype, each broadcast to it).</summary>
    private static Tensor SelectKernel(Tensor cond, Tensor a, Tensor b, int[] shape)
    {
        var r = Tensor.Uninitialized(a.DType, shape);
        Moves.Select(cond.Array<bool>(), Moves.SelectMap(cond.Dims, shape), a.Storage, Moves.SelectMap(a.Dims, shape),
            b.Storage, Moves.SelectMap(b.Dims, shape), r.Storage);
        return r;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Where ops in <see cref="F"/>.</summary>
public static class TensorWhereExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.where(condition, other): x where <paramref name="condition"/>, else <paramref name="other"/>.</summary>
        public Tensor Where(Tensor condition, Tensor other) => F.Where(condition, x, other);
    }
}
