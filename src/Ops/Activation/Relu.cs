using System.Runtime.Intrinsics;
using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// dX = 0 where y <= 0, else dY   (PyTorch's threshold_backward on the saved output: the kink at 0 gets 0,
// and a NaN output passes dY through, since NaN <= 0 is false; found by the libtorch oracle).
// Under createGraph the rule is the recorded select with the constant mask y > 0 (KeepWhere), PyTorch's
// ThresholdBackwardBackward0, whose own derivative is the same select; the output y itself is saved, so an
// in-place relu_ rebinds it to the written tensor (InPlace.Write).
public static partial class F
{
    /// <summary>torch.relu: max(x, 0); NaN stays NaN.</summary>
    public static Tensor Relu(Tensor x)
    {
        if (!x.DType.IsFloatingPoint()) return KeepingDType(x, Relu);
        var y = UnaryKernel.Run<ReluOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "ReluBackward0", [x], g => [GradMode.IsEnabled ? KeepWhere(g, ReluMask(y), "ThresholdBackwardBackward0", maskOf: y) : Backward(g, y)], saved: [y], differentiable: true);
    }

    /// <summary>F.relu(x, inplace): with <paramref name="inplace"/>, x itself is overwritten and returned (torch.relu_).</summary>
    public static Tensor Relu(Tensor x, bool inplace) => inplace ? x.Relu_() : Relu(x);

    /// <summary>torch.relu_: relu in place, returning x (Note [In-place members]).</summary>
    public static Tensor Relu_(Tensor x) => x.Relu_();

    private struct ReluOp : IUnaryOp
    {
        // TensorPrimitives.Max propagates NaN, matching torch.relu(nan) = nan.
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);
    }

    /// <summary>Where the gradient passes: !(y ≤ 0), so a NaN output passes it, as the raw kernel does.</summary>
    private static bool[] ReluMask(Tensor y)
    {
        var keep = new bool[y.Numel];
        if (y.DType == DType.Float32) Mask<float>(y.Span<float>(), keep);
        else Mask<double>(y.Span<double>(), keep);
        return keep;

        static void Mask<T>(ReadOnlySpan<T> y, bool[] keep) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < keep.Length; i++) keep[i] = !(y[i] <= T.Zero);
        }
    }

    // dX = y ≤ 0 ? 0 : dY (PyTorch's threshold_backward on the result: a NaN output passes dY through).
    // Vectorised as a select: the scalar form's branch is unpredictable on real activations.
    private static Tensor Backward(Tensor g, Tensor y)
    {
        var r = Tensor.Uninitialized(y.DType, y.Dims);
        if (y.DType == DType.Float32) Kernels.SpanMath.Binary<float, ReluGrad<float>>(g.Span<float>(), y.Span<float>(), r.Span<float>());
        else Kernels.SpanMath.Binary<double, ReluGrad<double>>(g.Span<double>(), y.Span<double>(), r.Span<double>());
        return r;
    }

    private readonly struct ReluGrad<T> : Kernels.IVectorOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T Apply(T g, T y) => y <= T.Zero ? T.Zero : g;
        public static Vector128<T> Apply(Vector128<T> g, Vector128<T> y) => Vector128.ConditionalSelect(Vector128.LessThanOrEqual(y, Vector128<T>.Zero), Vector128<T>.Zero, g);
        public static Vector256<T> Apply(Vector256<T> g, Vector256<T> y) => Vector256.ConditionalSelect(Vector256.LessThanOrEqual(y, Vector256<T>.Zero), Vector256<T>.Zero, g);
        public static Vector512<T> Apply(Vector512<T> g, Vector512<T> y) => Vector512.ConditionalSelect(Vector512.LessThanOrEqual(y, Vector512<T>.Zero), Vector512<T>.Zero, g);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Relu ops in <see cref="F"/>.</summary>
public static class TensorReluExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.relu().</summary>
        public Tensor Relu() => F.Relu(x);
    }
}
