namespace Autograd;

// d(a+b) = (g, g); d(a-b) = (g, -g); d(a*b) = (g*b, g*a); d(a/b) = (g/b, -g*a/b²),
// each summed back to its input's shape when the op broadcast.
public static partial class F
{
    /// <summary>torch.add: elementwise sum with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        var r = BinaryKernel.Run<AddOp>(a, b, "add");
        if (!Node.NeedsGrad([a, b])) return r;
        int[] sa = a.Dims, sb = b.Dims;
        return Node.Record(r, "AddBackward0", [a, b], g => [SumToSize(g, sa), SumToSize(g, sb)], default, differentiable: true);
    }

    /// <summary>torch.sub: elementwise difference with broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        var r = BinaryKernel.Run<SubOp>(a, b, "sub");
        if (!Node.NeedsGrad([a, b])) return r;
        int[] sa = a.Dims, sb = b.Dims;
        return Node.Record(r, "SubBackward0", [a, b], g => [SumToSize(g, sa), SumToSize(Neg(g), sb)], default, differentiable: true);
    }

    /// <summary>torch.mul: elementwise product with broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        var r = BinaryKernel.Run<MulOp>(a, b, "mul");
        if (!Node.NeedsGrad([a, b])) return r;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(r, "MulBackward0", [a, b], g =>
            [ga ? SumToSize(Mul(g, b), a.Dims) : null, gb ? SumToSize(Mul(g, a), b.Dims) : null],
            saved: [gb ? a : null, ga ? b : null], differentiable: true);
    }

    /// <summary>torch.div: elementwise true division with broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        var r = BinaryKernel.Run<DivOp>(a, b, "div");
        if (!Node.NeedsGrad([a, b])) return r;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(r, "DivBackward0", [a, b], g =>
            [ga ? SumToSize(Div(g, b), a.Dims) : null, gb ? SumToSize(Neg(Mul(g, Div(a, Mul(b, b)))), b.Dims) : null],
            saved: [gb ? a : null, b], differentiable: true);
    }

    /// <summary>Elementwise sum with a scalar (tensor + 2.0 keeps the tensor's dtype).</summary>
    public static Tensor Add(Tensor a, double b) => Add(a, Tensor.Scalar(b, a.DType));

    public static Tensor Mul(Tensor a, double b) => Mul(a, Tensor.Scalar(b, a.DType));

    public static Tensor Sub(Tensor a, double b) => Sub(a, Tensor.Scalar(b, a.DType));

    public static Tensor Div(Tensor a, double b) => Div(a, Tensor.Scalar(b, a.DType));

    /// <summary>
    /// PyTorch's type promotion for float32 with float64: both become float64, except that a 0-dim
    /// tensor never raises the dtype of a dimensioned one (float32 [n] * float64 0-dim stays float32).
    /// </summary>
    private static (Tensor, Tensor) Promote(Tensor a, Tensor b)
    {
        if (a.DType == b.DType) return (a, b);
        if (a.Rank == 0 && b.Rank > 0) return (a.To(b.DType), b);
        if (b.Rank == 0 && a.Rank > 0) return (a, b.To(a.DType));
        return (a.To(DType.Float64), b.To(DType.Float64));
    }
}

/// <summary>Operators with PyTorch meaning; scalars keep the tensor's dtype.</summary>
public static class TensorOperators
{
    extension(Tensor)
    {
        public static Tensor operator +(Tensor a, Tensor b) => F.Add(a, b);
        public static Tensor operator -(Tensor a, Tensor b) => F.Sub(a, b);
        public static Tensor operator *(Tensor a, Tensor b) => F.Mul(a, b);
        public static Tensor operator /(Tensor a, Tensor b) => F.Div(a, b);
        public static Tensor operator -(Tensor a) => F.Neg(a);
        public static Tensor operator +(Tensor a, double b) => F.Add(a, b);
        public static Tensor operator +(double a, Tensor b) => F.Add(b, a);
        public static Tensor operator -(Tensor a, double b) => F.Sub(a, b);
        public static Tensor operator -(double a, Tensor b) => F.Add(F.Neg(b), a);
        public static Tensor operator *(Tensor a, double b) => F.Mul(a, b);
        public static Tensor operator *(double a, Tensor b) => F.Mul(b, a);
        public static Tensor operator /(Tensor a, double b) => F.Div(a, b);
        public static Tensor operator /(double a, Tensor b) => F.Div(Tensor.Scalar(a, b.DType), b);
    }
}
