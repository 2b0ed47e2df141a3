namespace Autograd;

/// <summary>
/// PyTorch's method spellings of the arithmetic ops (tensor.add(other), tensor.mul(2.0), tensor.neg(), ...):
/// each is the F function of the same name, so operators, F.* and members give the same graph.
/// </summary>
public static class TensorArithmeticExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.add(other).</summary>
        public Tensor Add(Tensor other) => F.Add(x, other);

        /// <summary>tensor.add(scalar): keeps the tensor's dtype.</summary>
        public Tensor Add(double other) => F.Add(x, other);

        /// <summary>tensor.sub(other).</summary>
        public Tensor Sub(Tensor other) => F.Sub(x, other);

        /// <summary>tensor.sub(scalar).</summary>
        public Tensor Sub(double other) => F.Sub(x, other);

        /// <summary>tensor.mul(other).</summary>
        public Tensor Mul(Tensor other) => F.Mul(x, other);

        /// <summary>tensor.mul(scalar).</summary>
        public Tensor Mul(double other) => F.Mul(x, other);

        /// <summary>tensor.div(other): true division.</summary>
        public Tensor Div(Tensor other) => F.Div(x, other);

        /// <summary>tensor.div(scalar).</summary>
        public Tensor Div(double other) => F.Div(x, other);

        /// <summary>tensor.neg().</summary>
        public Tensor Neg() => F.Neg(x);

        /// <summary>tensor.add(integer): an integer tensor stays integral (Note [Type promotion]).</summary>
        public Tensor Add(long other) => F.Add(x, other);

        /// <summary><c>x.sub(other)</c> with an integer: same as <see cref="F.Sub(Tensor, long)"/>.</summary>
        public Tensor Sub(long other) => F.Sub(x, other);

        /// <summary><c>x.mul(other)</c> with an integer: same as <see cref="F.Mul(Tensor, long)"/>.</summary>
        public Tensor Mul(long other) => F.Mul(x, other);

        /// <summary><c>x.div(other)</c> with an integer: same as <see cref="F.Div(Tensor, long)"/>.</summary>
        public Tensor Div(long other) => F.Div(x, other);
    }
}
