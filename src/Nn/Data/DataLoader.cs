using System.Collections;

namespace Autograd.Nn.Data;

/// <summary>
/// Batches a <see cref="TensorDataset"/> (torch.utils.data.DataLoader over a TensorDataset): each
/// enumeration is one epoch of (images, labels) pairs, images a float32 (B, C, H, W) tensor after the
/// optional <see cref="Transform"/>, labels an int64 (B) tensor. PyTorch's defaults: batch size 1, no
/// shuffling, the last short batch kept.
/// </summary>
/// <remarks>
/// Note [DataLoader randomness]: one <see cref="Generator"/> drives both the epoch's permutation (drawn
/// first, by <see cref="BatchIterator"/>) and the random transforms (image by image in batch order), so a
/// loader built with <c>new Generator(seed)</c> yields the same epochs every run. PyTorch draws the
/// transforms from the global RNG instead; its sequence can't be reproduced here either way.
/// </remarks>
public sealed class DataLoader : IEnumerable<(Tensor Images, Tensor Labels)>
{
    private readonly BatchIterator _batches;
    private readonly Generator _generator;

    /// <summary>A loader over <paramref name="dataset"/> (<c>torch.utils.data.DataLoader(dataset, batch_size, shuffle, drop_last)</c>); <paramref name="transform"/> is applied to each image of a batch, with random draws from <paramref name="generator"/>.</summary>
    public DataLoader(TensorDataset dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false,
        Transform? transform = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _generator = generator ?? Generator.Default;
        _batches = new BatchIterator(dataset.Count, batchSize, shuffle, dropLast, _generator);
        Dataset = dataset;
        Transform = transform;
        OutputShape = transform?.OutputShape(dataset.Shape) ?? dataset.Shape;   // an unsuitable transform fails here, not mid-epoch
    }

    /// <summary>The dataset the batches come from.</summary>
    public TensorDataset Dataset { get; }
    /// <summary>The transform applied to each image of a batch, or null.</summary>
    public Transform? Transform { get; }
    /// <summary>Samples per batch (<c>batch_size</c>).</summary>
    public int BatchSize => _batches.BatchSize;
    /// <summary>Whether each epoch visits the samples in a new random order (<c>shuffle</c>).</summary>
    public bool Shuffle => _batches.Shuffle;
    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is dropped (<c>drop_last</c>).</summary>
    public bool DropLast => _batches.DropLast;

    /// <summary>The shape of one image as yielded.</summary>
    public ImageShape OutputShape { get; }

    /// <summary>Batches per epoch (len(loader)).</summary>
    public int Count => _batches.BatchCount;

    /// <summary>One epoch.</summary>
    public IEnumerator<(Tensor Images, Tensor Labels)> GetEnumerator()
    {
        foreach (var indices in _batches) yield return Batch(indices);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The batch of the images at <paramref name="indices"/>, transformed (drawing from the loader's generator).</summary>
    public (Tensor Images, Tensor Labels) Batch(ReadOnlySpan<int> indices)
    {
        int size = OutputShape.Size;
        // Pooled inside a TensorScope (a training step), so batches do not churn the large-object heap.
        var images = TensorStorage.Allocate<float>(indices.Length * size, zeroed: false);
        var labels = new long[indices.Length];
        for (int b = 0; b < indices.Length; b++)
        {
            var dst = images.AsSpan(b * size, size);
            if (Transform is null) Dataset.Image(indices[b]).CopyTo(dst);
            else Transform.Apply(Dataset.Image(indices[b]), Dataset.Shape, dst, _generator);
            labels[b] = Dataset.Label(indices[b]);
        }
        return (new Tensor(images, [indices.Length, OutputShape.Channels, OutputShape.Height, OutputShape.Width]),
            new Tensor(labels, [indices.Length]));
    }
}
