using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// dX = dY * sgn(x), with sgn(0) = 0 and sgn(NaN) = 0 like PyTorch's sign (so |x| has gradient 0 at 0).
// A product, not a select: a NaN or infinite dY at x = 0 gives NaN, as in PyTorch (the libtorch oracle
// found this through lp_pool2d, whose chain feeds abs a NaN gradient).
// Under createGraph: the recorded mul(g, sgn(x)) (PyTorch's MulBackward0 over SgnBackward0). sgn's derivative
// is zero wherever it exists, but it is recorded as PyTorch records it, so the gradient requires grad even for
// a constant g and its derivative with respect to x is zeros, not "unused".
public static partial class F
{
    /// <summary>torch.abs.</summary>
    public static Tensor Abs(Tensor x)
    {
        if (!x.DType.IsFloatingPoint()) return KeepingDType(x, Abs);
        var y = UnaryKernel.Run<AbsOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "AbsBackward0", [x], g =>
            [GradMode.IsEnabled ? Mul(g, Sgn(x)) : UnaryKernel.Grad<SignGrad>(g, x)], saved: [x], differentiable: true);
    }

    /// <summary>sgn(x) (0 at 0 and NaN), recorded as SgnBackward0 with a zero derivative when x requires grad.</summary>
    private static Tensor Sgn(Tensor x)
    {
        var s = UnaryKernel.Grad<SignGrad>(Tensor.OnesLike(x), x);
        return Node.Record(s, "SgnBackward0", [x], g => [Tensor.ZerosLike(g)], differentiable: true);
    }

    private struct AbsOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
    }

    private struct SignGrad : IGradOp
    {
        public static T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
            => g * (x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Abs ops in <see cref="F"/>.</summary>
public static class TensorAbsExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.abs().</summary>
        public Tensor Abs() => F.Abs(x);
    }
}
