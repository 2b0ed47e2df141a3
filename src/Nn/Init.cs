namespace Autograd.Nn;

/// <summary>
/// Parameter initialisers (torch.nn.init). They fill a tensor in place, outside the graph, from a
/// <see cref="Generator"/> (the default one when none is given) and return it.
/// </summary>
public static class Init
{
    /// <summary>Fills with U(low, high) (nn.init.uniform_).</summary>
    public static Tensor Uniform_(Tensor tensor, double low = 0, double high = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(low <= high))
            throw new ArgumentException($"uniform_: expects low <= high, but got low={low} and high={high}", nameof(low));
        var g = generator ?? Generator.Default;
        if (tensor.DType == DType.Float32) g.FillUniform<float>(tensor.Span<float>(), low, high);   // one lock per tensor (Note [Generator threads])
        else g.FillUniform<double>(tensor.Span<double>(), low, high);
        tensor.BumpVersion();
        return tensor;
    }

    /// <summary>
    /// Kaiming (He) uniform fill (nn.init.kaiming_uniform_): U(−b, b) with
    /// b = gain·√3 / √fan, gain = <see cref="CalculateGain"/>(nonlinearity, a).
    /// </summary>
    /// <remarks>
    /// PyTorch's Linear and Conv2d call this with a = √5, which makes gain = √(1/3) and b = 1/√fan_in:
    /// the "default initialisation" everyone relies on.
    /// </remarks>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        int fan = mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"kaiming_uniform_: Mode {mode} not supported, please use one of fan_in, fan_out", nameof(mode)),
        };
        if (fan == 0) return tensor; // PyTorch warns "Initializing zero-element tensors is a no-op"
        double gain = CalculateGain(nonlinearity, a);
        double std = gain / Math.Sqrt(fan);
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>
    /// fan_in = size(1)·receptive field, fan_out = size(0)·receptive field, where the receptive field is
    /// the product of the dims after the first two (nn.init._calculate_fan_in_and_fan_out).
    /// </summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape {ShapeUtil.Format(tensor.Shape)})", nameof(tensor));
        int receptive = 1;
        for (int d = 2; d < tensor.Rank; d++) receptive *= tensor.Shape[d];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    /// <summary>The recommended gain for a nonlinearity (nn.init.calculate_gain).</summary>
    public static double CalculateGain(string nonlinearity, double? param = null) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid" => 1.0,
        "tanh" => 5.0 / 3,
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        "selu" => 3.0 / 4,
        _ => throw new ArgumentException($"calculate_gain: Unsupported nonlinearity {nonlinearity}", nameof(nonlinearity)),
    };

    /// <summary>Fills with N(mean, std²) (nn.init.normal_).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckFloat(tensor, "normal_");
        if (!(std >= 0)) throw new ArgumentException($"normal_ expects std >= 0.0, but found std {std}", nameof(std));
        var g = generator ?? Generator.Default;
        if (tensor.DType == DType.Float32) g.FillNormal<float>(tensor.Span<float>(), mean, std);
        else g.FillNormal<double>(tensor.Span<double>(), mean, std);
        tensor.BumpVersion();
        return tensor;
    }

    /// <summary>Fills with <paramref name="val"/> (nn.init.constant_).</summary>
    public static Tensor Constant_(Tensor tensor, double val)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckFloat(tensor, "constant_");
        if (tensor.DType == DType.Float32) tensor.Span<float>().Fill((float)val);
        else tensor.Span<double>().Fill(val);
        tensor.BumpVersion();
        return tensor;
    }

    /// <summary>Fills with 0 (nn.init.zeros_).</summary>
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    /// <summary>Fills with 1 (nn.init.ones_).</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>
    /// Glorot uniform fill (nn.init.xavier_uniform_): U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).
    /// </summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>Glorot normal fill (nn.init.xavier_normal_): N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>Kaiming (He) normal fill (nn.init.kaiming_normal_): N(0, std²) with std = gain / √fan.</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int fan = Fan(tensor, mode, "kaiming_normal_");
        if (fan == 0) return tensor; // PyTorch warns "Initializing zero-element tensors is a no-op"
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>
    /// Truncated normal fill (nn.init.trunc_normal_): N(mean, std²) restricted to [a, b], drawn as PyTorch
    /// does by the inverse CDF of a uniform draw between Φ(α) and Φ(β), then clamped to [a, b].
    /// </summary>
    public static Tensor TruncNormal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckFloat(tensor, "trunc_normal_");
        static double Cdf(double x) => (1 + ErfMath.Erf(x / Math.Sqrt(2))) / 2;
        double l = Cdf((a - mean) / std), u = Cdf((b - mean) / std);
        var g = generator ?? Generator.Default;
        var buf = new double[tensor.Numel];
        g.FillUniform<double>(buf, 2 * l - 1, 2 * u - 1);
        for (int i = 0; i < buf.Length; i++)
            buf[i] = Math.Clamp(ErfInv(buf[i]) * (std * Math.Sqrt(2)) + mean, a, b);
        for (int i = 0; i < buf.Length; i++) tensor.SetDouble(i, buf[i]);
        tensor.BumpVersion();
        return tensor;
    }

    /// <summary>
    /// Orthogonal fill (nn.init.orthogonal_): Q of the QR decomposition of a (rows × numel/rows) standard
    /// normal matrix (transposed when rows &lt; cols), with Q's columns multiplied by sign(diag R) so the
    /// result is uniformly distributed, times <paramref name="gain"/>. The rows (or columns, whichever are
    /// fewer) are orthonormal: W·Wᵀ = gain²·I when rows ≤ cols.
    /// </summary>
    public static Tensor Orthogonal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2) throw new ArgumentException("orthogonal_: Only tensors with 2 or more dimensions are supported", nameof(tensor));
        CheckFloat(tensor, "orthogonal_");
        if (tensor.Numel == 0) return tensor;
        int rows = tensor.Shape[0], cols = tensor.Numel / rows;
        var flat = new double[rows * cols];
        (generator ?? Generator.Default).FillNormal<double>(flat);
        // A is m × n with m ≥ n: flat itself, or its transpose when rows < cols.
        bool transpose = rows < cols;
        int m = transpose ? cols : rows, n = transpose ? rows : cols;
        var A = new double[m, n];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (transpose) A[c, r] = flat[r * cols + c]; else A[r, c] = flat[r * cols + c];
        var q = ThinQ(A, m, n);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                tensor.SetDouble(r * cols + c, gain * (transpose ? q[c, r] : q[r, c]));
        tensor.BumpVersion();
        return tensor;
    }

    /// <summary>Fills a 2-D tensor with the identity (nn.init.eye_).</summary>
    public static Tensor Eye_(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank != 2) throw new ArgumentException("eye_: Only tensors with 2 dimensions are supported", nameof(tensor));
        Zeros_(tensor);
        int rows = tensor.Shape[0], cols = tensor.Shape[1];
        for (int i = 0; i < Math.Min(rows, cols); i++) tensor.SetDouble(i * cols + i, 1);
        return tensor;
    }

    /// <summary>
    /// Fills a 3-, 4- or 5-D convolution weight with the Dirac delta (nn.init.dirac_): each output channel
    /// of each group passes its input channel through unchanged.
    /// </summary>
    public static Tensor Dirac_(Tensor tensor, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank is not (3 or 4 or 5)) throw new ArgumentException("dirac_: Only tensors with 3, 4, or 5 dimensions are supported", nameof(tensor));
        if (groups <= 0 || tensor.Shape[0] % groups != 0) throw new ArgumentException("dirac_: dim 0 must be divisible by groups", nameof(groups));
        int outPerGroup = tensor.Shape[0] / groups, minDim = Math.Min(outPerGroup, tensor.Shape[1]);
        Zeros_(tensor);
        var shape = tensor.Shape.AsSpan().ToArray();
        var strides = new int[shape.Length];
        strides[^1] = 1;
        for (int d = shape.Length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
        int centre = 0;
        for (int d = 2; d < shape.Length; d++) centre += shape[d] / 2 * strides[d];
        for (int g = 0; g < groups; g++)
            for (int d = 0; d < minDim; d++)
                tensor.SetDouble((g * outPerGroup + d) * strides[0] + d * strides[1] + centre, 1);
        return tensor;
    }

    private static int Fan(Tensor tensor, string mode, string op)
    {
        if (mode is not ("fan_in" or "fan_out"))
            throw new ArgumentException($"{op}: Mode {mode} not supported, please use one of fan_in, fan_out", nameof(mode));
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return mode == "fan_in" ? fanIn : fanOut;
    }

    private static void CheckFloat(Tensor tensor, string op)
    {
        if (tensor.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"{op}: expected a float32 or float64 tensor, got {tensor.DType}", nameof(tensor));
    }

    /// <summary>
    /// Q (m × n, m ≥ n) of A = QR by Householder reflections in double, with R's diagonal made
    /// non-negative (columns of Q times sign(R_jj)), which is what orthogonal_'s d.sign() correction does
    /// to LAPACK's Q.
    /// </summary>
    private static double[,] ThinQ(double[,] a, int m, int n)
    {
        var vs = new double[n][];
        var rdiag = new double[n];
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i, k] * a[i, k];
            norm = Math.Sqrt(norm);
            double alpha = a[k, k] > 0 ? -norm : norm;   // R_kk = alpha; the sign avoids cancellation
            var v = new double[m - k];
            for (int i = k; i < m; i++) v[i - k] = a[i, k];
            v[0] -= alpha;
            double vn = 0;
            foreach (var x in v) vn += x * x;
            if (vn > 0)
                for (int j = k; j < n; j++)
                {
                    double dot = 0;
                    for (int i = k; i < m; i++) dot += v[i - k] * a[i, j];
                    double f = 2 * dot / vn;
                    for (int i = k; i < m; i++) a[i, j] -= f * v[i - k];
                }
            vs[k] = v;
            rdiag[k] = vn > 0 ? alpha : a[k, k];
        }
        // Q = H_0 ⋯ H_{n−1} applied to the first n columns of I.
        var q = new double[m, n];
        for (int j = 0; j < n; j++) q[j, j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            double vn = 0;
            foreach (var x in v) vn += x * x;
            if (vn == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * q[i, j];
                double f = 2 * dot / vn;
                for (int i = k; i < m; i++) q[i, j] -= f * v[i - k];
            }
        }
        for (int j = 0; j < n; j++)
            if (rdiag[j] < 0)
                for (int i = 0; i < m; i++) q[i, j] = -q[i, j];
        return q;
    }

    /// <summary>erfinv by Newton's method on erf from a logistic-style start (|x| &lt; 1; ±1 → ±inf).</summary>
    internal static double ErfInv(double x)
    {
        if (!(Math.Abs(x) < 1)) return Math.Abs(x) == 1 ? Math.CopySign(double.PositiveInfinity, x) : double.NaN;
        // Giles' single-precision approximation as the start, then Newton steps in double.
        double w = -Math.Log((1 - x) * (1 + x)), p;
        if (w < 5)
        {
            w -= 2.5;
            p = 2.81022636e-08; p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
            p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w; p = 0.246640727 + p * w; p = 1.50140941 + p * w;
        }
        else
        {
            w = Math.Sqrt(w) - 3;
            p = -0.000200214257; p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
            p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w; p = 1.00167406 + p * w; p = 2.83297682 + p * w;
        }
        double y = p * x;
        for (int it = 0; it < 3; it++)
        {
            double err = ErfMath.Erf(y) - x;
            y -= err / (ErfMath.TwoOverSqrtPi * Math.Exp(-y * y));
        }
        return y;
    }
}
