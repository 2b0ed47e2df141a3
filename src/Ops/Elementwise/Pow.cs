using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// dX = dY * p * x^(p-1); exactly zero when p = 0 (PyTorch's pow_backward masks that case, so 0^-1 never
// turns into NaN).
public static partial class F
{
    /// <summary>torch.pow(x, exponent) with a scalar exponent.</summary>
    public static Tensor Pow(Tensor x, double exponent)
    {
        // An integer tensor to an integral power stays integral (x ** 2); a fractional power is float32.
        if (!x.DType.IsFloatingPoint())
            return exponent == Math.Floor(exponent) && exponent >= 0 ? KeepingDType(x, t => Pow(t, exponent)) : Pow(x.ConvertData(DType.Float32), exponent);
        var y = Tensor.Empty(x.DType, x.Dims);
        if (x.DType == DType.Float32) PowKernel<float>(x.Span<float>(), (float)exponent, y.Span<float>());
        else PowKernel<double>(x.Span<double>(), exponent, y.Span<double>());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "PowBackward0", [x], g =>
            [exponent == 0 ? Tensor.ZerosLike(x) : Mul(g, Mul(Pow(x, exponent - 1), exponent))], saved: [x], differentiable: true);
    }

    // The exponents PyTorch 1.13 special-cases (PowKernel.cpp) take its exact paths: x*x, x*x*x,
    // 1/(x*x), sqrt, 1/sqrt, 1/x; other exponents use pow. The paths differ from pow at the edges
    // (pow(-inf, -0.5) = 0 but 1/sqrt(-inf) = NaN), which the backward's x^(p-1) reaches: the
    // libtorch oracle found the -0.5 case.
    private static void PowKernel<T>(ReadOnlySpan<T> x, T p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p == T.One) x.CopyTo(y);
        else if (p == T.CreateChecked(2)) TensorPrimitives.Multiply(x, x, y);
        else if (p == T.CreateChecked(3)) for (int i = 0; i < y.Length; i++) y[i] = x[i] * x[i] * x[i];
        else if (p == T.CreateChecked(-2)) for (int i = 0; i < y.Length; i++) y[i] = T.One / (x[i] * x[i]);
        else if (p == T.CreateChecked(0.5)) TensorPrimitives.Sqrt(x, y);
        else if (p == T.CreateChecked(-0.5)) { TensorPrimitives.Sqrt(x, y); TensorPrimitives.Reciprocal(y, y); }
        else if (p == -T.One) TensorPrimitives.Reciprocal(x, y);
        else for (int i = 0; i < y.Length; i++) y[i] = T.Pow(x[i], p);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Pow ops in <see cref="F"/>.</summary>
public static class TensorPowExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.pow(exponent).</summary>
        public Tensor Pow(double exponent) => F.Pow(x, exponent);
    }
}
