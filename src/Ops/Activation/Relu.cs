using System.Runtime.Intrinsics;
using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// dX = 0 where y <= 0, else dY   (PyTorch's threshold_backward on the saved output: the kink at 0 gets 0,
// and a NaN output passes dY through, since NaN <= 0 is false; found by the libtorch oracle).
// Under createGraph the rule is the same select recorded as an op, PyTorch's ThresholdBackwardBackward0:
// linear in dY with the constant mask !(y <= 0), so its own derivative is the select again (to any order),
// and zero with respect to y. The output y itself is saved, so an in-place relu_ rebinds it to the written
// tensor (InPlace.Write), and every recorded select saves y too (Note [Relu select]).
public static partial class F
{
    /// <summary>torch.relu: max(x, 0); NaN stays NaN.</summary>
    public static Tensor Relu(Tensor x)
    {
        if (!x.DType.IsFloatingPoint()) return KeepingDType(x, Relu);
        var y = UnaryKernel.Run<ReluOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "ReluBackward0", [x], g => [ThresholdSelect(g, y)], saved: [y], differentiable: true);
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

    // Note [Relu select]
    // dX = y <= 0 ? 0 : dY reads the saved output directly, at full SIMD width and in blocks on the pool's
    // threads, both as the ordinary backward and as the recorded op under createGraph: no bool mask is built
    // (a 1.6M-element activation's mask cost a fresh 1.6 MB array and a scalar loop: ReluBackward0 took
    // 5.1 ms of the Fashion-MNIST Hessian-vector product, now a select as fast as the forward). The recorded
    // node saves y, so writing y in place before the second backward fails the version check instead of
    // silently changing the mask; y is also an input with zero gradient (threshold_backward's self), so the
    // result requires grad whenever y does, as in PyTorch.
    private static Tensor ThresholdSelect(Tensor g, Tensor y)
    {
        var r = Tensor.Uninitialized(y.DType, y.Dims);   // every element written
        if (y.DType == DType.Float32) SelectBlocks(g.Array<float>(), y.Array<float>(), r.Array<float>());
        else SelectBlocks(g.Array<double>(), y.Array<double>(), r.Array<double>());
        if (!Node.NeedsGrad([g, y])) return r;
        return Node.Record(r, "ThresholdBackwardBackward0", [g, y], gg => [ThresholdSelect(gg, y), Tensor.ZerosLike(y)], saved: [y], differentiable: true);

        static void SelectBlocks<T>(T[] g, T[] y, T[] r) where T : unmanaged, IFloatingPointIeee754<T>
        {
            const int block = 1 << 15;
            int blocks = (r.Length + block - 1) / block;
            Kernels.Parallelism.For(blocks, r.Length, b =>
            {
                int start = b * block, n = Math.Min(block, r.Length - start);
                Kernels.SpanMath.Binary<T, ReluGrad<T>>(g.AsSpan(start, n), y.AsSpan(start, n), r.AsSpan(start, n));
            });
        }
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
