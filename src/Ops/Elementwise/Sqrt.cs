using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// dX = dY / (2 * y)       (y = sqrt(x) saved; x = 0 gives inf, as in PyTorch)
// Under createGraph: the recorded div(g, mul(y, 2)), PyTorch's DivBackward0 over MulBackward1, with the
// output y itself saved so it keeps its history (Note [Double backward]).
public static partial class F
{
    /// <summary>torch.sqrt (NaN for negative inputs).</summary>
    public static Tensor Sqrt(Tensor x)
    {
        var y = UnaryKernel.Run<SqrtOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "SqrtBackward0", [x], g => [GradMode.IsEnabled ? Div(g, Mul(y, 2.0)) : UnaryKernel.Grad<SqrtGrad>(g, y)], saved: [y], differentiable: true);
    }

    private struct SqrtOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
    }

    private struct SqrtGrad : IGradOp
    {
        public static T Apply<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => g / (y + y);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Sqrt ops in <see cref="F"/>.</summary>
public static class TensorSqrtExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.sqrt().</summary>
        public Tensor Sqrt() => F.Sqrt(x);
    }
}
