namespace Autograd;

// d(x.to(dtype)) = g.to(x.dtype)
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
    }
}
