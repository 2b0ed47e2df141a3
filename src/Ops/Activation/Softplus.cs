using System.Numerics;

namespace Autograd;

// softplus(x) = log(1 + exp(βx))/β, and x itself where βx > threshold (PyTorch's switch to the linear
// branch, which also keeps exp from overflowing):
//   dX = βx > threshold ? dY : dY·z/(z + 1), z = exp(βx)            (SoftplusBackward0, on the saved input)
// Its derivative (PyTorch's softplus_double_backward, SoftplusBackwardBackward0):
//   dG = softplus_backward(dR, x),  dX = dR·g·β·σ(βx)(1 − σ(βx)) · [βx ≤ threshold]
// log_sigmoid(x) = min(x, 0) − log1p(exp(−|x|)) (no overflow on either side):
//   dX = dY·σ(−x), computed as PyTorch's log_sigmoid_backward does from z = exp(−|x|)  (LogSigmoidBackward0)
// Its derivative (log_sigmoid_double_backward, LogSigmoidBackwardBackward0):
//   dG = log_sigmoid_backward(dR, x),  dX = dR·g·(σ(x) − 1)·σ(x)
// The second-order terms are written with recorded ops, so they differentiate again.
public static partial class F
{
    /// <summary>F.softplus(x, beta, threshold).</summary>
    public static Tensor Softplus(Tensor x, double beta = 1, double threshold = 20)
    {
        var y = Pointwise.Map(x, new SoftplusOp(beta, threshold));
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "SoftplusBackward0", [x], g => [SoftplusBackward(g, x, beta, threshold)], saved: [x], differentiable: true);
    }

    /// <summary>F.logsigmoid(x): log(σ(x)).</summary>
    public static Tensor LogSigmoid(Tensor x)
    {
        var y = Pointwise.Map(x, new LogSigmoidOp());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "LogSigmoidBackward0", [x], g => [LogSigmoidBackward(g, x)], saved: [x], differentiable: true);
    }

    /// <summary>softplus_backward(g, x), recorded when g or x requires grad (only under createGraph).</summary>
    private static Tensor SoftplusBackward(Tensor g, Tensor x, double beta, double threshold)
    {
        var r = Pointwise.Map(g, x, new SoftplusGrad(beta, threshold));
        if (!Node.NeedsGrad([g, x])) return r;
        bool gg = g.RequiresGrad, gx = x.RequiresGrad;
        return Node.Record(r, "SoftplusBackwardBackward0", [g, x], d =>
        [
            gg ? SoftplusBackward(d, x, beta, threshold) : null,
            gx ? Mul(Mul(d, g), Mul(SigmoidSlope(Mul(x, beta)), Pointwise.Map(x, new BelowThreshold(beta, threshold)))) : null,
        ], saved: [g, x], differentiable: true);
    }

    /// <summary>log_sigmoid_backward(g, x), recorded when g or x requires grad (only under createGraph).</summary>
    private static Tensor LogSigmoidBackward(Tensor g, Tensor x)
    {
        var r = Pointwise.Map(g, x, new LogSigmoidGrad());
        if (!Node.NeedsGrad([g, x])) return r;
        bool gg = g.RequiresGrad, gx = x.RequiresGrad;
        return Node.Record(r, "LogSigmoidBackwardBackward0", [g, x], d =>
            [gg ? LogSigmoidBackward(d, x) : null, gx ? Neg(Mul(Mul(d, g), SigmoidSlope(x))) : null], saved: [g, x], differentiable: true);
    }

    /// <summary>σ'(z) = σ(z)(1 − σ(z)) with recorded ops.</summary>
    private static Tensor SigmoidSlope(Tensor z)
    {
        var s = Sigmoid(z);
        return Mul(s, 1.0 - s);
    }

    private readonly struct SoftplusOp(double beta, double threshold) : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T b = T.CreateTruncating(beta), bx = x * b;
            return bx > T.CreateTruncating(threshold) ? x : default(Log1pOp).Apply(T.Exp(bx)) / b;
        }
    }

    private readonly struct SoftplusGrad(double beta, double threshold) : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T bx = x * T.CreateTruncating(beta), z = T.Exp(bx);
            return bx > T.CreateTruncating(threshold) ? g : g * z / (z + T.One);
        }
    }

    /// <summary>β where βx ≤ threshold, else 0: the softplus curvature's mask, times β.</summary>
    private readonly struct BelowThreshold(double beta, double threshold) : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
            => x * T.CreateTruncating(beta) <= T.CreateTruncating(threshold) ? T.CreateTruncating(beta) : T.Zero;
    }

    private readonly struct LogSigmoidOp : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
            => (x < T.Zero ? x : T.Zero) - default(Log1pOp).Apply(T.Exp(-T.Abs(x)));
    }

    private readonly struct LogSigmoidGrad : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            bool negative = x < T.Zero;
            T z = T.Exp(-T.Abs(x)), q = z / (T.One + z);
            return (negative ? T.One - q : q) * g;
        }
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Softplus ops in <see cref="F"/>.</summary>
public static class TensorSoftplusExtensions
{
    extension(Tensor x)
    {
        /// <summary>F.softplus(x, beta, threshold).</summary>
        public Tensor Softplus(double beta = 1, double threshold = 20) => F.Softplus(x, beta, threshold);

        /// <summary>F.logsigmoid(x).</summary>
        public Tensor LogSigmoid() => F.LogSigmoid(x);
    }
}
