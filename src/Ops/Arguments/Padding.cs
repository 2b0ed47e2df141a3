namespace Autograd;

/// <summary>conv2d padding: an int, an (H, W) pair, or the strings "same" / "valid".</summary>
public readonly record struct Padding
{
    private Padding(Pair size, string? mode) { Size = size; Mode = mode; }

    /// <summary>Explicit symmetric padding; meaningless when <see cref="Mode"/> is set.</summary>
    public Pair Size { get; }

    /// <summary>"same", "valid", or null for explicit sizes.</summary>
    public string? Mode { get; }

    /// <summary>The same padding on every side.</summary>
    public static implicit operator Padding(int v) => new(v, null);
    /// <summary>Padding (height, width): top/bottom and left/right.</summary>
    public static implicit operator Padding((int H, int W) v) => new(v, null);
    /// <summary>Padding (height, width) from a <see cref="Pair"/>.</summary>
    public static implicit operator Padding(Pair v) => new(v, null);
    /// <summary>PyTorch's string padding: "same" (output size = input size at stride 1) or "valid" (no padding).</summary>
    public static implicit operator Padding(string mode) => new(default, mode);
    /// <inheritdoc/>
    public override string ToString() => Mode is null ? Size.ToString() : $"'{Mode}'";
}
