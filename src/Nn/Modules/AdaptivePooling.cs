namespace Autograd.Nn;

/// <summary>2-d adaptive average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d); 1 gives global average pooling.</summary>
public sealed class AdaptiveAvgPool2d(Pair outputSize) : Module
{
    /// <summary>The output height × width (<c>output_size</c>).</summary>
    public Pair OutputSize { get; } = outputSize.H > 0 && outputSize.W > 0 ? outputSize
        : throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, $"AdaptiveAvgPool2d: output_size must be positive, got {outputSize}");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, OutputSize);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"output_size={MaxPool2d.Repr(OutputSize)}";
}

/// <summary>2-d adaptive max pooling to a fixed output size (torch.nn.AdaptiveMaxPool2d, return_indices=False).</summary>
public sealed class AdaptiveMaxPool2d(Pair outputSize) : Module
{
    /// <summary>The output height × width (<c>output_size</c>).</summary>
    public Pair OutputSize { get; } = outputSize.H > 0 && outputSize.W > 0 ? outputSize
        : throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, $"AdaptiveMaxPool2d: output_size must be positive, got {outputSize}");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool2d(input, OutputSize);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"output_size={MaxPool2d.Repr(OutputSize)}";
}
