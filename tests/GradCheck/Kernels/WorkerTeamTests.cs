using System.Collections.Concurrent;
using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

/// <summary>Note [Spinning worker team]: Parallelism.For's own threads keep Parallel.For's contract.</summary>
[Collection("Threading")]
public class WorkerTeamTests
{
    private const long Big = Parallelism.MinParallelWork * 4;

    private static T WithThreads<T>(int n, Func<T> f)
    {
        int saved = Threading.NumThreads;
        try { Threading.NumThreads = n; return f(); }
        finally { Threading.NumThreads = saved; }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    [InlineData(2, 1000)]
    [InlineData(3, 7)]
    [InlineData(2, 33)]   // uneven shares (16 + 17), one-item chunks: Note [Shares by member]
    [InlineData(3, 50)]
    [InlineData(4, 100_003)]
    public void EveryItemRunsExactlyOnce(int threads, int count)
    {
        var hits = new int[count];
        WithThreads(threads, () => { Parallelism.For(count, Big, i => Interlocked.Increment(ref hits[i])); return 0; });
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void ASecondThreadTakesPartWhenThereAreTwo()
    {
        // Items that each wait a little leave time for the worker to claim some; across 50 loops at least one
        // item must have run off the caller's thread, or the team is not running anything.
        var threadsSeen = new ConcurrentDictionary<int, bool>();
        WithThreads(2, () =>
        {
            for (int loop = 0; loop < 50; loop++)
                Parallelism.For(8, Big, _ => { threadsSeen[Environment.CurrentManagedThreadId] = true; Thread.SpinWait(20_000); });
            return 0;
        });
        Assert.True(threadsSeen.Count >= 2, $"items ran on {threadsSeen.Count} thread(s)");
    }

    [Fact]
    public void ABodysExceptionReachesTheCallerUnwrappedAndTheTeamStaysUsable()
    {
        var e = Assert.Throws<InvalidOperationException>(() => WithThreads(2, () =>
        {
            Parallelism.For(64, Big, i => { if (i == 37) throw new InvalidOperationException("item 37"); Thread.SpinWait(100); });
            return 0;
        }));
        Assert.Equal("item 37", e.Message);
        long sum = 0;
        WithThreads(2, () => { Parallelism.For(1000, Big, i => Interlocked.Add(ref sum, i)); return 0; });
        Assert.Equal(999L * 1000 / 2, sum);
    }

    [Fact]
    public void TheCallersScopeAndGradModeAreSeenOnEveryThread()
    {
        var modes = new ConcurrentBag<bool>();
        var scopes = new ConcurrentBag<bool>();
        WithThreads(2, () =>
        {
            using var scope = new TensorScope();
            using (Grad.NoGrad())
                Parallelism.For(16, Big, _ =>
                {
                    modes.Add(GradMode.IsEnabled);
                    scopes.Add(ReferenceEquals(TensorScope.Current, scope));
                    Thread.SpinWait(20_000);
                });
            return 0;
        });
        Assert.Equal(16, modes.Count);
        Assert.All(modes, m => Assert.False(m));
        Assert.All(scopes, s => Assert.True(s));
    }

    [Fact]
    public void ConcurrentCallersEachGetTheirOwnLoopsResults()
    {
        // Four user threads run loops at once: one holds the team, the others fall back to the thread pool;
        // every loop must still see each of its items exactly once.
        WithThreads(2, () =>
        {
            var errors = new ConcurrentQueue<string>();
            var callers = Enumerable.Range(0, 4).Select(c => new Thread(() =>
            {
                for (int loop = 0; loop < 200; loop++)
                {
                    var hits = new int[97 + c];
                    Parallelism.For(hits.Length, Big, i => Interlocked.Increment(ref hits[i]));
                    if (hits.Any(h => h != 1)) errors.Enqueue($"caller {c} loop {loop}: {string.Join(",", hits)}");
                }
            })).ToArray();
            foreach (var t in callers) t.Start();
            foreach (var t in callers) Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a caller hung");
            Assert.Empty(errors);
            return 0;
        });
    }

    [Fact]
    public void NestedLoopsRunInlineOnTheThreadThatRunsTheItem()
    {
        var mismatches = 0;
        WithThreads(2, () =>
        {
            Parallelism.For(8, Big, _ =>
            {
                int outer = Environment.CurrentManagedThreadId;
                Parallelism.For(8, Big, _ => { if (Environment.CurrentManagedThreadId != outer) Interlocked.Increment(ref mismatches); });
            });
            return 0;
        });
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void MoreThreadsThanWorkersGrowsTheTeam()
    {
        var hits = new int[10_000];
        WithThreads(2, () => { Parallelism.For(hits.Length, Big, i => hits[i]++); return 0; });
        WithThreads(5, () => { Parallelism.For(hits.Length, Big, i => hits[i]++); return 0; });
        WithThreads(1, () => { Parallelism.For(hits.Length, Big, i => hits[i]++); return 0; });
        Assert.All(hits, h => Assert.Equal(3, h));
    }
}
