using System.Numerics.Tensors;

namespace Autograd;

// d(-x) = -g
public static partial class F
{
    /// <summary>torch.neg.</summary>
    public static Tensor Neg(Tensor x)
    {
        var r = Tensor.Empty(x.DType, x.Dims);
        if (x.DType == DType.Float32) TensorPrimitives.Negate(x.Span<float>(), r.Span<float>());
        else TensorPrimitives.Negate(x.Span<double>(), r.Span<double>());
        return Node.Record(r, "NegBackward0", [x], g => [Neg(g)], default, differentiable: true);
    }
}
