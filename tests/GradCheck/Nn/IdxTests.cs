using System.IO.Compression;
using Autograd.Nn.Data;

namespace Autograd.Tests.Nn;

/// <summary>The IDX reader and the Fashion-MNIST loader on small files the tests write themselves.</summary>
public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("autograd-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes, bool gzip)
    {
        string path = Path.Combine(_dir, name);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using (var fs = File.Create(path))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
            gz.Write(bytes);
        return path;
    }

    // The header bytes written by hand, independent of Idx.Encode: 00 00 08 03, then 2, 2, 3 big-endian.
    private static readonly byte[] Hand = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsRawAndGzipFiles(bool gzip)
    {
        var a = Idx.Read(Write("a.idx", Hand, gzip));
        Assert.Equal([2, 2, 3], a.Shape);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (byte)i), a.Data);
    }

    [Fact]
    public void EncodeWritesTheHandMadeLayout()
    {
        Assert.Equal(Hand, Idx.Encode([2, 2, 3], Hand.AsSpan(16)));
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        byte[] b = (byte[])Hand.Clone();
        b[0] = 0x50; // e.g. a PNG or text file
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(Write("bad", b, false)));
        Assert.Contains("bad magic number 0x50000803", e.Message);
        Assert.Contains("bad", e.Message);
    }

    [Fact]
    public void UnsupportedTypeIsRejected()
    {
        byte[] b = (byte[])Hand.Clone();
        b[2] = 0x0D; // float
        Assert.Contains("unsupported data type 0x0D", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("f", b, true))).Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        Assert.Contains("truncated header", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("h", Hand[..10], false))).Message);
        Assert.Contains("too short", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("s", [0, 0], false))).Message);
    }

    [Fact]
    public void PayloadMustMatchTheShape()
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(Write("t", Hand[..^1], true)));
        Assert.Contains("needs 12 data bytes but the file has 11 (truncated?)", e.Message);
        var e2 = Assert.Throws<InvalidDataException>(() => Idx.Read(Write("x", [.. Hand, 99], false)));
        Assert.Contains("trailing bytes", e2.Message);
    }

    [Fact]
    public void CorruptGzipIsRejectedWithThePath()
    {
        byte[] gz;
        using (var ms = new MemoryStream())
        {
            using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Hand);
            gz = ms.ToArray();
        }
        for (int i = 10; i < gz.Length - 8; i++) gz[i] ^= 0xFF;
        string path = Write("c.gz", gz, false);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Idx.Read(Path.Combine(_dir, "nope")));
        Assert.Contains("nope", e.Message);
    }

    private void WriteSplit(string prefix, int n, bool gzip, Func<int, byte> label, int rows = 28)
    {
        var pixels = new byte[n * rows * 28];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 256);
        var labels = Enumerable.Range(0, n).Select(label).ToArray();
        string ext = gzip ? ".gz" : "";
        Write($"{prefix}-images-idx3-ubyte{ext}", Idx.Encode([n, rows, 28], pixels), gzip);
        Write($"{prefix}-labels-idx1-ubyte{ext}", Idx.Encode([n], labels), gzip);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FashionMnistScalesToUnitRangeAndNormalises(bool gzip)
    {
        WriteSplit("t10k", 3, gzip, i => (byte)(9 - i));
        var raw = FashionMnist.Load(_dir, train: false, normalize: false);
        Assert.Equal(3, raw.Count);
        Assert.Equal([9, 8, 7], raw.Labels.ToArray());
        // pixel k of the file holds k % 256, so image 1, pixel 0 is 784 % 256 = 16.
        var x = raw.Images([1, 0]);
        Assert.Equal([2, 1, 28, 28], x.Shape.ToArray());
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal(16 / 255f, x.ToFloatArray()[0]);
        Assert.Equal(255 / 255f, x.ToFloatArray()[784 + 255]);
        Assert.Equal([8, 9], raw.LabelsAt([1, 0]));

        var norm = FashionMnist.Load(_dir, train: false);
        float expected = (16 / 255f - 0.2860f) / 0.3530f;
        Assert.Equal(expected, norm.Images([1]).ToFloatArray()[0]);
    }

    [Fact]
    public void FashionMnistLimitTakesTheFirstImages()
    {
        WriteSplit("train", 5, true, i => (byte)i);
        var d = FashionMnist.Load(_dir, train: true, limit: 2);
        Assert.Equal(2, d.Count);
        Assert.Equal([0, 1], d.Labels.ToArray());
        Assert.Equal(2 * 784, d.Pixels.Length);
    }

    [Fact]
    public void FashionMnistMissingFilesNameTheDebianPackage()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(Path.Combine(_dir, "empty")));
        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void FashionMnistRejectsWrongShapesAndLabels()
    {
        WriteSplit("train", 2, false, i => (byte)(i * 10)); // label 10 is out of range
        Assert.Contains("label 1 is 10", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir)).Message);
        WriteSplit("t10k", 2, false, i => 0, rows: 27);
        Assert.Contains("expected [N, 28, 28]", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, train: false)).Message);
        Write("t10k-images-idx3-ubyte", Idx.Encode([3, 28, 28], new byte[3 * 784]), false);
        Assert.Contains("holds 3 images but", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, train: false)).Message);
    }

    [Fact]
    public void IndexOutOfRangeIsAClearError()
    {
        WriteSplit("t10k", 2, false, i => 0);
        var d = FashionMnist.Load(_dir, train: false);
        Assert.Contains("index 2 is out of range for 2 images", Assert.ThrowsAny<ArgumentException>(() => d.Images([2])).Message);
    }
}
