using System.Numerics;
using System.Runtime.InteropServices;

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
        if (g.DType == DType.Float32) SelectBlocks(g.Array<float>(), keep, r.Array<float>());
        else SelectBlocks(g.Array<double>(), keep, r.Array<double>());
        if (maskOf is null)
            return Node.NeedsGrad([g]) ? Node.Record(r, node, [g], gg => [KeepWhere(gg, keep, node)], differentiable: true) : r;
        if (!Node.NeedsGrad([g, maskOf])) return r;
        return Node.Record(r, node, [g, maskOf], gg => [KeepWhere(gg, keep, node, maskOf), Tensor.ZerosLike(maskOf)], differentiable: true);

        // Blocks of 16K elements on the pool's threads (Parallelism.For keeps small tensors on one).
        static void SelectBlocks<T>(T[] g, bool[] keep, T[] r) where T : unmanaged, IFloatingPointIeee754<T>
        {
            const int block = 1 << 14;
            int blocks = (r.Length + block - 1) / block;
            Kernels.Parallelism.For(blocks, r.Length, b =>
            {
                int start = b * block, n = Math.Min(block, r.Length - start);
                Select(g.AsSpan(start, n), keep.AsSpan(start, n), r.AsSpan(start, n));
            });
        }

        // Branch-free: a relu or clamp mask is close to random, and a branch per element mispredicts half
        // the time. The kept element's bits are ANDed with all-ones, a dropped one's with zero (+0.0), so
        // NaN and ±∞ outside the mask still give 0, exactly as the select it stands for.
        static void Select<T>(ReadOnlySpan<T> g, ReadOnlySpan<bool> keep, Span<T> r) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var m = MemoryMarshal.AsBytes(keep);
            if (typeof(T) == typeof(float))
            {
                var gi = MemoryMarshal.Cast<T, int>(g);
                var ri = MemoryMarshal.Cast<T, int>(r);
                for (int i = 0; i < ri.Length; i++) ri[i] = gi[i] & -m[i];
            }
            else
            {
                var gl = MemoryMarshal.Cast<T, long>(g);
                var rl = MemoryMarshal.Cast<T, long>(r);
                for (int i = 0; i < rl.Length; i++) rl[i] = gl[i] & -(long)m[i];
            }
        }
    }
}
