using System.Numerics;

namespace Autograd;

// log1p(x) = log(1 + x):  dX = dY / (x + 1)      (Log1PBackward0, PyTorch's log1p_backward)
// expm1(x) = exp(x) − 1:  dX = dY · (y + 1)      (Expm1Backward0, on the saved output)
// Both are accurate for tiny x where log(1 + x) and exp(x) − 1 lose every digit (Kahan's correction:
// with u = 1 + x rounded, log1p(x) = log(u)·x/(u − 1); with u = exp(x), expm1(x) = (u − 1)·x/log(u)).
// TensorPrimitives.LogP1/ExpM1 compute log(1 + x) and exp(x) − 1 as written, so they are not used.
// Under createGraph the rules are the recorded div(g, x + 1) and mul(g, y + 1).
public static partial class F
{
    /// <summary>torch.log1p: log(1 + x), accurate for small x; −1 gives −inf, below −1 NaN.</summary>
    public static Tensor Log1p(Tensor x)
    {
        var y = Pointwise.Map(x, new Log1pOp());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "Log1PBackward0", [x], g => [GradMode.IsEnabled ? Div(g, Add(x, 1.0)) : Pointwise.Map(g, x, new Log1pGrad())], saved: [x], differentiable: true);
    }

    /// <summary>torch.expm1: exp(x) − 1, accurate for small x.</summary>
    public static Tensor Expm1(Tensor x)
    {
        var y = Pointwise.Map(x, new Expm1Op());
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "Expm1Backward0", [x], g => [GradMode.IsEnabled ? Mul(g, Add(y, 1.0)) : Pointwise.Map(g, y, new Expm1Grad())], saved: [y], differentiable: true);
    }

    private readonly struct Log1pOp : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T u = T.One + x;
            if (u == T.One || T.IsPositiveInfinity(u)) return u == T.One ? x : u;   // tiny x: log1p(x) = x to the last bit
            return T.Log(u) * (x / (u - T.One));
        }
    }

    private readonly struct Expm1Op : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T u = T.Exp(x);
            if (u == T.One) return x;
            T um1 = u - T.One;
            if (um1 == -T.One || T.IsPositiveInfinity(u)) return um1;
            return um1 * (x / T.Log(u));
        }
    }

    private readonly struct Log1pGrad : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T> => g / (x + T.One);
    }

    private readonly struct Expm1Grad : IPointwise2
    {
        public T Apply<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => g * (y + T.One);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Log1pExpm1 ops in <see cref="F"/>.</summary>
public static class TensorLog1pExpm1Extensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.log1p().</summary>
        public Tensor Log1p() => F.Log1p(x);

        /// <summary>tensor.expm1().</summary>
        public Tensor Expm1() => F.Expm1(x);
    }
}
