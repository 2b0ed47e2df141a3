using System.Numerics;

namespace Autograd;

/// <summary>
/// A scalar map y = f(x) with its options (slope, beta, ...) as fields: a struct, so the generic loop
/// below is specialised per op and the call inlines.
/// </summary>
internal interface IPointwise
{
    T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A scalar map r = f(g, s) of an upstream gradient and a saved tensor of the same shape, with options as fields.</summary>
internal interface IPointwise2
{
    T Apply<T>(T g, T s) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>
/// Non-differentiable elementwise loops for the activations and math functions that TensorPrimitives lacks
/// (gelu, softplus, erf, ...): one dtype dispatch, then blocks of 16K elements on the pool's threads
/// (Parallelism.For keeps small tensors inline; each element is computed the same way on any thread).
/// </summary>
internal static class Pointwise
{
    private const int Block = 1 << 14;

    internal static Tensor Map<TOp>(Tensor x, TOp op) where TOp : struct, IPointwise
    {
        if (!x.DType.IsFloatingPoint()) x = x.ConvertData(DType.Float32);   // sin, gelu, ... of integers are float32, as in PyTorch
        var r = Tensor.Uninitialized(x.DType, x.Dims);   // every element written
        if (x.DType == DType.Float32) Run(x.Array<float>(), r.Array<float>(), op);
        else Run(x.Array<double>(), r.Array<double>(), op);
        return r;

        static void Run<T>(T[] x, T[] y, TOp op) where T : unmanaged, IFloatingPointIeee754<T>
            => Blocks(y.Length, (start, n) =>
            {
                var xs = x.AsSpan(start, n);
                var ys = y.AsSpan(start, n);
                for (int i = 0; i < ys.Length; i++) ys[i] = op.Apply(xs[i]);
            });
    }

    /// <summary>A vectorised span map (TensorPrimitives) run over the same blocks: TOp.Apply on each block's spans.</summary>
    internal static Tensor Spans<TOp>(Tensor x) where TOp : IUnaryOp
    {
        if (!x.DType.IsFloatingPoint()) x = x.ConvertData(DType.Float32);
        var r = Tensor.Uninitialized(x.DType, x.Dims);
        if (x.DType == DType.Float32) Run(x.Array<float>(), r.Array<float>());
        else Run(x.Array<double>(), r.Array<double>());
        return r;

        static void Run<T>(T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
            => Blocks(y.Length, (start, n) => TOp.Apply<T>(x.AsSpan(start, n), y.AsSpan(start, n)));
    }

    /// <summary>r[i] = op(g[i], s[i]); g and s have the same shape (the saved tensor's).</summary>
    internal static Tensor Map<TOp>(Tensor g, Tensor s, TOp op) where TOp : struct, IPointwise2
    {
        var r = Tensor.Uninitialized(s.DType, s.Dims);
        if (s.DType == DType.Float32) Run(g.Array<float>(), s.Array<float>(), r.Array<float>(), op);
        else Run(g.Array<double>(), s.Array<double>(), r.Array<double>(), op);
        return r;

        static void Run<T>(T[] g, T[] s, T[] r, TOp op) where T : unmanaged, IFloatingPointIeee754<T>
            => Blocks(r.Length, (start, n) =>
            {
                var gs = g.AsSpan(start, n);
                var ss = s.AsSpan(start, n);
                var rs = r.AsSpan(start, n);
                for (int i = 0; i < rs.Length; i++) rs[i] = op.Apply(gs[i], ss[i]);
            });
    }

    /// <summary>body(start, count) over blocks of 16K elements, on the pool's threads when the length is worth it.</summary>
    internal static void Blocks(int length, Action<int, int> body) => Blocks(length, Block, body);

    /// <summary>body(start, count) over blocks of <paramref name="block"/> elements (fewer, larger items for the fast SIMD kernels).</summary>
    internal static void Blocks(int length, int block, Action<int, int> body)
    {
        int blocks = (length + block - 1) / block;
        Kernels.Parallelism.For(blocks, length, b => body(b * block, Math.Min(block, length - b * block)));
    }
}
