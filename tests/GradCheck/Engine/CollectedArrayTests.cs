using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Autograd.Tests.Engine;

[CollectionDefinition(nameof(CollectedArrayCollection), DisableParallelization = true)]
public sealed class CollectedArrayCollection;

/// <summary>
/// Note [Collected arrays come back]: outside a scope, a large storage returns to the pool when the GC finds
/// it unreachable, and only then. A long weak reference (trackResurrection) names the array across its
/// death without keeping it alive: it still points at the array when the reclaimer resurrects it, and is
/// cleared when the GC really frees it. Each test uses its own length (above ReclaimedBytes), so no test
/// takes another's arrays.
/// </summary>
/// <remarks>
/// The class runs alone (not in parallel with other classes): the loop test counts the bytes this thread
/// allocated fresh, and other tests' collections and finalizers meanwhile would blur the pool's own policy.
/// </remarks>
[Collection(nameof(CollectedArrayCollection))]
public class CollectedArrayTests
{
    private static void CollectAndFinalize()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>A tensor of <paramref name="n"/> elements made outside a scope and dropped; a long weak reference to its array.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Dropped(int n, double value = 7)
    {
        var t = Tensor.Full([n], value);
        return new WeakReference(t.Storage, trackResurrection: true);
    }

    /// <summary>Takes <paramref name="count"/> arrays of length n (held by the list, so none comes back meanwhile).</summary>
    private static List<Array> Take(int n, int count)
    {
        var taken = new List<Array>();
        for (int i = 0; i < count; i++) taken.Add(Tensor.Uninitialized(DType.Float32, [n]).Storage);
        return taken;
    }

