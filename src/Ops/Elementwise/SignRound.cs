using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// sign(x) ∈ {−1, 0, 1} (0 at ±0 and NaN), round(x) to the nearest integer, halves to even (torch.round's
// nearbyint). Both are piecewise constant: PyTorch defines their gradient as zeros (SignBackward0,
// RoundBackward0: zeros_like(grad)), a constant that does not require grad even under createGraph.
public static partial class F
{
    /// <summary>torch.sign.</summary>
    public static Tensor Sign(Tensor x)
    {
        var y = Pointwise.Map(x, new SignOp());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "SignBackward0", [x], g => [Tensor.ZerosLike(g)], differentiable: true);
    }

    /// <summary>torch.round (round half to even).</summary>
    public static Tensor Round(Tensor x)
    {
        var y = Pointwise.Spans<RoundOp>(x);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "RoundBackward0", [x], g => [Tensor.ZerosLike(g)], differentiable: true);
    }

    private readonly struct SignOp : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
    }

    private struct RoundOp : IUnaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Round(x, y);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the SignRound ops in <see cref="F"/>.</summary>
public static class TensorSignRoundExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.sign().</summary>
        public Tensor Sign() => F.Sign(x);

        /// <summary>tensor.round().</summary>
        public Tensor Round() => F.Round(x);
    }
}
