namespace Autograd.Nn.Data;

// Image transforms for a DataLoader (torchvision.transforms for float CHW tensors): each maps one image,
// a span of C·H·W floats, into another span, whole rows at a time (span copies, Reverse, fills), with no
// per-pixel virtual call. Random transforms draw from the Generator they are given, image by image in
// batch order, so a seeded loader repeats its epochs exactly.

/// <summary>An image-to-image transform (a torchvision transform on a CHW float image).</summary>
public abstract class Transform
{
    /// <summary>The shape of the result for an input of shape <paramref name="input"/>; throws if the input is unsuitable.</summary>
    public abstract ImageShape OutputShape(ImageShape input);

    /// <summary>Writes the transform of <paramref name="source"/> (shape <paramref name="shape"/>) into <paramref name="destination"/> (OutputShape(shape).Size floats).</summary>
    public abstract void Apply(ReadOnlySpan<float> source, ImageShape shape, Span<float> destination, Generator generator);

    /// <summary>Transforms one image into a new array (convenience for tests and one-off use).</summary>
    public float[] Apply(ReadOnlySpan<float> source, ImageShape shape, Generator? generator = null)
    {
        if (source.Length != shape.Size) throw new ArgumentException($"{GetType().Name}: expected {shape.Size} floats for an image of shape {shape}, got {source.Length}", nameof(source));
        var result = new float[OutputShape(shape).Size];
        Apply(source, shape, result, generator ?? Generator.Default);
        return result;
    }
}

/// <summary>Applies transforms in order (torchvision.transforms.Compose).</summary>
public sealed class Compose : Transform
{
    private readonly Transform[] _transforms;
    [ThreadStatic] private static float[]? _scratchA, _scratchB;

    /// <summary>Applies <paramref name="transforms"/> in order (<c>torchvision.transforms.Compose</c>).</summary>
    public Compose(params Transform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
            if (transforms[i] is null) throw new ArgumentException($"Compose: transform {i} is null", nameof(transforms));
        _transforms = (Transform[])transforms.Clone();
    }

    /// <summary>The transforms, in the order they are applied.</summary>
    public IReadOnlyList<Transform> Transforms => _transforms;

    /// <inheritdoc/>
    public override ImageShape OutputShape(ImageShape input)
    {
        foreach (var t in _transforms) input = t.OutputShape(input);
        return input;
    }

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<float> source, ImageShape shape, Span<float> destination, Generator generator)
    {
        if (_transforms.Length == 0) { source.CopyTo(destination); return; }
        // Intermediate images alternate between two scratch buffers; the last transform writes the destination.
        ReadOnlySpan<float> current = source;
        bool useA = true;
        for (int i = 0; i < _transforms.Length; i++)
        {
            var next = _transforms[i].OutputShape(shape);
            Span<float> target = i == _transforms.Length - 1 ? destination : Scratch(useA, next.Size);
            _transforms[i].Apply(current, shape, target, generator);
            current = target;
            shape = next;
            useA = !useA;
        }
    }

    private static Span<float> Scratch(bool a, int size)
    {
        ref var buffer = ref a ? ref _scratchA : ref _scratchB;
        if (buffer is null || buffer.Length < size) buffer = new float[size];
        return buffer.AsSpan(0, size);
    }

    /// <inheritdoc/>
    public override string ToString() => "Compose(\n" + string.Concat(_transforms.Select(t => "    " + t + "\n")) + ")";
}

/// <summary>(x − mean[c]) / std[c] per channel (torchvision.transforms.Normalize); one value applies to every channel.</summary>
public sealed class Normalize : Transform
{
    private readonly float[] _mean, _std;

