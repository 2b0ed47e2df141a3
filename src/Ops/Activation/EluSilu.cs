using System.Numerics;

namespace Autograd;

// elu(x) = x > 0 ? x : α·expm1(x);    dX = x > 0 ? dY : dY·α·exp(x)      (EluBackward0, on the saved input)
//   (a NaN input gives a NaN gradient, as libtorch's vectorised elu_backward: blendv(neg, pos, x > 0))
//   double backward (PyTorch's elu_double_backward, EluBackwardBackward0):
//   dG = elu_backward(dR, x),  dX = elu_backward(dR·g, x)·[x < 0]   (strictly below 0: 0 at x = 0, as PyTorch)
// silu(x) = x·σ(x) = x/(1 + exp(−x));  dX = dY·σ(x)·(1 + x·(1 − σ(x)))    (SiluBackward0)
//   double backward (SiluBackwardBackward0): dG = silu_backward(dR, x), dX = dR·g·σ'(x)·(2 + x·(1 − 2σ(x)))
// Kernels follow PyTorch's CPU formulas term by term, so ±∞/NaN agree (silu(−∞) = −∞/∞ = NaN there too).
/// <summary>The functional ops (<c>torch</c> and <c>torch.nn.functional</c>): every differentiable operation on tensors.</summary>
public static partial class F
{
    /// <summary>F.elu(x, alpha).</summary>
    public static Tensor Elu(Tensor x, double alpha = 1)
    {
        var y = Pointwise.Map(x, new EluOp(alpha));
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "EluBackward0", [x], g => [EluBackward(g, x, alpha)], saved: [x], differentiable: true);
    }

    /// <summary>F.silu(x): x·σ(x) (swish).</summary>
    public static Tensor Silu(Tensor x)
    {
        var y = Pointwise.Map(x, new SiluOp());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "SiluBackward0", [x], g => [SiluBackward(g, x)], saved: [x], differentiable: true);
    }

    /// <summary>elu_backward(g, x), recorded when g or x requires grad (only under createGraph).</summary>
    private static Tensor EluBackward(Tensor g, Tensor x, double alpha)
    {
        var r = Pointwise.Map(g, x, new EluGrad(alpha));
        if (!Node.NeedsGrad([g, x])) return r;
        bool gg = g.RequiresGrad, gx = x.RequiresGrad;
        return Node.Record(r, "EluBackwardBackward0", [g, x], d =>
            [gg ? EluBackward(d, x, alpha) : null, gx ? Mul(EluBackward(Mul(d, g), x, alpha), Pointwise.Map(x, new NegativeMask())) : null],
            saved: [g, x], differentiable: true);
    }

    /// <summary>silu_backward(g, x), recorded when g or x requires grad (only under createGraph).</summary>
    private static Tensor SiluBackward(Tensor g, Tensor x)
    {
        var r = Pointwise.Map(g, x, new SiluGrad());
        if (!Node.NeedsGrad([g, x])) return r;
        bool gg = g.RequiresGrad, gx = x.RequiresGrad;
        return Node.Record(r, "SiluBackwardBackward0", [g, x], d =>
        {
            if (!gx) return [gg ? SiluBackward(d, x) : null, null];
            var s = Sigmoid(x);
            var curvature = Mul(Mul(s, 1.0 - s), Add(Mul(x, 1.0 - Mul(s, 2.0)), 2.0));
            return [gg ? SiluBackward(d, x) : null, Mul(Mul(d, g), curvature)];
        }, saved: [g, x], differentiable: true);
    }

    private readonly struct EluOp(double alpha) : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
            => x <= T.Zero ? default(Expm1Op).Apply(x) * T.CreateTruncating(alpha) : x;
    }

    private readonly struct EluGrad(double alpha) : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
            => x > T.Zero ? g : g * T.CreateTruncating(alpha) * T.Exp(x);   // NaN takes the exp branch: NaN, as libtorch's vector kernel
    }

    /// <summary>1 where x &lt; 0, else 0 (elu's curvature mask, multiplied in as PyTorch does).</summary>
    private readonly struct NegativeMask : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x < T.Zero ? T.One : T.Zero;
    }

    private readonly struct SiluOp : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x / (T.One + T.Exp(-x));
    }

    private readonly struct SiluGrad : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T s = T.One / (T.One + T.Exp(-x));
            return g * s * (T.One + x * (T.One - s));
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the EluSilu ops in <see cref="F"/>.</summary>
public static class TensorEluSiluExtensions
{
    extension(Tensor x)
    {
        /// <summary>F.elu(x, alpha).</summary>
        public Tensor Elu(double alpha = 1) => F.Elu(x, alpha);

        /// <summary>F.silu(x).</summary>
        public Tensor Silu() => F.Silu(x);
    }
}
