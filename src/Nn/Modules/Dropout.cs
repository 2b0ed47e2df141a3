namespace Autograd.Nn;

/// <summary>
/// Zeroes each element with probability <see cref="P"/> in training mode and scales the rest by
/// 1/(1 − p) (torch.nn.Dropout); in eval mode it returns its input itself. <see cref="Generator"/>
/// (not in PyTorch, which always draws from the global generator) makes a module's masks reproducible.
/// </summary>
public sealed class Dropout : Module
{
    /// <summary><c>nn.Dropout(p, inplace)</c>: in training, zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1-p).</summary>
    public Dropout(double p = 0.5, bool inplace = false)
    {
        CheckP(p);
        P = p;
        Inplace = inplace;
    }

    /// <summary>The probability of an element (or channel) being zeroed (<c>p</c>).</summary>
    public double P { get; }
    /// <summary>Whether the operation overwrites its input (<c>inplace</c>).</summary>
    public bool Inplace { get; }

    /// <summary>The generator masks are drawn from; null for <see cref="Autograd.Generator.Default"/>.</summary>
    public Generator? Generator { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, Inplace, Generator);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={PyFloat(P)}, inplace={(Inplace ? "True" : "False")}";

    /// <summary>_DropoutNd's check, at construction.</summary>
    internal static void CheckP(double p)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"dropout probability has to be between 0 and 1, but got {PyFloat(p)}");
    }

    /// <summary>A double as Python's repr prints it (2 → "2.0").</summary>
    internal static string PyFloat(double v)
    {
        var s = v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return double.IsFinite(v) && !s.Contains('.') && !s.Contains('E') ? s + ".0" : s;
    }
}

/// <summary>Channel-wise dropout of (N, C, L) or (C, L) input (torch.nn.Dropout1d); identity in eval mode.</summary>
public sealed class Dropout1d(double p = 0.5, bool inplace = false) : FeatureDropoutModule(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout1d(input, P, Training, Inplace, Generator);
}

/// <summary>
/// Zeroes whole channels with probability p in training mode (torch.nn.Dropout2d; see F.Dropout2d for the
/// 3-d case), scaling the rest by 1/(1 − p); identity in eval mode.
/// </summary>
public sealed class Dropout2d(double p = 0.5, bool inplace = false) : FeatureDropoutModule(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training, Inplace, Generator);
}

/// <summary>Channel-wise dropout of (N, C, D, H, W) or (C, D, H, W) input (torch.nn.Dropout3d); identity in eval mode.</summary>
public sealed class Dropout3d(double p = 0.5, bool inplace = false) : FeatureDropoutModule(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout3d(input, P, Training, Inplace, Generator);
}

/// <summary>What Dropout1d/2d/3d share (PyTorch's _DropoutNd): p, inplace, the check and the repr.</summary>
public abstract class FeatureDropoutModule : Module
{
    /// <summary>Shared set-up of the channel-wise dropouts: <paramref name="p"/> in [0, 1], <paramref name="inplace"/> as <c>inplace</c>.</summary>
    protected FeatureDropoutModule(double p, bool inplace)
    {
        Dropout.CheckP(p);
        P = p;
        Inplace = inplace;
    }

    /// <summary>The probability of an element (or channel) being zeroed (<c>p</c>).</summary>
    public double P { get; }
    /// <summary>Whether the operation overwrites its input (<c>inplace</c>).</summary>
    public bool Inplace { get; }

    /// <summary>The generator masks are drawn from; null for <see cref="Autograd.Generator.Default"/>.</summary>
    public Generator? Generator { get; set; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={Dropout.PyFloat(P)}, inplace={(Inplace ? "True" : "False")}";
}
