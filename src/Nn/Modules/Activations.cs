using System.Globalization;

namespace Autograd.Nn;

// The activation modules of torch.nn (ReLU, and those of issue 14): each holds its options and calls the
// function; the repr is PyTorch's (GELU(approximate='none'), LeakyReLU(negative_slope=0.01), ...).

/// <summary>max(x, 0) elementwise (torch.nn.ReLU); with <paramref name="inplace"/> the input is overwritten (a version-counted write).</summary>
public sealed class ReLU(bool inplace = false) : Module
{
    /// <summary>Whether the operation overwrites its input (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Relu(input, Inplace);

    /// <inheritdoc/>
    protected override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary>torch.nn.GELU: <see cref="F.Gelu"/> with approximate "none" or "tanh" (checked when built, as PyTorch checks on the first call).</summary>
public sealed class GELU : Module
{
    /// <summary>The approximation: "none" (exact, with erf) or "tanh" (<c>approximate</c>).</summary>
    public string Approximate { get; }

    /// <summary><c>nn.GELU(approximate)</c>: <paramref name="approximate"/> is "none" (exact, with erf) or "tanh".</summary>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate argument must be either none or tanh. (got '{approximate}')", nameof(approximate));
        Approximate = approximate;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Gelu(input, Approximate);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>torch.nn.LeakyReLU.</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    /// <summary>The slope for negative inputs (<c>negative_slope</c>).</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"negative_slope={ActivationRepr.Float(NegativeSlope)}";
}

/// <summary>torch.nn.ELU.</summary>
public sealed class ELU(double alpha = 1) : Module
{
    /// <summary>The alpha of ELU for negative inputs: alpha·(exp(x) - 1) (<c>alpha</c>).</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Elu(input, Alpha);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"alpha={ActivationRepr.Float(Alpha)}";
}

/// <summary>torch.nn.SiLU (swish).</summary>
public sealed class SiLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Silu(input);
}

/// <summary>torch.nn.Hardtanh: clamp to [minVal, maxVal]; minVal &gt; maxVal is rejected (PyTorch asserts it).</summary>
public sealed class Hardtanh : Module
{
    /// <summary>The lower bound (<c>min_val</c>).</summary>
    public double MinVal { get; }
    /// <summary>The upper bound (<c>max_val</c>).</summary>
    public double MaxVal { get; }

    /// <summary><c>nn.Hardtanh(min_val, max_val)</c>: clamps to [<paramref name="minVal"/>, <paramref name="maxVal"/>].</summary>
    public Hardtanh(double minVal = -1, double maxVal = 1)
    {
        if (minVal > maxVal) throw new ArgumentException($"Hardtanh: min_val cannot be greater than max_val (min_val={minVal}, max_val={maxVal})", nameof(minVal));
        (MinVal, MaxVal) = (minVal, maxVal);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardtanh(input, MinVal, MaxVal);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"min_val={ActivationRepr.Float(MinVal)}, max_val={ActivationRepr.Float(MaxVal)}";
}

/// <summary>torch.nn.Softplus.</summary>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module
{
    /// <summary>The beta of softplus: log(1 + exp(beta·x)) / beta (<c>beta</c>).</summary>
    public double Beta { get; } = beta;
    /// <summary>Above this value of beta·x, softplus is linear (<c>threshold</c>).</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softplus(input, Beta, Threshold);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"beta={ActivationRepr.Float(Beta)}, threshold={ActivationRepr.Float(Threshold)}";
}

/// <summary>torch.nn.LogSigmoid.</summary>
public sealed class LogSigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LogSigmoid(input);
}

internal static class ActivationRepr
{
    /// <summary>Python's repr of a float: 1.0, 0.01, 1e-05.</summary>
    internal static string Float(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var s = v.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return s.Contains('.') || s.Contains('e') ? s : s + ".0";
    }
}

/// <summary>torch.nn.Tanh.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Tanh(input);
}

/// <summary>torch.nn.Sigmoid.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Sigmoid(input);
}

/// <summary>
/// torch.nn.Softmax over <paramref name="dim"/>.
/// </summary>
/// <remarks>
/// Note [Implicit softmax dim]: with dim null PyTorch's deprecated rule applies (dim 0 for 0-, 1- and 3-d
/// input, else 1; PyTorch also warns), kept for ports of old code.
/// </remarks>
public sealed class Softmax(int? dim = null) : Module
{
    /// <summary>The dimension along which the function is applied, or null for PyTorch's implicit choice (<c>dim</c>).</summary>
    public int? Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softmax(input, Dim ?? ImplicitDim.Of(input, "Softmax"));

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={(Dim?.ToString(CultureInfo.InvariantCulture) ?? "None")}";
}

/// <summary>torch.nn.LogSoftmax over <paramref name="dim"/> (null: the implicit rule of <see cref="Softmax"/>).</summary>
public sealed class LogSoftmax(int? dim = null) : Module
{
    /// <summary>The dimension along which the function is applied, or null for PyTorch's implicit choice (<c>dim</c>).</summary>
    public int? Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Dim ?? ImplicitDim.Of(input, "LogSoftmax"));

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={(Dim?.ToString(CultureInfo.InvariantCulture) ?? "None")}";
}

internal static class ImplicitDim
{
    /// <summary>PyTorch's _get_softmax_dim, with its deprecation warning.</summary>
    internal static int Of(Tensor input, string module)
    {
        Warnings.Raise($"{module}: Implicit dimension choice for {module.ToLowerInvariant().Replace("logsoftmax", "log_softmax")} has been deprecated. Change the call to include dim=X as an argument.");
        return input.Rank is 0 or 1 or 3 ? 0 : 1;
    }
}
