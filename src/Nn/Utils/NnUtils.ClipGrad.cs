using System.Numerics;

namespace Autograd.Nn;

/// <summary>torch.nn.utils: gradient clipping (and other training helpers).</summary>
public static partial class NnUtils
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their total
    /// <paramref name="normType"/>-norm is at most <paramref name="maxNorm"/>
    /// (torch.nn.utils.clip_grad_norm_), and returns the total norm before clipping as a 0-dim tensor.
    /// </summary>
    /// <remarks>
    /// As PyTorch: the total norm is the norm of the per-gradient norms (each in its gradient's dtype;
    /// inf = max |g|, −inf = min |g|, 0 = count of nonzeros); every gradient is multiplied by
    /// clamp(max_norm / (total + 1e-6), max: 1) — computed as reciprocal(total + 1e-6)·max_norm like
    /// Python's <c>float / tensor</c> — so gradients already within the bound are multiplied by 1.
    /// Parameters without a gradient are skipped; with none, the result is tensor(0.).
    /// </remarks>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = parameters.Select(p => p?.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return Tensor.Scalar(0.0, DType.Float32);
        foreach (var g in grads)
            if (g.DType is not (DType.Float32 or DType.Float64))
                throw new ArgumentException($"clip_grad_norm_: gradients must be float32 or float64, got {g.DType}", nameof(parameters));
        var dtype = grads.Any(g => g.DType == DType.Float64) ? DType.Float64 : DType.Float32;
        var norms = grads.Select(g => g.DType == DType.Float32 ? (double)(float)VectorNorm(g.Span<float>(), normType) : VectorNorm(g.Span<double>(), normType)).ToArray();
        double total = Round(VectorNorm<double>(norms, normType), dtype);
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new InvalidOperationException($"The total norm of order {normType} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`");
        double coef = Round(Round(1.0 / Round(total + 1e-6, dtype), dtype) * maxNorm, dtype);
        if (coef > 1.0) coef = 1.0;   // clamp(max=1); NaN stays NaN, as torch.clamp
        using (Grad.NoGrad())
            foreach (var g in grads)
            {
                if (g.DType == DType.Float32) { var s = g.Span<float>(); float c = (float)coef; for (int i = 0; i < s.Length; i++) s[i] *= c; }
                else { var s = g.Span<double>(); for (int i = 0; i < s.Length; i++) s[i] *= coef; }
                g.BumpVersion();
            }
        return Tensor.Scalar(total, dtype);
    }

    /// <summary>clip_grad_norm_ over module parameters.</summary>
    public static Tensor ClipGradNorm_(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
        => ClipGradNorm_((parameters ?? throw new ArgumentNullException(nameof(parameters))).Select(p => p.Data), maxNorm, normType, errorIfNonfinite);

    /// <summary>clip_grad_norm_ of a single tensor's gradient.</summary>
    public static Tensor ClipGradNorm_(Tensor parameter, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
        => ClipGradNorm_([parameter ?? throw new ArgumentNullException(nameof(parameter))], maxNorm, normType, errorIfNonfinite);

    /// <summary>
    /// Clamps every gradient of <paramref name="parameters"/> in place to [−clipValue, clipValue]
    /// (torch.nn.utils.clip_grad_value_): min(max(g, −c), c), so a negative clipValue, as in PyTorch's
    /// clamp with min &gt; max, sets every element to clipValue.
    /// </summary>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var g in parameters.Select(p => p?.Grad).OfType<Tensor>())
        {
            if (g.DType == DType.Float32) Clamp(g.Span<float>(), clipValue);
            else if (g.DType == DType.Float64) Clamp(g.Span<double>(), clipValue);
            else throw new ArgumentException($"clip_grad_value_: gradients must be float32 or float64, got {g.DType}", nameof(parameters));
            g.BumpVersion();
        }
    }

    /// <summary>Clamps every gradient element into [-<paramref name="clipValue"/>, <paramref name="clipValue"/>] in place (<c>torch.nn.utils.clip_grad_value_</c>).</summary>
    public static void ClipGradValue_(IEnumerable<Parameter> parameters, double clipValue)
        => ClipGradValue_((parameters ?? throw new ArgumentNullException(nameof(parameters))).Select(p => p.Data), clipValue);

    /// <summary>Clamps the gradient of one tensor into [-<paramref name="clipValue"/>, <paramref name="clipValue"/>] in place (<c>torch.nn.utils.clip_grad_value_</c>).</summary>
    public static void ClipGradValue_(Tensor parameter, double clipValue)
        => ClipGradValue_([parameter ?? throw new ArgumentNullException(nameof(parameter))], clipValue);

    private static void Clamp<T>(Span<T> s, double clip) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lo = T.CreateChecked(-clip), hi = T.CreateChecked(clip);
        for (int i = 0; i < s.Length; i++) s[i] = T.Min(T.Max(s[i], lo), hi);
    }

    private static double Round(double v, DType dtype) => dtype == DType.Float32 ? (float)v : v;

    /// <summary>torch.linalg.vector_norm(x, ord) accumulated in double.</summary>
    internal static double VectorNorm<T>(ReadOnlySpan<T> x, double ord) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (double.IsPositiveInfinity(ord))
        {
            double m = 0;
            foreach (var v in x) { double a = Math.Abs(double.CreateChecked(v)); if (a > m || double.IsNaN(a)) m = a; if (double.IsNaN(m)) break; }
            return m;
        }
        if (double.IsNegativeInfinity(ord))
        {
            double m = double.PositiveInfinity;
            foreach (var v in x) { double a = Math.Abs(double.CreateChecked(v)); if (a < m || double.IsNaN(a)) m = a; if (double.IsNaN(m)) break; }
            return m;
        }
        if (ord == 0)
        {
            double n = 0;
            foreach (var v in x) if (v != T.Zero) n++;
            return n;
        }
        double sum = 0;
        if (ord == 2) { foreach (var v in x) { double d = double.CreateChecked(v); sum += d * d; } return Math.Sqrt(sum); }
        if (ord == 1) { foreach (var v in x) sum += Math.Abs(double.CreateChecked(v)); return sum; }
        foreach (var v in x) sum += Math.Pow(Math.Abs(double.CreateChecked(v)), ord);
        return Math.Pow(sum, 1 / ord);
    }
}