    [Fact]
    public void ADeadArrayComesBackOnceWithItsNumbersAndZeroedWhenAsked()
    {
        const int N = 70_001;
        Assert.True(N * sizeof(float) >= TensorStorage.ReclaimedBytes);
        var weak = Dropped(N, value: 7);
        CollectAndFinalize();
        TakeItOnceWithItsNumbers(N, weak);   // then dropped again (the work is in helpers: no debug-build temporary keeps it)
        CollectAndFinalize();
        Assert.NotNull(weak.Target);   // it came back again
        TakeItZeroed(N, weak);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TakeItOnceWithItsNumbers(int n, WeakReference weak)
    {
        Assert.NotNull(weak.Target);   // resurrected into the pool, not freed
        var taken = Take(n, 3);
        Assert.Single(taken, a => ReferenceEquals(a, weak.Target));
        Assert.Same(weak.Target, taken[0]);   // the pool hands it out first, with its last user's numbers (uninitialised was asked)
        Assert.All((float[])taken[0], v => Assert.Equal(7f, v));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TakeItZeroed(int n, WeakReference weak)
    {
        // The three arrays of the first phase all came back, in the finalizer's order: one of three is it.
        var zeros = Enumerable.Range(0, 3).Select(_ => Tensor.Zeros([n])).ToList();
        var it = Assert.Single(zeros, z => ReferenceEquals(z.Storage, weak.Target));
        Assert.All(it.ToFloatArray(), v => Assert.Equal(0f, v));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Span<float> SpanOfDroppedTensor(int n) => (float[])Tensor.Full([n], 3).Storage;

    [Fact]
    public void AnArrayASpanStillReachesIsNeverHandedOut()
    {
        // The tensor object is garbage; only a Span over its array is left. The GC sees the span (an interior
        // pointer) and keeps the array, so it must not come back while the span is alive.
        const int N = 70_003;
        var span = SpanOfDroppedTensor(N);
        CollectAndFinalize();
        CollectAndFinalize();
        foreach (var a in Take(N, 4))
            Assert.False(Unsafe.AreSame(ref MemoryMarshal.GetArrayDataReference((float[])a), ref MemoryMarshal.GetReference(span)),
                "an array still reached through a Span was handed out again");
        foreach (var v in span) Assert.Equal(3f, v);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Array StorageOfDroppedTensor(int n) => Tensor.Full([n], 5).Storage;

    [Fact]
    public void AnArrayTheCallerHoldsIsNeverHandedOut()
    {
        const int N = 70_007;
        var held = StorageOfDroppedTensor(N);
        CollectAndFinalize();
        Assert.DoesNotContain(Take(N, 4), a => ReferenceEquals(a, held));
        GC.KeepAlive(held);
    }

    [Fact]
    public void AnArrayTheEngineGaveBackStillComesBackOnlyOncePerDeath()
    {
        // The engine's recycling (Note [Recycled gradients]) and the reclaimer must not both return one death.
        const int N = 70_009;
        var weak = GivenBackByTheEngine(N);
        TakeOne(N, weak);   // handed out from the engine's give-back, then dropped
        CollectAndFinalize();
        CollectAndFinalize();
        var again = Take(N, 3);
        Assert.Single(again, a => ReferenceEquals(a, weak.Target));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TakeOne(int n, WeakReference weak) => Assert.Same(weak.Target, Take(n, 1)[0]);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference GivenBackByTheEngine(int n)
    {
        var array = Tensor.Uninitialized(DType.Float32, [n]).Storage;
        TensorStorage.Recycle(array);
        return new WeakReference(array, trackResurrection: true);
    }

    [Fact]
    public void AnArrayKeptOutOfAScopeOrTrimmedGoesToTheGC()
    {
        // Arrays the engine gave back sit in the pool still armed (nothing saw them die): taken by a scope, or
        // dropped by the trim, they must be disarmed, or their death would bring them back once more.
        const int N = 70_013;
        var weak = GivenBackByTheEngine(N);
        KeptOutOfAScope(N, weak);
        CollectAndFinalize();
        CollectAndFinalize();
        Assert.Null(weak.Target);   // the scope's lease took charge of it; kept and dropped, it is simply freed

        const int M = 70_019;
        var trimmed = GivenBackByTheEngine(M);
        TensorStorage.Trim(idleMilliseconds: 0);
        TensorStorage.Trim(idleMilliseconds: 0);
        CollectAndFinalize();
        CollectAndFinalize();
        Assert.Null(trimmed.Target);   // dropped by the trim: not resurrected into the pool
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void KeptOutOfAScope(int n, WeakReference weak)
    {
        using var scope = new TensorScope();
        var t = Tensor.Uninitialized(DType.Float32, [n]);
        Assert.Same(weak.Target, t.Storage);
        scope.Keep(t);
    }

    [Fact]
    public void ALoopWithoutAScopeStopsAllocatingFreshArrays()
    {
        // Steps each making and dropping a 1 MB tensor, at least 768 MB and twelve collection thresholds in all
        // (the first one or two thresholds' worth come fresh: 66–141 MB measured).
        // The runtime alone counts every resurrected array as a survivor and stretches its budget, so half or
        // more of them came fresh (Note [Collected arrays come back], "When"; 224 of 419 MB, 748 of 805, with
        // the pool's collection disabled); that collection brings them back, and after the first thresholds'
        // worth none is fresh.
        const int N = 262_151;
        const long Bytes = N * sizeof(float);
        long pooledBefore = TensorStorage.PooledBytes;
        long before = GC.GetAllocatedBytesForCurrentThread();
        double sum = 0;
        long steps = 0;
        while (steps * Bytes < Math.Max(768L << 20, 12 * TensorStorage.CollectThreshold)) { sum += Step(N); steps++; }
        long fresh = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((double)steps * N, sum);
        long handedOut = steps * Bytes;
        Assert.True(fresh < handedOut / 4, $"{fresh} of {handedOut} bytes came fresh from the GC (threshold {TensorStorage.CollectThreshold}, pool {pooledBefore} bytes before, {TensorStorage.PooledBytes} after)");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Step(int n) => Tensor.Full([n], 1).Sum().Item();

    [Fact]
    public void AFullPoolMakesRoomByDroppingTheLeastRecentlyUsedLengths()
    {
        // Runs alone (the class's collection), so lowering the bound affects no other test.
        const int Old = 70_021, Older = 70_027, New = 70_031;   // 280 kB each
        long bound = TensorStorage.MaxPooledBytes;
        try
        {
            TensorStorage.MaxPooledBytes = 2 * Old * sizeof(float) + 1000;   // the first give-back drops what others left
            var older = new float[Older];
            var old = new float[Old];
            TensorStorage.Recycle(older);
            TensorStorage.Recycle(old);   // the pool is now full
            var fresh = new float[New];
            TensorStorage.Recycle(fresh);   // evicts Older, used least recently, rather than being refused
            Assert.Same(fresh, Tensor.Uninitialized(DType.Float32, [New]).Storage);
            Assert.Same(old, Tensor.Uninitialized(DType.Float32, [Old]).Storage);
            Assert.NotSame(older, Tensor.Uninitialized(DType.Float32, [Older]).Storage);
        }
        finally { TensorStorage.MaxPooledBytes = bound; }
    }

    [Fact]
    public void LowLatencyModeGetsNoCollectionFromThePool()
    {
        // GCLatencyMode.LowLatency asks the GC for no gen-2 collections; a pool miss must not force one either.
        const int N = 262_153;
        var mode = GCSettings.LatencyMode;
        int before;
        double sum = 0;
        try
        {
            GCSettings.LatencyMode = GCLatencyMode.LowLatency;
            if (GCSettings.LatencyMode != GCLatencyMode.LowLatency) throw new InvalidOperationException("this runtime refused low-latency mode (a server GC?)");
            before = GC.CollectionCount(2);
            for (int i = 0; i < 200; i++) sum += Step(N);   // 200 MB handed out: three thresholds' worth
            Assert.Equal(before, GC.CollectionCount(2));
        }
        finally { GCSettings.LatencyMode = mode; }
        Assert.Equal(200.0 * N, sum);
    }

    [Fact]
    public void AfterCollectionsNothingTheCallerStillHoldsIsHandedOut()
    {
        // An unscoped convolutional step whose large arrays (≥ 85 kB) die except the ones held here: tensors,
        // a view, a gradient, a Span over an activation whose tensor is dropped. After collections the pool
        // gets the dead ones back; flooding every length must hand out none of the held arrays, and their
        // numbers must not move.
        var g = new Generator(11);
        var x = Tensor.Randn([8, 3, 32, 32], generator: g);
        var w1 = (Tensor.Randn([8, 3, 3, 3], generator: g) * 0.3).Detach().RequiresGrad_();
        var w2 = (Tensor.Randn([10, 8 * 16 * 16], generator: g) * 0.05).Detach().RequiresGrad_();
        int[] target = Enumerable.Range(0, 8).Select(i => i % 10).ToArray();
        var relu = F.Relu(F.Conv2d(x, w1, padding: 1));          // 8×8×32² = 256 kB
        var view = relu.Reshape([8, 8 * 32 * 32]);
        Span<float> pooled = (float[])F.MaxPool2d(relu, 2).Storage;   // 64 kB: below the threshold, held anyway
        var loss = F.CrossEntropy(F.Linear(F.Flatten(F.MaxPool2d(relu, 2), 1), w2), target);
        loss.Backward();
        var held = new HashSet<Array>(ReferenceEqualityComparer.Instance) { x.Storage, relu.Storage, view.Storage, w1.Grad!.Storage, w2.Grad!.Storage };
        float[] reluCopy = relu.ToFloatArray(), w2Grad = w2.Grad!.ToFloatArray(), pooledCopy = pooled.ToArray();
        loss = null!;
        CollectAndFinalize();
        CollectAndFinalize();
        foreach (int length in new[] { 8 * 8 * 32 * 32, 8 * 3 * 32 * 32, 10 * 8 * 16 * 16, 8 * 8 * 16 * 16 })
            for (int i = 0; i < 16; i++)
            {
                var t = Tensor.Full([length], 1e30);
                Assert.DoesNotContain(t.Storage, held);
            }
        Assert.Equal(reluCopy, relu.ToFloatArray());
        Assert.Equal(reluCopy, view.ToFloatArray());
        Assert.Equal(w2Grad, w2.Grad!.ToFloatArray());
        Assert.Equal(pooledCopy, pooled.ToArray());
    }
}
