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

/// <summary>
/// Loss reduction (PyTorch's reduction='mean' | 'sum' | 'none', and 'batchmean' which only kl_div takes:
/// every other loss rejects it as PyTorch does). Each loss also has an overload taking PyTorch's string.
/// </summary>
public enum Reduction
{
    /// <summary>The mean of the elementwise losses (the default, <c>reduction="mean"</c>).</summary>
    Mean,
    /// <summary>The sum of the elementwise losses (<c>reduction="sum"</c>).</summary>
    Sum,
    /// <summary>No reduction: the elementwise losses (<c>reduction="none"</c>).</summary>
    None,
    /// <summary>kl_div only: the sum divided by the batch size (input.size(0)).</summary>
    BatchMean,
}

/// <summary>
/// A conv2d call's options as given (not resolved into per-side padding), so the double-backward ops
/// can call F.Conv2d again with the same geometry on tensors of the original shapes.
/// </summary>
/// <see cref="Fixed"/>, when set, is a geometry that F.Conv2d's arguments cannot express (the asymmetric
/// padding of a transposed convolution with output_padding, Note [conv_transpose2d as an input gradient]):
/// the forward convolution then runs on it directly.
internal readonly record struct ConvOptions(Pair Stride, Padding Padding, Pair Dilation, int Groups, ConvGeometry? Fixed = null)
{
    /// <summary>F.Conv2d(input, weight) without bias, with these options.</summary>
    internal Tensor Conv(Tensor input, Tensor weight) => Fixed is { } geo
        ? F.ConvWithGeometry(input, weight, geo, this)
        : F.Conv2d(input, weight, null, Stride, Padding, Dilation, Groups);
}
