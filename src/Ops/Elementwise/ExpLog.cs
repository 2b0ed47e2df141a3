using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// exp: dX = dY * y        (the saved output, not a recomputed exp)
// log: dX = dY / x
// Under createGraph both rules are the recorded mul/div (PyTorch's MulBackward0/DivBackward0), with the
// output y itself saved so the double backward reaches exp's node again (Note [Double backward]).
public static partial class F
{
    /// <summary>torch.exp.</summary>
    public static Tensor Exp(Tensor x)
    {
        var y = UnaryKernel.Run<ExpOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "ExpBackward0", [x], g => [GradMode.IsEnabled ? Mul(g, y) : UnaryKernel.Grad<MulGrad>(g, y)], saved: [y], differentiable: true);
    }

    /// <summary>torch.log (natural logarithm; log(0) = -inf, log of a negative number = NaN).</summary>
    public static Tensor Log(Tensor x)
    {
        var y = UnaryKernel.Run<LogOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "LogBackward0", [x], g => [GradMode.IsEnabled ? Div(g, x) : UnaryKernel.Grad<DivGrad>(g, x)], saved: [x], differentiable: true);
    }

    private struct ExpOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, y);
    }

    private struct LogOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);
    }

    /// <summary>g * s.</summary>
    private struct MulGrad : IGradOp
    {
        public static T Apply<T>(T g, T s) where T : unmanaged, IFloatingPointIeee754<T> => g * s;
    }

    /// <summary>g / s.</summary>
    private struct DivGrad : IGradOp
    {
        public static T Apply<T>(T g, T s) where T : unmanaged, IFloatingPointIeee754<T> => g / s;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the ExpLog ops in <see cref="F"/>.</summary>
public static class TensorExpLogExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.exp().</summary>
        public Tensor Exp() => F.Exp(x);

        /// <summary>tensor.log().</summary>
        public Tensor Log() => F.Log(x);
    }
}
