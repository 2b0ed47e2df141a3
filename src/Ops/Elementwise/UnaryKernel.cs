using System.Numerics;

namespace Autograd;

/// <summary>An elementwise unary map over a contiguous span (the forward of exp, log, sigmoid, ...).</summary>
internal interface IUnaryOp
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>
/// The elementwise part of a backward rule: combines the upstream gradient with one saved tensor
/// (the input or the output), e.g. <c>g * (1 - y²)</c> for tanh.
/// </summary>
internal interface IGradOp
{
    static abstract T Apply<T>(T grad, T saved) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Non-differentiable kernels the unary ops share; dispatch on dtype happens once here.</summary>
internal static class UnaryKernel
{
    internal static Tensor Run<TOp>(Tensor x) where TOp : IUnaryOp
    {
        // exp, log, sqrt, sigmoid, tanh, ... of an integer or bool tensor are float32, as in PyTorch.
        if (!x.DType.IsFloatingPoint()) x = x.ConvertData(DType.Float32);
        var r = Tensor.Uninitialized(x.DType, x.Dims);   // every element written
        if (x.DType == DType.Float32) Blocks<TOp, float>(x.Array<float>(), r.Array<float>());
        else Blocks<TOp, double>(x.Array<double>(), r.Array<double>());
        return r;
    }

    // Note [Parallel binary ops]: fixed blocks on the pool's threads (the split does not depend on the thread
    // count, so neither do the results); relu of 8x64x56x56 took 0.43 ms on one thread.
    private static void Blocks<TOp, T>(T[] x, T[] r) where TOp : IUnaryOp where T : unmanaged, IFloatingPointIeee754<T> =>
        Pointwise.Blocks(r.Length, (s, n) => TOp.Apply<T>(x.AsSpan(s, n), r.AsSpan(s, n)));

    /// <summary>r[i] = TOp(grad[i], saved[i]); both have the saved tensor's shape.</summary>
    internal static Tensor Grad<TOp>(Tensor grad, Tensor saved) where TOp : IGradOp
    {
        var r = Tensor.Uninitialized(saved.DType, saved.Dims);
        if (saved.DType == DType.Float32) GradBlocks<TOp, float>(grad.Array<float>(), saved.Array<float>(), r.Array<float>());
        else GradBlocks<TOp, double>(grad.Array<double>(), saved.Array<double>(), r.Array<double>());
        return r;
    }

    private static void GradBlocks<TOp, T>(T[] g, T[] s, T[] r) where TOp : IGradOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        Pointwise.Blocks(r.Length, (start, n) => Grad<TOp, T>(g.AsSpan(start, n), s.AsSpan(start, n), r.AsSpan(start, n)));
    }

    private static void Grad<TOp, T>(ReadOnlySpan<T> g, ReadOnlySpan<T> s, Span<T> r) where TOp : IGradOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < r.Length; i++) r[i] = TOp.Apply(g[i], s[i]);
    }
}
