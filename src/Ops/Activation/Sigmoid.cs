using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// sigmoid: dX = dY * y * (1 - y)
// tanh:    dX = dY * (1 - y²)
// Both rules use the saved output, as PyTorch's sigmoid_backward / tanh_backward do.
public static partial class F
{
    /// <summary>torch.sigmoid: 1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = UnaryKernel.Run<SigmoidOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        var saved = y.Detach();
        return Node.Record(y, "SigmoidBackward0", [x], g => [UnaryKernel.Grad<SigmoidGrad>(g, saved)], saved: [saved]);
    }

    /// <summary>torch.tanh.</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = UnaryKernel.Run<TanhOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        var saved = y.Detach();
        return Node.Record(y, "TanhBackward0", [x], g => [UnaryKernel.Grad<TanhGrad>(g, saved)], saved: [saved]);
    }

    private struct SigmoidOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sigmoid(x, y);
    }

    private struct TanhOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Tanh(x, y);
    }

    private struct SigmoidGrad : IGradOp
    {
        public static T Apply<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => g * (T.One - y) * y;
    }

    private struct TanhGrad : IGradOp
    {
        public static T Apply<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => g * (T.One - y * y);
    }
}

public static class TensorSigmoidExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.sigmoid().</summary>
        public Tensor Sigmoid() => F.Sigmoid(x);

        /// <summary>tensor.tanh().</summary>
        public Tensor Tanh() => F.Tanh(x);
    }
}
