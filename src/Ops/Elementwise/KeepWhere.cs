using System.Numerics;

namespace Autograd;

// r = keep ? g : 0 with a constant mask (Note [Double backward]): the gradient of relu, clamp and max/min
// over all elements written as a recorded op. The mask comes from comparisons, whose derivative is zero
// almost everywhere, so only g is differentiated: dG = keep ? dR : 0, the op itself again, which makes it
// differentiable to any order. A select, not a product with a 0/1 mask: a NaN or infinite g outside the
// mask gives 0, as PyTorch's threshold_backward, where and masked_fill do.
// `maskOf`: the tensor the mask was computed from, when PyTorch's op takes it as a differentiable input with a
// zero gradient (threshold_backward's self): the result then requires grad whenever that tensor does, as in
// PyTorch, even for a constant g.
public static partial class F
{
    /// <summary>g where <paramref name="keep"/>, else 0; recorded as <paramref name="node"/> (PyTorch's name for the op it stands for).</summary>
    internal static Tensor KeepWhere(Tensor g, bool[] keep, string node, Tensor? maskOf = null)
    {
        var r = Tensor.Uninitialized(g.DType, g.Dims);   // every element written
        if (g.DType == DType.Float32) Select<float>(g.Span<float>(), keep, r.Span<float>());
        else Select<double>(g.Span<double>(), keep, r.Span<double>());
        if (maskOf is null)
            return Node.NeedsGrad([g]) ? Node.Record(r, node, [g], gg => [KeepWhere(gg, keep, node)], differentiable: true) : r;
        if (!Node.NeedsGrad([g, maskOf])) return r;
        return Node.Record(r, node, [g, maskOf], gg => [KeepWhere(gg, keep, node, maskOf), Tensor.ZerosLike(maskOf)], differentiable: true);

        static void Select<T>(ReadOnlySpan<T> g, bool[] keep, Span<T> r) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < r.Length; i++) r[i] = keep[i] ? g[i] : T.Zero;
        }
    }
}
