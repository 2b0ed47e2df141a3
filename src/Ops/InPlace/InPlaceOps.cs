namespace Autograd;

// Note [In-place members]
// PyTorch's trailing-underscore methods. Each one is its out-of-place op run on the tensor's current
// value and history, written back into the storage (F.InPlace; the rules are in Note [In-place ops
// and views]), so its node carries the out-of-place op's name (mul_ records MulBackward0, as in
// PyTorch) and its gradient is the out-of-place op's. The ops whose backward reads their input get a
// copy of it (copyInput), because the storage is overwritten; the rest read it in place. A binary
// op's result must keep the tensor's shape: broadcasting the tensor itself is refused before any work.
public static partial class F
{
    /// <summary>Runs <paramref name="compute"/> on <paramref name="self"/> and writes the result into it (Note [In-place members]).</summary>
    internal static Tensor InPlace(Tensor self, string op, Func<Tensor, Tensor> compute, bool copyInput = false)
    {
        Autograd.InPlace.CheckAllowed(self, op);
        return Apply(self, compute, copyInput);
    }

    /// <summary>The shape check of a binary in-place op: other must broadcast to self's shape.</summary>
    private static void CheckInPlaceShape(Tensor self, Tensor other, string op)
    {
        var shape = ShapeUtil.Broadcast(self.Shape, other.Shape, op);
        if (!ShapeUtil.SameShape(shape, self.Shape))
            throw new ArgumentException($"{op}: output with shape {ShapeUtil.Format(self.Shape)} doesn't match the broadcast shape {ShapeUtil.Format(shape)}");
    }

    internal static Tensor BinaryInPlaceOp(Tensor self, Tensor other, string op, Func<Tensor, Tensor> compute, bool copyInput = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        Autograd.InPlace.CheckAllowed(self, op, other);   // PyTorch refuses a leaf before it looks at the shapes
        CheckInPlaceShape(self, other, op);
        return Apply(self, compute, copyInput);
    }

    /// <summary>The op itself, once the checks passed: the old value and history in, the result written back.</summary>
    private static Tensor Apply(Tensor self, Func<Tensor, Tensor> compute, bool copyInput)
    {
        self.OwnStorage();
        var r = compute(self.HistoryAlias(copyInput && GradMode.IsEnabled));
        if (r.DType != self.DType) r = r.To(self.DType);
        return Autograd.InPlace.Write(self, r);
    }

    /// <summary>Fills with <paramref name="value"/> (tensor.fill_); the gradient to the old value is zero.</summary>
    internal static Tensor FillInPlace(Tensor self, double value, string op, string node)
    {
        Autograd.InPlace.CheckAllowed(self, op);
        self.OwnStorage();
        var input = self.HistoryAlias(false);
        var r = Tensor.Full(self.Shape, value, self.DType);
        if (Node.NeedsGrad([input])) Node.Record(r, node, [input], g => [Tensor.ZerosLike(g)], differentiable: true);   // a constant: its own derivative is zero
        return Autograd.InPlace.Write(self, r);
    }

