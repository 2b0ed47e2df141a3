using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// d(-x) = -g
public static partial class F
{
    /// <summary>torch.neg.</summary>
    public static Tensor Neg(Tensor x)
    {
        if (!x.DType.IsFloatingPoint()) return NegIntegers(x);
        var r = UnaryKernel.Run<NegOp>(x);   // parallel blocks (Note [Parallel binary ops])
        return Node.Record(r, "NegBackward0", [x], g => [Neg(g)], default, differentiable: true);
    }

    private struct NegOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, y);
    }

    private static Tensor NegIntegers(Tensor x)
    {
        if (x.DType == DType.Bool)
            throw new ArgumentException("neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        var v = x.ToArray<long>();
        for (int i = 0; i < v.Length; i++) v[i] = unchecked(-v[i]);
        return new Tensor(v, x.Dims).ConvertData(x.DType);
    }
}
