namespace Autograd;

// lp_pool2d, composed exactly as torch.nn.functional.lp_pool2d (1.13) composes it, so values, NaNs and
// gradients follow PyTorch's:
//   out = avg_pool2d(x^p, kernel, stride, padding=0, ceil_mode)            (count_include_pad: true)
//   y   = (sign(out) · relu(|out|) · (kW·kH))^(1/p)
// Every step is a recorded op (PowBackward0, AvgPool2DBackward0, AbsBackward0, ReluBackward0,
// MulBackward0), so the backward is theirs; sign(out) enters as a constant (its derivative is zero).
// Note that in ceil mode a clipped window's mean is still multiplied by kW·kH, as PyTorch does: it is
// a sum only for full windows.
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.lp_pool2d: the p-norm (Σ x^p)^(1/p) of each kernelSize window of each plane of
    /// a 4-d or 3-d input; p = 1 is sum pooling (of signed values), large p approaches max pooling.
    /// stride defaults to kernelSize; there is no padding. Like PyTorch it raises the values themselves to
    /// p, so negative inputs with a fractional p give NaN.
    /// </summary>
    public static Tensor LpPool2d(Tensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false)
    {
        // Validate up front under lp_pool2d's name (PyTorch reports avg_pool2d's checks; 1/0 is its ZeroDivisionError).
        PoolGeometry.Fixed("lp_pool2d", input, kernelSize, stride, 0, 1, ceilMode);
        if (normType == 0 || double.IsNaN(normType))
            throw new ArgumentOutOfRangeException(nameof(normType), $"lp_pool2d: norm_type must be a non-zero number (PyTorch divides by it), got {normType}");

        var mean = AvgPool2d(Pow(input, normType), kernelSize, stride ?? kernelSize, 0, ceilMode);
        var sign = SignOf(mean);
        // kW·kH is a Python int in PyTorch: exact, never an int32 product (46341² overflows int).
        return Pow(Mul(Mul(sign, Relu(Abs(mean))), (double)kernelSize.H * kernelSize.W), 1.0 / normType);
    }

    /// <summary>
    /// torch.sign as a constant (no graph): −1, 0 or 1, and 0 for NaN, as libtorch 1.13's CPU kernel gives
    /// (so a NaN window's output is still 0 · NaN = NaN, but it sends no gradient back: found by an
    /// AUTOGRAD_SWEEP run of the oracle, Note [Opt-in sweeps]).
    /// </summary>
    private static Tensor SignOf(Tensor t)
    {
        var s = Tensor.Empty(t.DType, t.Dims);
        for (int i = 0; i < s.Numel; i++)
        {
            double v = t.GetDouble(i);
            s.SetDouble(i, double.IsNaN(v) ? 0 : Math.Sign(v));
        }
        return s;
    }
}
