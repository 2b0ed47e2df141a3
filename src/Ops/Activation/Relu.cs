using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// dX = 0 where y <= 0, else dY   (PyTorch's threshold_backward on the saved output: the kink at 0 gets 0,
// and a NaN output passes dY through, since NaN <= 0 is false; found by the libtorch oracle)
public static partial class F
{
    /// <summary>torch.relu: max(x, 0); NaN stays NaN.</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = UnaryKernel.Run<ReluOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        var saved = y.Detach();
        return Node.Record(y, "ReluBackward0", [x], g => [UnaryKernel.Grad<ReluGrad>(g, saved)]);
    }

    private struct ReluOp : IUnaryOp
    {
        // TensorPrimitives.Max propagates NaN, matching torch.relu(nan) = nan.
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);
    }

    private struct ReluGrad : IGradOp
    {
        public static T Apply<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => y <= T.Zero ? T.Zero : g;
    }
}

public static class TensorReluExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.relu().</summary>
        public Tensor Relu() => F.Relu(x);
    }
}
