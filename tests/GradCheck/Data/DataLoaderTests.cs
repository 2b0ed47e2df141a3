using Autograd.Nn.Data;

namespace Autograd.Tests.DataLoading;

public class DataLoaderTests
{
    /// <summary>n images 1×h×w whose pixel (y, x) of image i is 100·i + 10·y + x, label i.</summary>
    private static TensorDataset Numbered(int n, int h = 3, int w = 4, int c = 1)
    {
        var px = new float[n * c * h * w];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        px[((i * c + ch) * h + y) * w + x] = 1000 * ch + 100 * i + 10 * y + x;
        return new TensorDataset(px, Enumerable.Range(0, n).Select(i => (long)i).ToArray(), new ImageShape(c, h, w));
    }

    [Fact]
    public void BatchesAreFloatImagesAndInt64LabelsInOrderWithoutShuffle()
    {
        var loader = new DataLoader(Numbered(5), batchSize: 2);
        var batches = loader.ToList();
        Assert.Equal(3, loader.Count);
        Assert.Equal(3, batches.Count);
        Assert.Equal([2, 1, 3, 4], batches[0].Images.Shape.ToArray());
        Assert.Equal(DType.Float32, batches[0].Images.DType);
        Assert.Equal(DType.Int64, batches[0].Labels.DType);
        Assert.Equal([0L, 1L], batches[0].Labels.ToArray<long>());
        Assert.Equal([4L], batches[2].Labels.ToArray<long>());
        Assert.Equal([1, 1, 3, 4], batches[2].Images.Shape.ToArray());
        Assert.Equal(423f, batches[2].Images.ToFloatArray()[^1]);   // image 4, last pixel (2, 3): 400 + 20 + 3
    }

    [Fact]
    public void DropLastAndShuffleCoverEveryImageOnceAndRepeatWithTheSeed()
    {
        var data = Numbered(10);
        var loader = new DataLoader(data, batchSize: 3, shuffle: true, dropLast: true, generator: new Generator(5));
        Assert.Equal(3, loader.Count);
        var epoch1 = loader.SelectMany(b => b.Labels.ToArray<long>()).ToArray();
        var epoch2 = loader.SelectMany(b => b.Labels.ToArray<long>()).ToArray();
        Assert.Equal(9, epoch1.Length);
        Assert.Equal(9, epoch1.Distinct().Count());
        Assert.NotEqual(epoch1, epoch2);   // a fresh permutation each epoch
        var again = new DataLoader(data, batchSize: 3, shuffle: true, dropLast: true, generator: new Generator(5));
        Assert.Equal(epoch1, again.SelectMany(b => b.Labels.ToArray<long>()));
        // Images travel with their labels.
        foreach (var (images, labels) in again)
        {
            var px = images.ToFloatArray();
            var ls = labels.ToArray<long>();
            for (int b = 0; b < ls.Length; b++) Assert.Equal(100f * ls[b], px[b * 12]);
        }
    }

    [Fact]
    public void HorizontalFlipMirrorsEachRowOfEachChannel()
    {
        var data = Numbered(1, h: 2, w: 3, c: 2);
        var flipped = new RandomHorizontalFlip(p: 1).Apply(data.Image(0), data.Shape);
        Assert.Equal([2, 1, 0, 12, 11, 10, 1002, 1001, 1000, 1012, 1011, 1010], flipped);
        Assert.Equal(data.Image(0).ToArray(), new RandomHorizontalFlip(p: 0).Apply(data.Image(0), data.Shape));
    }

    [Fact]
    public void FlipProbabilityIsRespected()
    {
        var data = Numbered(1, h: 1, w: 2);
        var g = new Generator(3);
        var t = new RandomHorizontalFlip(0.3);
        int flips = 0;
        for (int i = 0; i < 2000; i++) if (t.Apply(data.Image(0), data.Shape, g)[0] == 1) flips++;
        Assert.InRange(flips, 520, 680);   // 600 ± ~4σ
    }

    [Fact]
    public void RandomCropWithPaddingCutsWindowsOfThePaddedImage()
    {
        var data = Numbered(1, h: 2, w: 3);   // rows [0 1 2], [10 11 12]
        var crop = new RandomCrop((2, 3), padding: 1, fill: -1);
        // Window at (top, left) = (0, 0) of the 4×5 padded image: the pad row, then the pad column and row 0's first two.
        var dst = new float[6];
        crop.Crop(data.Image(0), data.Shape, dst, y0: -1, x0: -1);
        Assert.Equal([-1, -1, -1, -1, 0, 1], dst);
        crop.Crop(data.Image(0), data.Shape, dst, y0: 1, x0: 1);   // bottom-right: row 1 shifted, then padding
        Assert.Equal([11, 12, -1, -1, -1, -1], dst);
        crop.Crop(data.Image(0), data.Shape, dst, y0: 0, x0: 0);   // the centre: the image itself
        Assert.Equal([0, 1, 2, 10, 11, 12], dst);

        // Every one of the 3×3 positions occurs, each window is a sub-block of the padded image.
        var seen = new HashSet<string>();
        var g = new Generator(1);
        for (int i = 0; i < 300; i++) seen.Add(string.Join(",", crop.Apply(data.Image(0), data.Shape, g)));
        Assert.Equal(9, seen.Count);
        Assert.Contains("0,1,2,10,11,12", seen);
    }

