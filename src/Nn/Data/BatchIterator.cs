using System.Collections;

namespace Autograd.Nn.Data;

/// <summary>
/// Splits the indices 0..count-1 into mini-batches, reshuffled each epoch from a seeded
/// <see cref="Generator"/> (what torch.utils.data.DataLoader(shuffle=True, generator=g) does with its
/// sampler). Enumerating it once is one epoch; each enumeration draws a fresh permutation, so a
/// given seed always yields the same sequence of epochs.
/// </summary>
public sealed class BatchIterator : IEnumerable<int[]>
{
    private readonly Generator _generator;

    /// <summary>Batches of indices into <paramref name="count"/> samples, <paramref name="batchSize"/> at a time, reshuffled each epoch when <paramref name="shuffle"/> (with <paramref name="generator"/>); <paramref name="dropLast"/> drops a last, smaller batch.</summary>
    public BatchIterator(int count, int batchSize, bool shuffle = true, bool dropLast = false, Generator? generator = null)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"BatchIterator: count should be a non-negative integer value, but got count={count}");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"BatchIterator: batch_size should be a positive integer value, but got batch_size={batchSize}");
        Count = count;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        _generator = generator ?? Generator.Default;
    }

    /// <summary>Seeded convenience form: <c>new BatchIterator(60000, 64, seed: 1)</c>.</summary>
    public BatchIterator(int count, int batchSize, int seed, bool shuffle = true, bool dropLast = false)
        : this(count, batchSize, shuffle, dropLast, new Generator(seed)) { }

    /// <summary>The number of samples.</summary>
    public int Count { get; }
    /// <summary>The number of samples per batch (<c>batch_size</c>).</summary>
    public int BatchSize { get; }
    /// <summary>Whether the order is reshuffled each epoch (<c>shuffle</c>).</summary>
    public bool Shuffle { get; }
    /// <summary>Whether a last, smaller batch is dropped (<c>drop_last</c>).</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch (len(dataloader)).</summary>
    public int BatchCount => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>The order of one epoch: a fresh permutation when shuffling, else 0..count-1.</summary>
    public int[] NextOrder()
    {
        var order = new int[Count];
        for (int i = 0; i < Count; i++) order[i] = i;
        if (!Shuffle) return order;
        // Fisher–Yates from the end: every permutation equally likely given uniform NextInt.
        for (int i = Count - 1; i > 0; i--)
        {
            int j = _generator.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>One epoch of batches; the last may be short unless <see cref="DropLast"/>.</summary>
    public IEnumerator<int[]> GetEnumerator()
    {
        var order = NextOrder();
        int n = BatchCount;
        for (int b = 0; b < n; b++)
        {
            int start = b * BatchSize;
            yield return order.AsSpan(start, Math.Min(BatchSize, Count - start)).ToArray();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