    /// <summary>Copies <paramref name="src"/> (broadcast, converted) into self (tensor.copy_); gradients: zero to the old value, g summed and cast to src.</summary>
    internal static Tensor CopyInPlace(Tensor self, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(src);
        Autograd.InPlace.CheckAllowed(self, "copy_", src);
        CheckInPlaceShape(self, src, "copy_");
        self.OwnStorage();
        var input = self.HistoryAlias(false);
        var padded = src.Rank == self.Rank || src.Numel == 1 ? src : new Tensor(src.Storage, [.. Enumerable.Repeat(1, self.Rank - src.Rank), .. src.Dims]);
        var r = ExpandData(padded.DType == self.DType ? padded : padded.ConvertData(self.DType), self.Dims);
        if (Node.NeedsGrad([input, src]))
        {
            int[] srcShape = src.Dims;
            var srcType = src.DType;
            Node.Record(r, "CopyBackwards", [input, src], g =>
            {
                var gs = SumToSize(g, srcShape);
                return [Tensor.ZerosLike(g), To(gs, srcType)];
            }, differentiable: true);
        }
        return Autograd.InPlace.Write(self, r);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the InPlace ops in <see cref="F"/>.</summary>
public static class TensorInPlaceExtensions
{
    extension(Tensor x)
    {
        /// <summary>x += alpha·other in place (tensor.add_).</summary>
        public Tensor Add_(Tensor other, double alpha = 1) => F.BinaryInPlaceOp(x, other, "add_", t => F.Add(t, alpha == 1 ? other : F.Mul(other, alpha)));

        /// <summary>x += value in place.</summary>
        public Tensor Add_(double value) => F.InPlace(x, "add_", t => F.Add(t, value));

        /// <summary>x −= alpha·other in place (tensor.sub_).</summary>
        public Tensor Sub_(Tensor other, double alpha = 1) => F.BinaryInPlaceOp(x, other, "sub_", t => F.Sub(t, alpha == 1 ? other : F.Mul(other, alpha)));

        /// <summary>x −= value in place.</summary>
        public Tensor Sub_(double value) => F.InPlace(x, "sub_", t => F.Sub(t, value));

        /// <summary>x *= other in place (tensor.mul_).</summary>
        public Tensor Mul_(Tensor other) => F.BinaryInPlaceOp(x, other, "mul_", t => F.Mul(t, other), copyInput: other.RequiresGrad);

        /// <summary>x *= value in place.</summary>
        public Tensor Mul_(double value) => F.InPlace(x, "mul_", t => F.Mul(t, value));

        /// <summary>x /= other in place (tensor.div_).</summary>
        public Tensor Div_(Tensor other) => F.BinaryInPlaceOp(x, other, "div_", t => F.Div(t, other), copyInput: other.RequiresGrad);

        /// <summary>x /= value in place.</summary>
        public Tensor Div_(double value) => F.InPlace(x, "div_", t => F.Div(t, value));

        /// <summary>x = −x in place (tensor.neg_).</summary>
        public Tensor Neg_() => F.InPlace(x, "neg_", F.Neg);

        /// <summary>x = x^exponent in place (tensor.pow_).</summary>
        public Tensor Pow_(double exponent) => F.InPlace(x, "pow_", t => F.Pow(t, exponent), copyInput: true);

        /// <summary>x = exp(x) in place (tensor.exp_).</summary>
        public Tensor Exp_() => F.InPlace(x, "exp_", F.Exp);

        /// <summary>x = log(x) in place (tensor.log_).</summary>
        public Tensor Log_() => F.InPlace(x, "log_", F.Log, copyInput: true);

        /// <summary>x = sqrt(x) in place (tensor.sqrt_).</summary>
        public Tensor Sqrt_() => F.InPlace(x, "sqrt_", F.Sqrt);

        /// <summary>x = |x| in place (tensor.abs_).</summary>
        public Tensor Abs_() => F.InPlace(x, "abs_", F.Abs, copyInput: true);

        /// <summary>x = relu(x) in place (tensor.relu_, F.relu(x, inplace=True)).</summary>
        public Tensor Relu_() => F.InPlace(x, "relu_", F.Relu);

        /// <summary>x = sigmoid(x) in place (tensor.sigmoid_).</summary>
        public Tensor Sigmoid_() => F.InPlace(x, "sigmoid_", F.Sigmoid);

        /// <summary>x = tanh(x) in place (tensor.tanh_).</summary>
        public Tensor Tanh_() => F.InPlace(x, "tanh_", F.Tanh);

        /// <summary>x = clamp(x, min, max) in place (tensor.clamp_).</summary>
        public Tensor Clamp_(double? min = null, double? max = null)
        {
            if (min is null && max is null) throw new ArgumentException("clamp_: At least one of 'min' or 'max' must not be None", nameof(min));
            return F.InPlace(x, "clamp_", t => F.Clamp(t, min, max), copyInput: true);
        }

        /// <summary>Sets every element to zero (tensor.zero_); records ZeroBackward0.</summary>
        public Tensor Zero_() => F.FillInPlace(x, 0, "zero_", "ZeroBackward0");

        /// <summary>Sets every element to <paramref name="value"/> (tensor.fill_); records FillBackward2, fill_.Scalar's node in PyTorch (1.13 and 2.10).</summary>
        public Tensor Fill_(double value) => F.FillInPlace(x, value, "fill_", "FillBackward2");

        /// <summary>Copies <paramref name="src"/> into this tensor, broadcasting and converting (tensor.copy_); records CopyBackwards.</summary>
        public Tensor Copy_(Tensor src) => F.CopyInPlace(x, src);
    }
}
