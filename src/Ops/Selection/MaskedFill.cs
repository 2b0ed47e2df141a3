namespace Autograd;

// masked_fill(x, mask, value) = mask ? value : x elementwise; the bool mask and x broadcast together (the
// out-of-place op broadcasts both, as PyTorch's); value is converted to x's dtype.
// MaskedFillBackward0 (number value): dX = sum_to(masked_fill(dR, mask, 0), x.shape).
// MaskedFillBackward1 (0-dim tensor value): dX as above, dValue = sum(where(mask, dR, 0)).
// Both gradients are recorded ops (masked_fill, where, sum), so differentiable again.
public static partial class F
{
    /// <summary>torch.masked_fill(x, mask, value): <paramref name="value"/> where the bool mask is true, else x.</summary>
    public static Tensor MaskedFill(Tensor x, Tensor mask, double value)
    {
        CheckMask(mask);
        var shape = ShapeUtil.Broadcast(x.Dims, mask.Dims, "masked_fill");
        var r = SelectKernel(mask, Tensor.Scalar(value, x.DType), x, shape);
        if (!Node.NeedsGrad([x])) return r;
        int[] sx = x.Dims;
        return Node.Record(r, "MaskedFillBackward0", [x], g => [SumToSize(MaskedFill(g, mask, 0), sx)], saved: [mask], differentiable: true);
    }

    /// <summary>torch.masked_fill(x, mask, value) with a 0-dim tensor value (differentiable in it too).</summary>
    public static Tensor MaskedFill(Tensor x, Tensor mask, Tensor value)
    {
        CheckMask(mask);
        if (value.Rank != 0)
            throw new ArgumentException($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Rank} dimension(s).", nameof(value));
        value = value.To(x.DType);
        var shape = ShapeUtil.Broadcast(x.Dims, mask.Dims, "masked_fill");
        var r = SelectKernel(mask, value, x, shape);
        if (!Node.NeedsGrad([x, value])) return r;
        int[] sx = x.Dims;
        bool gx = x.RequiresGrad, gv = value.RequiresGrad;
        return Node.Record(r, "MaskedFillBackward1", [x, value], g =>
            [gx ? SumToSize(MaskedFill(g, mask, 0), sx) : null, gv ? Sum(Where(mask, g, 0.0)) : null],
            saved: [mask], differentiable: true);
    }

    /// <summary>The C++ element type PyTorch's masked_fill message names (e.g. "long int").</summary>
    private static string CppName(DType d) => d switch
    {
        DType.Float32 => "float", DType.Float64 => "double", DType.Int64 => "long int", DType.Int32 => "int", _ => "unsigned char",
    };

    private static void CheckMask(Tensor mask)
    {
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"masked_fill_ only supports boolean masks, but got mask with dtype {CppName(mask.DType)}", nameof(mask));
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the MaskedFill ops in <see cref="F"/>.</summary>
public static class TensorMaskedFillExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.masked_fill(mask, value).</summary>
        public Tensor MaskedFill(Tensor mask, double value) => F.MaskedFill(x, mask, value);

        /// <summary>tensor.masked_fill(mask, value) with a 0-dim tensor value.</summary>
        public Tensor MaskedFill(Tensor mask, Tensor value) => F.MaskedFill(x, mask, value);
    }
}
