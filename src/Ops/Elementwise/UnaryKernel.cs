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
        if (x.DType == DType.Float32) TOp.Apply<float>(x.Span<float>(), r.Span<float>());
        else TOp.Apply<double>(x.Span<double>(), r.Span<double>());
        return r;
    }

    /// <summary>r[i] = TOp(grad[i], saved[i]); both have the saved tensor's shape.</summary>
    internal static Tensor Grad<TOp>(Tensor grad, Tensor saved) where TOp : IGradOp
    {
        var r = Tensor.Uninitialized(saved.DType, saved.Dims);
        if (saved.DType == DType.Float32) Grad<TOp, float>(grad.Span<float>(), saved.Span<float>(), r.Span<float>());
        else Grad<TOp, double>(grad.Span<double>(), saved.Span<double>(), r.Span<double>());
        return r;
    }

    private static void Grad<TOp, T>(ReadOnlySpan<T> g, ReadOnlySpan<T> s, Span<T> r) where TOp : IGradOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < r.Length; i++) r[i] = TOp.Apply(g[i], s[i]);
    }
}
