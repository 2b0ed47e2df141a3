namespace Autograd.Nn.Data;

/// <summary>
/// The Fashion-MNIST data set (torchvision.datasets.FashionMNIST): 28×28 grey images of 10 clothing
/// classes, 60 000 for training and 10 000 for testing, read from the IDX files that the Debian
/// package <c>dataset-fashion-mnist</c> installs in <see cref="DefaultDirectory"/>.
/// </summary>
/// <remarks>
/// Pixels become float32 in [0, 1] (ToTensor: byte / 255) and, when normalising, then
/// (x − <see cref="Mean"/>) / <see cref="Std"/> (Normalize): the training set's statistics, the same
/// constants reference.py uses.
/// </remarks>
public sealed class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian package that provides the files.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>Mean and standard deviation of the training pixels in [0, 1].</summary>
    public const float Mean = 0.2860f, Std = 0.3530f;

    /// <summary>Image height and width in pixels, and the number of classes.</summary>
    public const int Height = 28, Width = 28, Classes = 10;

    /// <summary>Label names in class-index order.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private readonly float[] _pixels;
    private readonly int[] _labels;

    private FashionMnist(float[] pixels, int[] labels)
    {
        _pixels = pixels;
        _labels = labels;
    }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>All labels, 0..9.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>All pixels, image after image, 784 per image, after scaling (and normalising).</summary>
    public ReadOnlySpan<float> Pixels => _pixels;

    /// <summary>
    /// Loads the training (60 000) or test (10 000) split from <paramref name="directory"/> (default
    /// <see cref="DefaultDirectory"/>), optionally only the first <paramref name="limit"/> images.
    /// </summary>
    public static FashionMnist Load(string? directory = null, bool train = true, int? limit = null, bool normalize = true)
    {
        directory ??= DefaultDirectory;
        if (limit is < 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, $"FashionMnist.Load: limit must be >= 0, got {limit}");
        string prefix = train ? "train" : "t10k";
        string imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte");
        var images = Idx.Read(imagesPath);
        var labels = Idx.Read(labelsPath);
        return FromIdx(images, labels, imagesPath, labelsPath, limit, normalize);
    }

    /// <summary>Builds the data set from parsed IDX arrays, checking that they describe labelled 28×28 images.</summary>
    public static FashionMnist FromIdx(IdxArray images, IdxArray labels, string imagesName = "images", string labelsName = "labels", int? limit = null, bool normalize = true)
    {
        if (images.Shape is not [var n, Height, Width])
            throw new InvalidDataException($"Fashion-MNIST: {imagesName} has shape [{string.Join(", ", images.Shape)}], expected [N, {Height}, {Width}]");
        if (labels.Shape is not [var m])
            throw new InvalidDataException($"Fashion-MNIST: {labelsName} has shape [{string.Join(", ", labels.Shape)}], expected [N]");
        if (m != n)
            throw new InvalidDataException($"Fashion-MNIST: {imagesName} holds {n} images but {labelsName} holds {m} labels");
        int count = Math.Min(n, limit ?? n);
        const int plane = Height * Width;
        var labelArray = new int[count];
        for (int i = 0; i < count; i++)
        {
            labelArray[i] = labels.Data[i];
            if (labelArray[i] >= Classes)
                throw new InvalidDataException($"Fashion-MNIST: {labelsName} label {i} is {labelArray[i]}, expected 0..{Classes - 1}");
        }
        var pixels = new float[count * plane];
        for (int i = 0; i < pixels.Length; i++)
        {
            float v = images.Data[i] / 255f;
            pixels[i] = normalize ? (v - Mean) / Std : v;
        }
        return new FashionMnist(pixels, labelArray);
    }

    /// <summary>The images at <paramref name="indices"/> as a float32 (B, 1, 28, 28) tensor.</summary>
    public Tensor Images(ReadOnlySpan<int> indices)
    {
        const int plane = Height * Width;
        var data = new float[indices.Length * plane];
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"FashionMnist.Images: index {i} is out of range for {Count} images");
            _pixels.AsSpan(i * plane, plane).CopyTo(data.AsSpan(b * plane));
        }
        return new Tensor(data, [indices.Length, 1, Height, Width]);
    }

    /// <summary>The labels at <paramref name="indices"/>.</summary>
    public int[] LabelsAt(ReadOnlySpan<int> indices)
    {
        var result = new int[indices.Length];
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"FashionMnist.LabelsAt: index {i} is out of range for {Count} labels");
            result[b] = _labels[i];
        }
        return result;
    }

    /// <summary>The IDX file <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="directory"/>, or a clear error.</summary>
    private static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        string hint = Path.GetFullPath(directory) == Path.GetFullPath(DefaultDirectory)
            ? $"Install the Debian package {DebianPackage}: sudo apt-get install {DebianPackage}"
            : $"Point --data at a directory holding the Fashion-MNIST IDX files, or install the Debian package {DebianPackage} (sudo apt-get install {DebianPackage}) and use the default {DefaultDirectory}";
        throw new FileNotFoundException($"Fashion-MNIST file {name}(.gz) not found in {directory}. {hint}", Path.Combine(directory, name + ".gz"));
    }
}