    /// <summary>Per-channel <c>(x - mean[c]) / std[c]</c> (<c>transforms.Normalize(mean, std)</c>); one value per channel.</summary>
    public Normalize(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || std.Length == 0) throw new ArgumentException("Normalize: mean and std must be non-empty", nameof(mean));
        if (Array.Exists(std, s => s == 0))
            throw new ArgumentException($"Normalize: std evaluated to zero after conversion to float32, leading to division by zero.", nameof(std));
        (_mean, _std) = ((float[])mean.Clone(), (float[])std.Clone());
    }

    /// <summary>One mean and std for every channel.</summary>
    public Normalize(float mean, float std) : this([mean], [std]) { }

    /// <inheritdoc/>
    public override ImageShape OutputShape(ImageShape input)
    {
        if ((_mean.Length != 1 && _mean.Length != input.Channels) || (_std.Length != 1 && _std.Length != input.Channels))
            throw new ArgumentException($"Normalize: mean and std have {_mean.Length} and {_std.Length} values, expected 1 or {input.Channels} (the image's channels)");
        return input;
    }

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<float> source, ImageShape shape, Span<float> destination, Generator generator)
    {
        OutputShape(shape);
        int plane = shape.Height * shape.Width;
        for (int c = 0; c < shape.Channels; c++)
        {
            float m = _mean[_mean.Length == 1 ? 0 : c], inv = 1 / _std[_std.Length == 1 ? 0 : c];
            var src = source.Slice(c * plane, plane);
            var dst = destination.Slice(c * plane, plane);
            // (x − m)·(1/s) with TensorPrimitives, vectorised over the plane.
            System.Numerics.Tensors.TensorPrimitives.Subtract(src, m, dst);
            System.Numerics.Tensors.TensorPrimitives.Multiply(dst, inv, dst);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Normalize(mean=[{string.Join(", ", _mean)}], std=[{string.Join(", ", _std)}])";
}

/// <summary>
/// Pads the image by <see cref="Padding"/> on every side with <see cref="Fill"/>, then cuts a
/// <see cref="Size"/> window at a random position (torchvision.transforms.RandomCrop(size, padding, fill),
/// padding_mode "constant"): top uniform in 0..H+2p−h, left in 0..W+2p−w; no draw when the window is the
/// whole padded image, as torchvision's get_params.
/// </summary>
public sealed class RandomCrop : Transform
{
    /// <summary>A random <paramref name="size"/> crop after padding each side by <paramref name="padding"/> with <paramref name="fill"/> (<c>transforms.RandomCrop(size, padding, fill)</c>).</summary>
    public RandomCrop(Pair size, int padding = 0, float fill = 0)
    {
        if (size.H <= 0 || size.W <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, $"RandomCrop: size must be positive, got {size}");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"RandomCrop: padding must be non-negative, got {padding}");
        (Size, Padding, Fill) = (size, padding, fill);
    }

    /// <summary>The crop size, height × width (<c>size</c>).</summary>
    public Pair Size { get; }
    /// <summary>The zero padding added to each side (<c>padding</c>).</summary>
    public int Padding { get; }
    /// <summary>The value of the padded pixels (<c>fill</c>).</summary>
    public float Fill { get; }

    /// <inheritdoc/>
    public override ImageShape OutputShape(ImageShape input)
    {
        int h = input.Height + 2 * Padding, w = input.Width + 2 * Padding;
        if (Size.H > h || Size.W > w)
            throw new ArgumentException($"RandomCrop: Required crop size {Size} is larger than input image size ({h}, {w}) (after padding {Padding})");
        return new ImageShape(input.Channels, Size.H, Size.W);
    }

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<float> source, ImageShape shape, Span<float> destination, Generator generator)
    {
        OutputShape(shape);
        int ph = shape.Height + 2 * Padding, pw = shape.Width + 2 * Padding;
        int top = ph == Size.H && pw == Size.W ? 0 : generator.NextInt(ph - Size.H + 1);
        int left = ph == Size.H && pw == Size.W ? 0 : generator.NextInt(pw - Size.W + 1);
        Crop(source, shape, destination, top - Padding, left - Padding);
    }

    /// <summary>Copies the Size window whose top-left is (<paramref name="y0"/>, <paramref name="x0"/>) in unpadded coordinates; outside the image is Fill.</summary>
    internal void Crop(ReadOnlySpan<float> source, ImageShape shape, Span<float> destination, int y0, int x0)
    {
        int h = Size.H, w = Size.W, plane = shape.Height * shape.Width;
        // The columns of the window inside the image: [cx0, cx1) in window coordinates.
        int cx0 = Math.Clamp(-x0, 0, w), cx1 = Math.Clamp(shape.Width - x0, cx0, w);
        for (int c = 0; c < shape.Channels; c++)
        {
            var src = source.Slice(c * plane, plane);
            for (int y = 0; y < h; y++)
            {
                var row = destination.Slice((c * h + y) * w, w);
                int sy = y0 + y;
                if ((uint)sy >= (uint)shape.Height || cx0 == cx1) { row.Fill(Fill); continue; }
                row[..cx0].Fill(Fill);
                src.Slice(sy * shape.Width + x0 + cx0, cx1 - cx0).CopyTo(row[cx0..cx1]);
                row[cx1..].Fill(Fill);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomCrop(size={Size}, padding={Padding})";
}

/// <summary>Mirrors the image left–right with probability <see cref="P"/> (torchvision.transforms.RandomHorizontalFlip): one uniform draw per image, flipped when it is below p.</summary>
public sealed class RandomHorizontalFlip : Transform
{
    /// <summary>Flips the image left-right with probability <paramref name="p"/> (<c>transforms.RandomHorizontalFlip(p)</c>).</summary>
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"RandomHorizontalFlip: p must be a probability in [0, 1], got {p}");
        P = p;
    }

    /// <summary>The probability of a flip (<c>p</c>).</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override ImageShape OutputShape(ImageShape input) => input;

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<float> source, ImageShape shape, Span<float> destination, Generator generator)
    {
        source.CopyTo(destination);
        if (generator.NextUniform() >= P) return;
        int rows = shape.Channels * shape.Height;
        for (int r = 0; r < rows; r++) destination.Slice(r * shape.Width, shape.Width).Reverse();
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomHorizontalFlip(p={P})";
}
