namespace Autograd;

// d(a+b) = (g, g); d(a-b) = (g, -g); d(a*b) = (g*b, g*a); d(a/b) = (g/b, -g*a/b²),
// each summed back to its input's shape when the op broadcast.
// Operands of different dtypes are first converted to torch.result_type (Note [Type promotion]; the
// conversion of a float operand that requires grad is recorded, so its gradient comes back in its own
// dtype); a C# integer scalar keeps an integer tensor integral (x + 2), a C# double makes it float32
// (x + 2.0); division is true division (integers divide as float32).
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
        if (a.DType == DType.Bool && b.DType == DType.Bool)
            throw new ArgumentException("sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
        if (a.DType == DType.Bool || b.DType == DType.Bool)
            throw new ArgumentException("sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
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
        (a, b) = Promote(a, b, floating: true);
        var r = BinaryKernel.Run<DivOp>(a, b, "div");
        if (!Node.NeedsGrad([a, b])) return r;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(r, "DivBackward0", [a, b], g =>
            [ga ? SumToSize(Div(g, b), a.Dims) : null, gb ? SumToSize(Neg(Mul(g, Div(a, Mul(b, b)))), b.Dims) : null],
            saved: [gb ? a : null, b], differentiable: true);
    }

    /// <summary>Elementwise sum with a scalar (tensor + 2.0 keeps a float tensor's dtype; an integer tensor becomes float32).</summary>
    public static Tensor Add(Tensor a, double b) => Add(a, ScalarFor(a, b, isFloat: true));

    /// <summary>The elementwise product <c>a * b</c> with a number (<c>torch.mul(a, b)</c>); <paramref name="b"/> promotes as a Python float: an integer tensor gives float.</summary>
    public static Tensor Mul(Tensor a, double b) => Mul(a, ScalarFor(a, b, isFloat: true));

    /// <summary>The elementwise difference <c>a - b</c> with a number (<c>torch.sub(a, b)</c>); <paramref name="b"/> promotes as a Python float: an integer tensor gives float.</summary>
    public static Tensor Sub(Tensor a, double b) => Sub(a, ScalarFor(a, b, isFloat: true));

    /// <summary>The elementwise quotient (true division: integers give float32) <c>a / b</c> with a number (<c>torch.div(a, b)</c>); <paramref name="b"/> promotes as a Python float: an integer tensor gives float.</summary>
    public static Tensor Div(Tensor a, double b) => Div(a, ScalarFor(a, b, isFloat: true));

    /// <summary>Elementwise sum with an integer scalar: an integer tensor stays integral (bool becomes int64).</summary>
    public static Tensor Add(Tensor a, long b) => Add(a, ScalarFor(a, b, isFloat: false));

    /// <summary>The elementwise product <c>a * b</c> with a number (<c>torch.mul(a, b)</c>); <paramref name="b"/> promotes as a Python int: the tensor keeps its dtype.</summary>
    public static Tensor Mul(Tensor a, long b) => Mul(a, ScalarFor(a, b, isFloat: false));

    /// <summary>The elementwise difference <c>a - b</c> with a number (<c>torch.sub(a, b)</c>); <paramref name="b"/> promotes as a Python int: the tensor keeps its dtype.</summary>
    public static Tensor Sub(Tensor a, long b) => Sub(a, ScalarFor(a, b, isFloat: false));

    /// <summary>The elementwise quotient (true division: integers give float32) <c>a / b</c> with a number (<c>torch.div(a, b)</c>); <paramref name="b"/> promotes as a Python int: the tensor keeps its dtype (but division gives float).</summary>
    public static Tensor Div(Tensor a, long b) => Div(a, ScalarFor(a, b, isFloat: false));

    /// <summary>A C# number as a 0-dim tensor of torch.result_type(a, number) (Note [Type promotion]).</summary>
    private static Tensor ScalarFor(Tensor a, double b, bool isFloat)
    {
        var t = Tensor.Scalar(b, DTypes.ResultType(a.DType, isFloat));
        if (a.DType == DType.Bool && !isFloat && t.DType == DType.Bool) t = Tensor.Scalar(b, DType.Int64);
        return t;
    }

    /// <summary>
    /// Both operands in torch.result_type (Note [Type promotion]), or in float32 for true division of
    /// integers (<paramref name="floating"/>). A float operand's conversion is the recorded To.
    /// </summary>
    private static (Tensor, Tensor) Promote(Tensor a, Tensor b, bool floating = false)
    {
        var t = DTypes.ResultType(a, b);
        if (floating && !t.IsFloatingPoint()) t = DType.Float32;
        return (a.To(t), b.To(t));
    }
}

