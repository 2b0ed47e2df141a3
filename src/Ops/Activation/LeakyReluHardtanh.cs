using System.Numerics;

namespace Autograd;

// leaky_relu(x) = x > 0 ? x : slope·x;  dX = x > 0 ? dY : slope·dY      (LeakyReluBackward0, on the saved input)
// hardtanh(x) = clamp(x, min, max);      dX = (x ≤ min || x ≥ max) ? 0 : dY   (HardtanhBackward0)
// Note the bounds: hardtanh's gradient is 0 AT min and max (PyTorch's hardtanh_backward), unlike clamp's, and 0 at NaN.
// Both rules are linear in g with a mask fixed by x: under createGraph they are recorded as ops of (g, x)
// whose derivative is the same rule for g and zeros for x, as PyTorch's LeakyReluBackwardBackward0 and
// HardtanhBackwardBackward0 (so the gradient requires grad whenever x does, even for a constant g).
// leaky_relu's dX is a product (slope·dY: NaN stays NaN even for slope 0), hardtanh's a select.
public static partial class F
{
    /// <summary>F.leaky_relu(x, negative_slope).</summary>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01)
    {
        var y = Pointwise.Map(x, new LeakyOp(negativeSlope));
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "LeakyReluBackward0", [x], g => [LeakyReluBackward(g, x, negativeSlope)], saved: [x], differentiable: true);
    }

    /// <summary>F.hardtanh(x, min_val, max_val): clamp to [min, max] with a gradient of 0 at the bounds.</summary>
    public static Tensor Hardtanh(Tensor x, double minVal = -1, double maxVal = 1)
    {
        // functional.py's check (libtorch itself would clamp everything to max_val).
        if (minVal > maxVal) throw new ArgumentException($"hardtanh: min_val cannot be greater than max_val (min_val={minVal}, max_val={maxVal})", nameof(minVal));
        var y = Clamp(x.Detach(), minVal, maxVal);
        if (!Node.NeedsGrad([x])) return y;
        return Node.Record(y, "HardtanhBackward0", [x], g => [KeepWhere(g, HardtanhMask(x, minVal, maxVal), "HardtanhBackwardBackward0", maskOf: x)], saved: [x], differentiable: true);
    }

    /// <summary>leaky_relu_backward(g, x), recorded when g or x requires grad (only under createGraph).</summary>
    private static Tensor LeakyReluBackward(Tensor g, Tensor x, double slope)
    {
        var r = Pointwise.Map(g, x, new LeakyGrad(slope));
        if (!Node.NeedsGrad([g, x])) return r;
        return Node.Record(r, "LeakyReluBackwardBackward0", [g, x], d => [LeakyReluBackward(d, x, slope), Tensor.ZerosLike(x)], saved: [x], differentiable: true);
    }

    /// <summary>
    /// Where the gradient passes: min &lt; x &lt; max; not at NaN, as libtorch's vectorised hardtanh_backward
    /// ((x &gt; min) &amp; (x &lt; max) &amp; g) gives (its scalar tail loop would pass g; the oracle sees the vector form).
    /// </summary>
    private static bool[] HardtanhMask(Tensor x, double lo, double hi)
    {
        if (x.DType == DType.Float32) (lo, hi) = ((float)lo, (float)hi);   // the bounds the float32 kernel compares with
        var keep = new bool[x.Numel];
        for (int i = 0; i < keep.Length; i++) { double v = x.GetDouble(i); keep[i] = v > lo && v < hi; }
        return keep;
    }

    private readonly struct LeakyOp(double slope) : IPointwise
    {
        public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * T.CreateTruncating(slope);
    }

    private readonly struct LeakyGrad(double slope) : IPointwise2
    {
        public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? g : g * T.CreateTruncating(slope);
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the LeakyReluHardtanh ops in <see cref="F"/>.</summary>
public static class TensorLeakyReluHardtanhExtensions
{
    extension(Tensor x)
    {
        /// <summary>F.leaky_relu(x, negative_slope).</summary>
        public Tensor LeakyRelu(double negativeSlope = 0.01) => F.LeakyRelu(x, negativeSlope);

        /// <summary>F.hardtanh(x, min_val, max_val).</summary>
        public Tensor Hardtanh(double minVal = -1, double maxVal = 1) => F.Hardtanh(x, minVal, maxVal);
    }
}
