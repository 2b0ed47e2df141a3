using System.Numerics.Tensors;

namespace Autograd;

// d(-x) = -g
public static partial class F
{
    /// <summary>torch.neg.</summary>
    public static Tensor Neg(Tensor x)
    {
        if (!x.DType.IsFloatingPoint()) return NegIntegers(x);
        var r = Tensor.Uninitialized(x.DType, x.Dims);   // every element written (Note [Parallel binary ops])
        if (x.DType == DType.Float32) { float[] a = x.Array<float>(), d = r.Array<float>(); Pointwise.Blocks(d.Length, (s, n) => TensorPrimitives.Negate(a.AsSpan(s, n), d.AsSpan(s, n))); }
        else { double[] a = x.Array<double>(), d = r.Array<double>(); Pointwise.Blocks(d.Length, (s, n) => TensorPrimitives.Negate(a.AsSpan(s, n), d.AsSpan(s, n))); }
        return Node.Record(r, "NegBackward0", [x], g => [Neg(g)], default, differentiable: true);
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