/// <summary>Operators with PyTorch meaning; scalars keep the tensor's dtype.</summary>
public static class TensorOperators
{
    extension(Tensor)
    {
        /// <summary>The elementwise sum <c>a + b</c>, broadcasting, with PyTorch's type promotion (<c>torch.add</c>).</summary>
        public static Tensor operator +(Tensor a, Tensor b) => F.Add(a, b);
        /// <summary>The elementwise difference <c>a - b</c>, broadcasting, with PyTorch's type promotion (<c>torch.sub</c>).</summary>
        public static Tensor operator -(Tensor a, Tensor b) => F.Sub(a, b);
        /// <summary>The elementwise product <c>a * b</c>, broadcasting, with PyTorch's type promotion (<c>torch.mul</c>).</summary>
        public static Tensor operator *(Tensor a, Tensor b) => F.Mul(a, b);
        /// <summary>The elementwise quotient (true division: integers give float32) <c>a / b</c>, broadcasting, with PyTorch's type promotion (<c>torch.div</c>).</summary>
        public static Tensor operator /(Tensor a, Tensor b) => F.Div(a, b);
        /// <summary>Elementwise negation <c>-a</c> (<c>torch.neg</c>).</summary>
        public static Tensor operator -(Tensor a) => F.Neg(a);
        /// <summary>The elementwise sum <c>a + b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.add</c>).</summary>
        public static Tensor operator +(Tensor a, double b) => F.Add(a, b);
        /// <summary>The elementwise sum <c>a + b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.add</c>).</summary>
        public static Tensor operator +(double a, Tensor b) => F.Add(b, a);
        /// <summary>The elementwise difference <c>a - b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.sub</c>).</summary>
        public static Tensor operator -(Tensor a, double b) => F.Sub(a, b);
        /// <summary>The elementwise difference <c>a - b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.sub</c>).</summary>
        public static Tensor operator -(double a, Tensor b) => F.Sub((Tensor)a, b);
        /// <summary>The elementwise product <c>a * b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.mul</c>).</summary>
        public static Tensor operator *(Tensor a, double b) => F.Mul(a, b);
        /// <summary>The elementwise product <c>a * b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.mul</c>).</summary>
        public static Tensor operator *(double a, Tensor b) => F.Mul(b, a);
        /// <summary>The elementwise quotient (true division: integers give float32) <c>a / b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.div</c>).</summary>
        public static Tensor operator /(Tensor a, double b) => F.Div(a, b);
        /// <summary>The elementwise quotient (true division: integers give float32) <c>a / b</c> with a number as PyTorch's wrapped number (a float number makes an integer tensor float; <c>torch.div</c>).</summary>
        public static Tensor operator /(double a, Tensor b) => F.Div((Tensor)a, b);
        /// <summary>The elementwise sum <c>a + b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype; <c>torch.add</c>).</summary>
        public static Tensor operator +(Tensor a, long b) => F.Add(a, b);
        /// <summary>The elementwise sum <c>a + b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype; <c>torch.add</c>).</summary>
        public static Tensor operator +(long a, Tensor b) => F.Add(b, a);
        /// <summary>The elementwise difference <c>a - b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype; <c>torch.sub</c>).</summary>
        public static Tensor operator -(Tensor a, long b) => F.Sub(a, b);
        /// <summary>The elementwise difference <c>a - b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype; <c>torch.sub</c>).</summary>
        public static Tensor operator -(long a, Tensor b) => F.Sub((Tensor)a, b);
        /// <summary>The elementwise product <c>a * b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype; <c>torch.mul</c>).</summary>
        public static Tensor operator *(Tensor a, long b) => F.Mul(a, b);
        /// <summary>The elementwise product <c>a * b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype; <c>torch.mul</c>).</summary>
        public static Tensor operator *(long a, Tensor b) => F.Mul(b, a);
        /// <summary>The elementwise quotient (true division: integers give float32) <c>a / b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype (division gives float); <c>torch.div</c>).</summary>
        public static Tensor operator /(Tensor a, long b) => F.Div(a, b);
        /// <summary>The elementwise quotient (true division: integers give float32) <c>a / b</c> with a number as PyTorch's wrapped number (an integer number keeps the tensor's dtype (division gives float); <c>torch.div</c>).</summary>
        public static Tensor operator /(long a, Tensor b) => F.Div((Tensor)a, b);
    }
}
