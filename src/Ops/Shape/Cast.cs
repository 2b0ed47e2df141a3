namespace Autograd;

// d(x.to(dtype)) = g.to(x.dtype)
// Only float-to-float conversions are differentiable: a conversion to an integer or bool dtype is not
// recorded (its result cannot require grad), as in PyTorch.
public static partial class F
{
    /// <summary>tensor.to(dtype): a differentiable dtype conversion; returns x itself when the dtype matches.</summary>
    public static Tensor To(Tensor x, DType dtype)
    {
        if (x.DType == dtype) return x;
        var src = x.DType;
        return Node.Record(x.ConvertData(dtype), "ToCopyBackward0", [x], g => [To(g, src)], default, differentiable: true);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Cast ops in <see cref="F"/>.</summary>
public static class TensorCastExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.to(dtype).</summary>
        public Tensor To(DType dtype) => F.To(x, dtype);

        /// <summary>tensor.double().</summary>
        public Tensor Double() => F.To(x, DType.Float64);

        /// <summary>tensor.float().</summary>
        public Tensor Float() => F.To(x, DType.Float32);

        /// <summary>tensor.long(): int64, floats truncated toward zero.</summary>
        public Tensor Long() => F.To(x, DType.Int64);

        /// <summary>tensor.int(): int32.</summary>
        public Tensor Int() => F.To(x, DType.Int32);

        /// <summary>tensor.bool(): nonzero is true.</summary>
        public Tensor Bool() => F.To(x, DType.Bool);

        /// <summary>tensor.byte(): uint8, wrapping.</summary>
        public Tensor Byte() => F.To(x, DType.UInt8);

        /// <summary>tensor.is_floating_point().</summary>
        public bool IsFloatingPoint() => x.DType.IsFloatingPoint();
    }
}