    [Fact]
    public void CropToSmallerSizeAndErrors()
    {
        var data = Numbered(1, h: 3, w: 4);
        var crop = new RandomCrop(2);
        Assert.Equal(new ImageShape(1, 2, 2), crop.OutputShape(data.Shape));
        var window = crop.Apply(data.Image(0), data.Shape, new Generator(2));
        Assert.Equal(window[0] + 1, window[1]);
        Assert.Equal(window[0] + 10, window[2]);
        Assert.Contains("Required crop size (5, 5) is larger than input image size", Assert.ThrowsAny<ArgumentException>(() => new DataLoader(data, transform: new RandomCrop(5))).Message);
        // No draw when the window is the whole image (torchvision's get_params).
        var g = new Generator(9);
        Assert.Equal(data.Image(0).ToArray(), new RandomCrop((3, 4)).Apply(data.Image(0), data.Shape, g));
        Assert.Equal(new Generator(9).NextUniform(), g.NextUniform());
    }

    [Fact]
    public void NormalizePerChannelAndErrors()
    {
        var data = Numbered(1, h: 1, w: 2, c: 2);   // [0, 1], [1000, 1001]
        var n = new Normalize([1f, 1000f], [2f, 0.5f]);
        Assert.Equal([-0.5f, 0f, 0f, 2f], n.Apply(data.Image(0), data.Shape));
        Assert.Equal([-1f, 0f, 999f, 1000f], new Normalize(1f, 1f).Apply(data.Image(0), data.Shape));
        Assert.Contains("std evaluated to zero", Assert.Throws<ArgumentException>(() => new Normalize([0f], [0f])).Message);
        Assert.Contains("expected 1 or 2", Assert.Throws<ArgumentException>(() => new Normalize([1f, 2f, 3f], [1f, 1f, 1f]).OutputShape(data.Shape)).Message);
    }

    [Fact]
    public void ComposedTransformsInALoaderAreDeterministicPerSeed()
    {
        var data = Numbered(20, h: 6, w: 6);
        Transform t = new Compose(new RandomCrop(6, padding: 2), new RandomHorizontalFlip(), new Normalize(50f, 25f));
        List<float[]> Run(int seed) => new DataLoader(data, batchSize: 8, shuffle: true, transform: t, generator: new Generator(seed))
            .Select(b => b.Images.ToFloatArray()).ToList();
        Assert.Equal(Run(4), Run(4));
        Assert.NotEqual(Run(4), Run(5));
        // Compose applies in order: flip(p=1) then crop without padding to the full size = flip.
        var flipOnly = new Compose(new RandomHorizontalFlip(1), new RandomCrop(6), new Normalize(0f, 1f));
        Assert.Equal(new RandomHorizontalFlip(1).Apply(data.Image(3), data.Shape), flipOnly.Apply(data.Image(3), data.Shape));
    }

    [Fact]
    public void DatasetFromTensorsAndValidation()
    {
        var images = Tensor.Rand([4, 1, 2, 2], generator: new Generator(1));
        var labels = Tensor.From(new long[] { 3, 1, 2, 0 });
        var ds = new TensorDataset(images, labels);
        Assert.Equal(4, ds.Count);
        Assert.Equal(2L, ds.Label(2));
        Assert.Equal(images.ToFloatArray()[4..8], ds.Image(1).ToArray());
        Assert.Contains("Size mismatch", Assert.Throws<ArgumentException>(() => new TensorDataset(images, Tensor.From(new long[] { 1 }))).Message);
        Assert.Contains("integer (N) tensor", Assert.Throws<ArgumentException>(() => new TensorDataset(images, Tensor.Zeros([4]))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Image(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, batchSize: 0));
    }

    [Fact]
    public void FashionMnistShapedEpochWithAugmentation()
    {
        // The sample's input pipeline on 28×28 images: crop(padding 2) + flip + normalise, batch 128, last batch short.
        const int n = 6_000;
        var px = new float[n * 784];
        var rng = new Random(1);
        for (int i = 0; i < px.Length; i += 97) px[i] = rng.NextSingle();
        var ds = new TensorDataset(px, Enumerable.Range(0, n).Select(i => (long)(i % 10)).ToArray(), new ImageShape(1, 28, 28));
        var loader = new DataLoader(ds, 128, shuffle: true, transform: new Compose(new RandomCrop(28, 2), new RandomHorizontalFlip(), new Normalize(0.286f, 0.353f)), generator: new Generator(1));
        Assert.Equal(47, loader.Count);
        int count = 0;
        foreach (var (images, labels) in loader)
        {
            Assert.Equal([labels.Numel, 1, 28, 28], images.Shape.ToArray());
            count += labels.Numel;
        }
        Assert.Equal(n, count);
    }

    [Fact]
    public void FashionMnistBecomesADatasetOfNormalisedImages()
    {
        // Two synthetic 28×28 IDX images: pixel bytes 0 and 255, labels 3 and 7.
        var bytes = new byte[2 * 784];
        bytes.AsSpan(784).Fill(255);
        var fm = FashionMnist.FromIdx(new IdxArray([2, 28, 28], bytes), new IdxArray([2], [3, 7]));
        var ds = TensorDataset.From(fm);
        Assert.Equal(new ImageShape(1, 28, 28), ds.Shape);
        Assert.Equal(7L, ds.Label(1));
        Assert.Equal((0 - FashionMnist.Mean) / FashionMnist.Std, ds.Image(0)[0]);
        Assert.Equal((1 - FashionMnist.Mean) / FashionMnist.Std, ds.Image(1)[783]);
        var (images, labels) = new DataLoader(ds, batchSize: 2).Single();
        Assert.Equal([2, 1, 28, 28], images.Shape.ToArray());
        Assert.Equal([3L, 7L], labels.ToArray<long>());
    }
}
