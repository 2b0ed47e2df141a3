using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// reciprocal: y = 1/x,      dX = −dY · y²          (ReciprocalBackward0, on the saved output)
// rsqrt:      y = 1/√x,     dX = −0.5 · dY · y³    (RsqrtBackward0, on the saved output)
// rsqrt(0) = inf, rsqrt(−0) = −inf (1/−0), negative x gives NaN, as PyTorch's 1/sqrt(x).
// Under createGraph: the recorded mul(−g, y·y) and mul(g, y³·(−0.5)).
public static partial class F
{
    /// <summary>torch.reciprocal: 1/x.</summary>
    public static Tensor Reciprocal(Tensor x)
    {
        var y = Pointwise.Spans<ReciprocalOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "ReciprocalBackward0", [x], g =>
            [GradMode.IsEnabled ? Mul(Neg(g), Mul(y, y)) : Pointwise.Map(g, y, new ReciprocalGrad())], saved: [y], differentiable: true);
    }

    /// <summary>torch.rsqrt: 1/√x.</summary>
    public static Tensor Rsqrt(Tensor x)
    {
        var y = Pointwise.Spans<RsqrtOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "RsqrtBackward0", [x], g =>
            [GradMode.IsEnabled ? Mul(g, Mul(Pow(y, 3), -0.5)) : Pointwise.Map(g, y, new RsqrtGrad())], saved: [y], differentiable: true);
    }

    private struct ReciprocalOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Reciprocal(x, y);
    }

    private struct RsqrtOp : IUnaryOp
    {
        // sqrt then 1/·, both correctly rounded (TensorPrimitives.ReciprocalSqrt may use the hardware estimate).
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Sqrt(x, y);
            TensorPrimitives.Reciprocal(y, y);
        }
    }

    private readonly struct ReciprocalGrad : IPointwise2
    {
        public T Apply<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => -g * (y * y);
    }

    private readonly struct RsqrtGrad : IPointwise2
    {
        public T Apply<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(-0.5) * g * (y * y * y);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Reciprocal ops in <see cref="F"/>.</summary>
public static class TensorReciprocalExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.reciprocal().</summary>
        public Tensor Reciprocal() => F.Reciprocal(x);

        /// <summary>tensor.rsqrt().</summary>
        public Tensor Rsqrt() => F.Rsqrt(x);
    }
}
