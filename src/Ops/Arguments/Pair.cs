namespace Autograd;

/// <summary>An int or an (H, W) pair, as PyTorch's _pair: <c>stride: 2</c> or <c>stride: (2, 1)</c>.</summary>
public readonly record struct Pair(int H, int W)
{
    /// <summary>The same value for height and width (<c>kernel_size=3</c>).</summary>
    public static implicit operator Pair(int v) => new(v, v);
    /// <summary>Separate values for height and width (<c>kernel_size=(3, 5)</c>).</summary>
    public static implicit operator Pair((int H, int W) v) => new(v.H, v.W);
    /// <inheritdoc/>
    public override string ToString() => $"({H}, {W})";
}
