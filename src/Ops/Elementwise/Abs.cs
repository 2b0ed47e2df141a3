using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// dX = dY * sgn(x), with sgn(0) = 0 and sgn(NaN) = 0 like PyTorch's sign (so |x| has gradient 0 at 0).
// A product, not a select: a NaN or infinite dY at x = 0 gives NaN, as in PyTorch (the libtorch oracle
// found this through lp_pool2d, whose chain feeds abs a NaN gradient).
public static partial class F
{
    /// <summary>torch.abs.</summary>
    public static Tensor Abs(Tensor x)
    {
        var y = UnaryKernel.Run<AbsOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "AbsBackward0", [x], g => [UnaryKernel.Grad<SignGrad>(g, x)], saved: [x]);
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

public static class TensorAbsExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.abs().</summary>
        public Tensor Abs() => F.Abs(x);
    }
}
