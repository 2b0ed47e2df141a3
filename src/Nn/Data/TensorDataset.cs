namespace Autograd.Nn.Data;

/// <summary>The (channels, height, width) of one image.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Floats per image.</summary>
    public int Size => Channels * Height * Width;

    /// <inheritdoc/>
    public override string ToString() => $"[{Channels}, {Height}, {Width}]";
}

/// <summary>
/// Labelled images held in memory (torch.utils.data.TensorDataset(images, labels) for image data): the
/// pixels as one float array, image after image in CHW order, and one int64 label per image. A
/// <see cref="DataLoader"/> batches it.
/// </summary>
public sealed class TensorDataset
{
    private readonly float[] _images;
    private readonly long[] _labels;

    /// <summary>
    /// Wraps <paramref name="images"/> (N·C·H·W floats, not copied) and <paramref name="labels"/> (N, not copied).
    /// </summary>
    public TensorDataset(float[] images, long[] labels, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (shape.Channels <= 0 || shape.Height <= 0 || shape.Width <= 0)
            throw new ArgumentOutOfRangeException(nameof(shape), shape, $"TensorDataset: image shape must be positive, got {shape}");
        if ((long)labels.Length * shape.Size != images.Length)
            throw new ArgumentException($"TensorDataset: Size mismatch between tensors: {images.Length} floats are not {labels.Length} images of shape {shape}", nameof(images));
        (_images, _labels, Shape) = (images, labels, shape);
    }

    /// <summary>
    /// From tensors as PyTorch's TensorDataset(images, labels): a float32 (or float64, converted) (N, C, H, W)
    /// tensor and an integer (N) tensor, copied.
    /// </summary>
    public TensorDataset(Tensor images, Tensor labels)
        : this(CheckImages(images, labels).ToFloatArray(), labels.ToArray<long>(), new ImageShape(images.Size(1), images.Size(2), images.Size(3))) { }

    /// <summary>The Fashion-MNIST images (1×28×28, already scaled and normalised as loaded) and labels.</summary>
    public static TensorDataset From(FashionMnist data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labels = new long[data.Count];
        var src = data.Labels;
        for (int i = 0; i < labels.Length; i++) labels[i] = src[i];
        return new TensorDataset(data.Pixels.ToArray(), labels, new ImageShape(1, FashionMnist.Height, FashionMnist.Width));
    }

    /// <summary>Number of images (len(dataset)).</summary>
    public int Count => _labels.Length;

    /// <summary>The shape of one image (channels, height, width).</summary>
    public ImageShape Shape { get; }

    /// <summary>The pixels of image <paramref name="index"/> (CHW).</summary>
    public ReadOnlySpan<float> Image(int index) => _images.AsSpan(CheckIndex(index) * Shape.Size, Shape.Size);

    /// <summary>The label of image <paramref name="index"/>.</summary>
    public long Label(int index) => _labels[CheckIndex(index)];

    private int CheckIndex(int index) => (uint)index < (uint)Count ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"TensorDataset: index {index} is out of range for {Count} images");

    private static Tensor CheckImages(Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Rank != 4 || !images.DType.IsFloatingPoint())
            throw new ArgumentException($"TensorDataset: images must be a floating point (N, C, H, W) tensor, got {images.DType.TorchName()} of shape {ShapeUtil.Format(images.Shape)}", nameof(images));
        if (labels.Rank != 1 || labels.DType.IsFloatingPoint() || labels.DType == DType.Bool)
            throw new ArgumentException($"TensorDataset: labels must be an integer (N) tensor, got {labels.DType.TorchName()} of shape {ShapeUtil.Format(labels.Shape)}", nameof(labels));
        if (images.Size(0) != labels.Size(0))
            throw new ArgumentException($"TensorDataset: Size mismatch between tensors: {images.Size(0)} images and {labels.Size(0)} labels", nameof(labels));
        return images;
    }
}
