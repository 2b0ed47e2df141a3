using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Autograd;

// sin: dX = dY · cos(x)      (SinBackward0)
// cos: dX = −dY · sin(x)     (CosBackward0)
// float32 runs SimdMath's AVX-512 kernels (double inside, rounded), float64 TensorPrimitives.
// Under createGraph each rule is the recorded mul(g, cos(x)) / mul(g, −sin(x)), differentiable again.
public static partial class F
{
    /// <summary>torch.sin.</summary>
    public static Tensor Sin(Tensor x)
    {
        var y = Pointwise.Spans<SinOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "SinBackward0", [x], g => [GradMode.IsEnabled ? Mul(g, Cos(x)) : TrigGrad(g, x, sin: true)], saved: [x], differentiable: true);
    }

    /// <summary>torch.cos.</summary>
    public static Tensor Cos(Tensor x)
    {
        var y = Pointwise.Spans<CosOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "CosBackward0", [x], g => [GradMode.IsEnabled ? Mul(g, Neg(Sin(x))) : TrigGrad(g, x, sin: false)], saved: [x], differentiable: true);
    }

    /// <summary>g·cos(x) for sin, −g·sin(x) for cos: vectorised passes over each block.</summary>
    private static Tensor TrigGrad(Tensor g, Tensor x, bool sin)
    {
        var r = Tensor.Uninitialized(x.DType, x.Dims);
        if (x.DType == DType.Float32) Pointwise.Blocks(r.Numel, (s, n) => Run<float>(g.Array<float>().AsSpan(s, n), x.Array<float>().AsSpan(s, n), r.Array<float>().AsSpan(s, n), sin));
        else Pointwise.Blocks(r.Numel, (s, n) => Run<double>(g.Array<double>().AsSpan(s, n), x.Array<double>().AsSpan(s, n), r.Array<double>().AsSpan(s, n), sin));
        return r;

        static void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> r, bool sin) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && SimdMath.IsSupported)
            {
                if (sin) SimdMath.SinGrad(F32(g), F32(x), MemoryMarshal.Cast<T, float>(r));
                else SimdMath.CosGrad(F32(g), F32(x), MemoryMarshal.Cast<T, float>(r));
            }
            else if (sin) { TensorPrimitives.Cos(x, r); TensorPrimitives.Multiply(r, g, r); }
            else { TensorPrimitives.Sin(x, r); TensorPrimitives.Multiply(r, g, r); TensorPrimitives.Negate(r, r); }
        }
    }

    private struct SinOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && SimdMath.IsSupported) SimdMath.Sin(F32(x), MemoryMarshal.Cast<T, float>(y));
            else TensorPrimitives.Sin(x, y);
        }
    }

    private struct CosOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && SimdMath.IsSupported) SimdMath.Cos(F32(x), MemoryMarshal.Cast<T, float>(y));
            else TensorPrimitives.Cos(x, y);
        }
    }

    private static ReadOnlySpan<float> F32<T>(ReadOnlySpan<T> x) where T : unmanaged => MemoryMarshal.Cast<T, float>(x);
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Trig ops in <see cref="F"/>.</summary>
public static class TensorTrigExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.sin().</summary>
        public Tensor Sin() => F.Sin(x);

        /// <summary>tensor.cos().</summary>
        public Tensor Cos() => F.Cos(x);
    }
}
