using System.Diagnostics.Tracing;

namespace Autograd.Tests.Kernels;

/// <summary>Note [Tensor scopes]: pooled storage with loud failure on use after the scope.</summary>
public class TensorScopeTests
{
    private const int Big = 64 * 1024;   // elements: well above the pooling threshold

    [Fact]
    public void StorageIsReusedByTheNextScope()
    {
        float[][] first;
        using (new TensorScope())
        {
            var ones = Tensor.Ones([Big]);
            first = [ones.Array<float>(), (ones * 2).Array<float>()];
        }
        using (new TensorScope())
        {
            var ones = Tensor.Ones([Big]);
            var t = ones * 3;
            Assert.True(first.Any(a => ReferenceEquals(a, ones.Array<float>())), "ones got a fresh array");
            Assert.True(first.Any(a => ReferenceEquals(a, t.Array<float>())), "the product got a fresh array");
            Assert.All(t.ToFloatArray(), v => Assert.Equal(3f, v));
        }
    }

    [Fact]
    public void EmptyIsZeroedEvenWhenTheArrayIsRecycled()
    {
        using (new TensorScope()) _ = Tensor.Full([Big], 7.0);
        using (new TensorScope())
            Assert.All(Tensor.Zeros([Big]).ToFloatArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ConvWeightGradientInAScopesFirstStepMatchesOneWithout()
    {
        // A scope's first allocation of a size comes from the GC, not the pool. It used to be taken
        // uninitialised even when zeros were asked for, so it held whatever freed memory held: after
        // ReLU, conv2d's accumulated weight gradient came out as 1e30 or NaN in a training loop's first
        // step (3 runs in 6). Dirty the heap with NaN, then compare against the same step without a scope;
        // each round uses channel counts the pool has not seen.
        for (int round = 0; round < 6; round++)
        {
            int c = 20 + round;
            var garbage = new List<float[]>();
            for (int i = 0; i < 16; i++) { var a = GC.AllocateUninitializedArray<float>(64 * c * 28 * 28 + i); a.AsSpan().Fill(float.NaN); garbage.Add(a); }
            garbage.Clear();
            GC.Collect();
            var x = Tensor.Randn([64, c, 28, 28], generator: new Generator(round));
            var w = Tensor.Randn([c, c, 3, 3], generator: new Generator(100 + round)) * 0.1;
            float[] Step(bool scoped)
            {
                var wl = w.Detach().RequiresGrad_();
                using var scope = scoped ? new TensorScope() : null;
                var loss = (F.Conv2d(F.Relu(x * 1.0), wl, padding: 1) * x).Mean();
                loss.Backward();
                return wl.Grad!.ToFloatArray();
            }
            var scopedGrad = Step(scoped: true);
            var plainGrad = Step(scoped: false);
            for (int i = 0; i < plainGrad.Length; i++)
                Assert.True(Math.Abs(scopedGrad[i] - plainGrad[i]) <= 1e-6f + 1e-4f * Math.Abs(plainGrad[i]),
                    $"round {round}: weight grad [{i}] is {scopedGrad[i]} in a scope, {plainGrad[i]} without");
        }
    }

    [Fact]
    public void TensorUsedAfterItsScopeThrowsInsteadOfReadingRecycledData()
    {
        Tensor t, view;
        using (new TensorScope())
        {
            t = Tensor.Ones([Big]) + 1;
            view = t.Reshape([256, 256]);
        }
        var e = Assert.Throws<ObjectDisposedException>(() => t.ToFloatArray());
        Assert.Contains("TensorScope", e.Message);
        Assert.Throws<ObjectDisposedException>(() => view.Sum());
        Assert.Equal(Big, t.Numel);   // metadata stays readable
    }

    [Fact]
    public void KeptTensorSurvivesAndIsNeverHandedOutAgain()
    {
        Tensor kept;
        using (var scope = new TensorScope())
            kept = scope.Keep(Tensor.Ones([Big]) * 5);
        using (new TensorScope())
            for (int i = 0; i < 3; i++) _ = Tensor.Ones([Big]) * 9;
        Assert.All(kept.ToFloatArray(), v => Assert.Equal(5f, v));
    }

    [Fact]
    public void KeepMovesToTheEnclosingScope()
    {
        Tensor kept;
        using (var outer = new TensorScope())
        {
            using (var inner = new TensorScope())
                kept = inner.Keep(Tensor.Ones([Big]) * 4);
            Assert.Equal(4f, kept.ToFloatArray()[0]);
        }
        Assert.Throws<ObjectDisposedException>(() => kept.ToFloatArray());
    }

    [Fact]
    public void BackwardAfterTheScopeEndedThrows()
    {
        var w = Tensor.Randn([Big], requiresGrad: true);
        Tensor loss;
        using (new TensorScope()) loss = (w * w).Sum();
        var e = Assert.Throws<ObjectDisposedException>(() => loss.Backward());
        Assert.Contains("TensorScope", e.Message);
    }

    [Fact]
    public void TrainingStepInsideAScopeMatchesOneWithout()
    {
        var x = Tensor.Randn([4, 3, 16, 16], generator: new Generator(1));
        var init = Tensor.Randn([8, 3, 3, 3], generator: new Generator(2));
        float[] Run(bool scoped)
        {
            var w = init.CloneData().RequiresGrad_();
            for (int step = 0; step < 3; step++)
            {
                using var scope = scoped ? new TensorScope() : null;
                w.Grad = null;
                var y = F.MaxPool2d(F.Relu(F.Conv2d(x, w, padding: 1)), 2);
                F.Mean(y * y).Backward();
                var g = w.Grad!.ToFloatArray();
                var p = w.Array<float>();
                for (int i = 0; i < p.Length; i++) p[i] -= 0.1f * g[i];
            }
            return w.ToFloatArray();
        }
        Assert.Equal(Run(false), Run(true));
    }

    [Fact]
    public void ScopesMustEndInnermostFirst()
    {
        var outer = new TensorScope();
        var inner = new TensorScope();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.Null(TensorScope.Current);
    }
}

/// <summary>Runs alone: counts large-object-heap allocations process-wide through the runtime's events.</summary>
[Collection("Threading")]
public class TensorScopeLargeObjectHeapTests
{
    [Fact]
    public void SteadyStateTrainingStepAllocatesNoLargeObjectHeapArrays()
    {
        var g = new Generator(3);
        var x = Tensor.Randn([16, 1, 28, 28], generator: g);
        var w1 = (Tensor.Randn([16, 1, 3, 3], generator: g) * 0.3).Detach().RequiresGrad_();
        var w2 = (Tensor.Randn([10, 16 * 14 * 14], generator: g) * 0.01).Detach().RequiresGrad_();
        int[] target = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        void Step()
        {
            using var scope = new TensorScope();
            w1.Grad = w2.Grad = null;
            var h = F.MaxPool2d(F.Relu(F.Conv2d(x, w1, padding: 1)), 2);
            var loss = F.CrossEntropy(F.Linear(F.Flatten(h, 1), w2), target);
            loss.Backward();
            Assert.True(double.IsFinite(loss.Item()));
        }
        for (int i = 0; i < 5; i++) Step();   // warm the pool
        using var listener = new LargeAllocationListener();
        // The runtime raises a tick per 100 kB of large-object allocation anywhere in the process, so
        // every array ≥ 100 kB raises one. A couple may come from one-off work (the shared ArrayPool
        // refilling after it trims itself, the test host); one large array per step would give 20–40.
        // Without the scope the same steps allocate ≥ 4 large arrays each (conv output, relu, pool
        // output and indices ≥ 85 kB): the listener must see those, or this test proves nothing.
        for (int i = 0; i < 40; i++) Step();
        Thread.Sleep(300);
        int scoped = listener.Count;
        for (int i = 0; i < 10; i++)
        {
            w1.Grad = w2.Grad = null;
            var h = F.MaxPool2d(F.Relu(F.Conv2d(x, w1, padding: 1)), 2);
            F.CrossEntropy(F.Linear(F.Flatten(h, 1), w2), target).Backward();
        }
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (listener.Count - scoped < 10 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.True(scoped <= 3, $"{scoped} large-object-heap allocation ticks in 40 scoped steps");
        Assert.True(listener.Count - scoped >= 10, $"the listener saw only {listener.Count - scoped} ticks in 10 unscoped steps");
    }

    /// <summary>GCAllocationTick events of kind Large: one per ~100 kB allocated on the large-object heap.</summary>
    private sealed class LargeAllocationListener : EventListener
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);   // GC keyword
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
            int i = e.PayloadNames.IndexOf("AllocationKind");
            if (i >= 0 && Convert.ToInt32(e.Payload![i]) == 1) Interlocked.Increment(ref _count);
        }
    }
}
