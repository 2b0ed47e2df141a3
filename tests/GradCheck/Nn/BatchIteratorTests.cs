using Autograd.Nn.Data;

namespace Autograd.Tests.Nn;

public class BatchIteratorTests
{
    [Theory]
    [InlineData(10, 3, false)]
    [InlineData(64, 64, false)]
    [InlineData(100, 7, false)]
    [InlineData(1, 5, false)]
    [InlineData(0, 4, false)]
    [InlineData(100, 7, true)]
    public void EveryIndexExactlyOncePerEpoch(int count, int batchSize, bool shuffle)
    {
        var it = new BatchIterator(count, batchSize, seed: 3, shuffle: shuffle);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var batches = it.ToList();
            Assert.Equal(it.BatchCount, batches.Count);
            Assert.Equal((count + batchSize - 1) / batchSize, batches.Count);
            for (int b = 0; b < batches.Count - 1; b++) Assert.Equal(batchSize, batches[b].Length);
            var all = batches.SelectMany(b => b).ToArray();
            Assert.Equal(Enumerable.Range(0, count), all.Order());
        }
    }

    [Fact]
    public void ShuffleIsDeterministicPerSeedAndDiffersBetweenEpochsAndSeeds()
    {
        int[][] Epochs(int seed)
        {
            var it = new BatchIterator(50, 8, seed: seed);
            return [.. Enumerable.Range(0, 3).Select(_ => it.SelectMany(b => b).ToArray())];
        }
        var a = Epochs(42);
        var b = Epochs(42);
        var c = Epochs(43);
        for (int e = 0; e < 3; e++) Assert.Equal(a[e], b[e]);
        Assert.NotEqual(a[0], a[1]);
        Assert.NotEqual(a[0], c[0]);
        Assert.NotEqual(Enumerable.Range(0, 50), a[0]);
    }

    [Fact]
    public void WithoutShuffleBatchesAreInOrder()
    {
        var batches = new BatchIterator(7, 3, shuffle: false).ToList();
        Assert.Equal([[0, 1, 2], [3, 4, 5], [6]], batches);
    }

    [Fact]
    public void DropLastDropsTheShortBatch()
    {
        var it = new BatchIterator(10, 3, seed: 1, dropLast: true);
        var batches = it.ToList();
        Assert.Equal(3, it.BatchCount);
        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.Equal(3, b.Length));
        Assert.Equal(9, batches.SelectMany(b => b).Distinct().Count());
    }

    [Fact]
    public void ShufflingIsRoughlyUniform()
    {
        // Fisher–Yates with a uniform generator: each of 4 items lands first ~1/4 of the time.
        var it = new BatchIterator(4, 4, seed: 9);
        var firsts = new int[4];
        for (int e = 0; e < 4000; e++) firsts[it.NextOrder()[0]]++;
        Assert.All(firsts, n => Assert.InRange(n, 850, 1150));
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        Assert.Contains("batch_size should be a positive integer value, but got batch_size=0",
            Assert.ThrowsAny<ArgumentException>(() => new BatchIterator(10, 0)).Message);
        Assert.Contains("count=-1", Assert.ThrowsAny<ArgumentException>(() => new BatchIterator(-1, 2)).Message);
    }
}
