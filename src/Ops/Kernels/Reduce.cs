using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Kernels;

// Note [Blocked reductions]
// A full reduction is cut into fixed blocks of BlockSize elements (the number depends on the length
// only); each block is summed by TensorPrimitives, possibly on another thread, and the block sums are
// then added in block order. So the result is the same for every thread count, and (a bonus of the
// blocking) rounding error grows with the number of blocks, not of elements.

/// <summary>Parallel, deterministic whole-array reductions and fills for large tensors.</summary>
internal static class Reduce
{
    internal const int BlockSize = 1 << 16;

    /// <summary>Σ x[i].</summary>
    internal static T Sum<T>(T[] x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = (x.Length + BlockSize - 1) / BlockSize;
        if (blocks <= 1) return TensorPrimitives.Sum<T>(x);
        var partial = new T[blocks];
        Parallelism.For(blocks, x.Length, b => partial[b] = TensorPrimitives.Sum<T>(Block(x, b)));
        T s = T.Zero;
        foreach (var p in partial) s += p;
        return s;
    }

    /// <summary>dst[i] = value, in parallel for large arrays.</summary>
    internal static void Fill<T>(T[] dst, T value) where T : unmanaged
    {
        int blocks = (dst.Length + BlockSize - 1) / BlockSize;
        if (blocks <= 1) { Array.Fill(dst, value); return; }
        Parallelism.For(blocks, dst.Length, b => Block(dst, b).Fill(value));
    }

    private static Span<T> Block<T>(T[] x, int b) => x.AsSpan(b * BlockSize, Math.Min(BlockSize, x.Length - b * BlockSize));
}
