using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// sigmoid: dX = dY * y * (1 - y)
// tanh:    dX = dY * (1 - y²)
// Both rules use the saved output, as PyTorch's sigmoid_backward / tanh_backward do.
// Under createGraph each rule is a recorded op of (g, y), the same fast kernel, with PyTorch's node name and
// the output y itself saved so it keeps its history (Note [Double backward]):
// sigmoid_backward(g, y) = g·y·(1 − y)  (SigmoidBackwardBackward0): dG = sigmoid_backward(dR, y), dY = dR·g·(1 − 2y)
// tanh_backward(g, y)    = g·(1 − y²)   (TanhBackwardBackward0):    dG = tanh_backward(dR, y),    dY = −2·dR·g·y
public static partial class F
{
    /// <summary>torch.sigmoid: 1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = UnaryKernel.Run<SigmoidOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "SigmoidBackward0", [x], g => [SigmoidBackward(g, y)], saved: [y], differentiable: true);
    }

    /// <summary>torch.tanh.</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = UnaryKernel.Run<TanhOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "TanhBackward0", [x], g => [TanhBackward(g, y)], saved: [y], differentiable: true);
    }

    /// <summary>sigmoid_backward(g, y) = g·y·(1 − y), recorded when g or y requires grad (only under createGraph).</summary>
    private static Tensor SigmoidBackward(Tensor g, Tensor y)
    {
        var r = UnaryKernel.Grad<SigmoidGrad>(g, y);
        if (!Node.NeedsGrad([g, y])) return r;
        bool gg = g.RequiresGrad, gy = y.RequiresGrad;
        return Node.Record(r, "SigmoidBackwardBackward0", [g, y], d =>
            [gg ? SigmoidBackward(d, y) : null, gy ? Mul(Mul(d, g), 1.0 - y * 2.0) : null], saved: [g, y], differentiable: true);
    }

    /// <summary>tanh_backward(g, y) = g·(1 − y²), recorded when g or y requires grad (only under createGraph).</summary>
    private static Tensor TanhBackward(Tensor g, Tensor y)
    {
        var r = UnaryKernel.Grad<TanhGrad>(g, y);
        if (!Node.NeedsGrad([g, y])) return r;
        bool gg = g.RequiresGrad, gy = y.RequiresGrad;
        return Node.Record(r, "TanhBackwardBackward0", [g, y], d =>
            [gg ? TanhBackward(d, y) : null, gy ? Mul(Mul(d, g), y * -2.0) : null], saved: [g, y], differentiable: true);
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

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Sigmoid ops in <see cref="F"/>.</summary>
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
