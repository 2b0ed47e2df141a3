using System.Runtime;
using System.Runtime.CompilerServices;

namespace Autograd;

/// <summary>
/// Where storage comes from: pooled exact-length arrays inside a <see cref="TensorScope"/>; outside one,
/// the pool's free arrays (gradients backward gave back, Note [Recycled gradients]) or the GC heap.
/// Kernels allocate their outputs (and large residuals) here.
/// </summary>
internal static class TensorStorage
{
    /// <summary>Arrays shorter than this (bytes) are never pooled: gen0 handles them well.</summary>
    internal const int MinPooledBytes = 16 * 1024;

    /// <summary>
    /// Upper bound on the bytes the pool holds: an array given back beyond it evicts the least recently used
    /// lengths, and one larger than it is left to the GC. Settable for tests only.
    /// </summary>
    internal static long MaxPooledBytes { get; set; } = 1L << 30;

    /// <summary>The right to use one rented array, shared by every tensor on it; revoked when its scope ends.</summary>
    internal sealed class Lease(Array array, TensorScope owner)
    {
        internal Array Array { get; } = array;
        internal TensorScope? Owner { get; set; } = owner;
        internal bool Revoked { get; set; }
    }

    private static readonly ConditionalWeakTable<Array, Lease> Leases = new();
    private static readonly Dictionary<(Type, int), Bucket> Free = [];
    private static long _pooledBytes, _uses;
    private static volatile bool _everScoped;

    /// <summary>Free arrays of one type and length, and the trim epoch and time (Environment.TickCount64) at which one was last taken or given back.</summary>
    private sealed class Bucket
    {
        internal readonly Stack<Array> Arrays = new();
        internal int LastUsed;
        internal long LastUsedTicks;
        internal long LastUsedOrder;   // _uses when last taken or given back: the eviction order
    }

    // Arrays the current backward node allocated on this thread (Note [Recycled gradients]); null when nobody watches.
    [ThreadStatic] private static List<Array>? _watched;

    /// <summary>False until the first TensorScope begins: until then nothing needs the current scope.</summary>
    internal static bool EverScoped => _everScoped;

    internal static void MarkScoped() => _everScoped = true;

    /// <summary>An array of n elements; zeroed when asked. Pooled when a scope is active in this flow.</summary>
    internal static T[] Allocate<T>(int n, bool zeroed) where T : unmanaged
    {
        long bytes = (long)n * Unsafe.SizeOf<T>();
        if (bytes >= CheckedBytes) EnsureAvailable<T>(n);
        if (bytes < MinPooledBytes)
            return NewArray<T>(n, zeroed);
        var scope = _everScoped ? TensorScope.Current : null;
        // Outside a scope the pool still serves: it holds the gradients the engine recycled (Note [Recycled
        // gradients]) and the large arrays the GC found dead (Note [Collected arrays come back]).
        T[]? array = Interlocked.Read(ref _pooledBytes) > 0 ? Take<T>(n) : null;
        bool reclaimed = scope is null && bytes >= ReclaimedBytes && bytes <= MaxPooledBytes;
        if (array is null && reclaimed && Reclaimer.CollectIfDue()) array = Take<T>(n);
        bool fromPool = array is not null;
        // A fresh array must honour `zeroed` too: GC.AllocateUninitializedArray hands back whatever the
        // freed memory held (NaNs from a previous step), which silently corrupted accumulating kernels
        // (conv2d's weight gradient) in a scope's first step. A pooled one holds its last user's numbers.
        if (array is null) array = NewArray<T>(n, zeroed);
        else if (zeroed) Array.Clear(array);
        if (scope is null)
        {
            _watched?.Add(array);
            if (reclaimed) Reclaimer.Arm(array);
            return array;
        }
        if (fromPool) Reclaimer.Disarm(array);   // a scope's array goes back by its lease, or lives on kept (Note [Collected arrays come back])
        var lease = new Lease(array, scope);
        Leases.AddOrUpdate(array, lease);
        scope.Add(lease);
        return array;
    }

    // Note [Memory guard]
    // On Linux a huge array does not fail when it is allocated: the kernel overcommits, and the process
    // is killed by the OOM killer when the kernel writes the pages (an adaptive pool to (1, 2^30) ended
    // that way). PyTorch's allocator answers "DefaultCPUAllocator: not enough memory: you tried to
    // allocate N bytes". So every tensor storage of 64 MiB or more is checked first against the memory
    // the machine can still give (MemAvailable, and the GC's limit, which honours containers), and one
    // that cannot be had throws InsufficientMemoryException (an OutOfMemoryException) before any work.
    // Smaller arrays are not checked: the check reads /proc, a few microseconds.

    /// <summary>Storages at least this large (bytes) are checked against the available memory.</summary>
    internal const long CheckedBytes = 64L << 20;

    private static void EnsureAvailable<T>(int n) where T : unmanaged => CheckAvailable(n, Unsafe.SizeOf<T>(), DTypeName<T>(), AvailableBytes());

    /// <summary>Throws when n elements of elementSize bytes exceed <paramref name="available"/> bytes.</summary>
    internal static void CheckAvailable(long n, int elementSize, string dtype, long available)
    {
        if (n * elementSize > available)
            throw NotEnoughMemory(n, elementSize, dtype, $"but only about {available} bytes are available", null);
    }

    /// <summary>
    /// A fresh array. When the runtime cannot give it although the guard's estimate said it could (a
    /// fragmented large-object heap under a hard limit), the OutOfMemoryException becomes the guard's
    /// clear InsufficientMemoryException: nothing was allocated, so the process is in a sound state.
    /// </summary>
    /// <summary>
    /// An uninitialised array of n elements of <paramref name="dtype"/> from the GC heap, never pooled or leased:
    /// for storage that may outlive the scope it is first read in (a slice view's values, Note [Slice views]).
    /// </summary>
    internal static Array AllocateUnpooled(DType dtype, int n)
    {
        return dtype switch
        {
            DType.Float32 => Unpooled<float>(n),
            DType.Float64 => Unpooled<double>(n),
            DType.Int64 => Unpooled<long>(n),
            DType.Int32 => Unpooled<int>(n),
            DType.Bool => Unpooled<bool>(n),
            _ => Unpooled<byte>(n),
        };

        static T[] Unpooled<T>(int n) where T : unmanaged
        {
            if ((long)n * Unsafe.SizeOf<T>() >= CheckedBytes) EnsureAvailable<T>(n);
            return NewArray<T>(n, zeroed: false);
        }
    }

    private static T[] NewArray<T>(int n, bool zeroed) where T : unmanaged
    {
        try { return zeroed ? new T[n] : GC.AllocateUninitializedArray<T>(n); }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
        {
            throw NotEnoughMemory(n, Unsafe.SizeOf<T>(), DTypeName<T>(), $"and the runtime could not provide them ({e.Message})", e);
        }
    }

    private static InsufficientMemoryException NotEnoughMemory(long n, int elementSize, string dtype, string why, Exception? inner) =>
        new($"not enough memory: you tried to allocate {n * elementSize} bytes (a tensor of {n} {dtype} elements), {why}", inner);

    private static string DTypeName<T>() => typeof(T) == typeof(float) ? "float32" : typeof(T) == typeof(double) ? "float64" : typeof(T).Name;

    /// <summary>What a new allocation can still get: the GC's limit minus its heap, and on Linux at most MemAvailable.</summary>
    internal static long AvailableBytes()
    {
        var info = GC.GetGCMemoryInfo();
        long available = info.TotalAvailableMemoryBytes - GC.GetTotalMemory(forceFullCollection: false);
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var kb = line.AsSpan("MemAvailable:".Length).Trim().TrimEnd("kB").Trim();
                    if (long.TryParse(kb, out long k)) available = Math.Min(available, k * 1024);
                    break;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Math.Max(0, available);
    }

    /// <summary>The live lease on a pooled array (null for ordinary arrays).</summary>
    internal static Lease? LeaseOf(Array array) =>
        _everScoped && Leases.TryGetValue(array, out var lease) && !lease.Revoked ? lease : null;

    internal static void Return(Lease lease)
    {
        lease.Revoked = true;
        var array = lease.Array;
        Leases.Remove(array);
        Give(array, checkTwice: false);
    }

    /// <summary>
    /// Starts recording the arrays this thread allocates outside a scope into <paramref name="log"/> (null stops);
    /// returns the previous log, to be restored (Note [Recycled gradients]).
    /// </summary>
    internal static List<Array>? Watch(List<Array>? log)
    {
        var previous = _watched;
        _watched = log;
        return previous;
    }

    /// <summary>
    /// Gives back an array that nothing references any more (the engine's dead gradients, Note [Recycled
    /// gradients]). Arrays of a scope (leased) and small ones are left alone; an array already in the pool
    /// is not added twice.
    /// </summary>
    internal static void Recycle(Array array)
    {
        if (ByteLength(array) < MinPooledBytes || LeaseOf(array) is not null) return;
        Give(array, checkTwice: true);
    }

    private static T[]? Take<T>(int n) where T : unmanaged
    {
        lock (Free)
        {
            if (!Free.TryGetValue((typeof(T), n), out var bucket) || !bucket.Arrays.TryPop(out var a)) return null;
            (bucket.LastUsed, bucket.LastUsedTicks, bucket.LastUsedOrder) = (_epoch, Environment.TickCount64, ++_uses);
            _pooledBytes -= (long)n * Unsafe.SizeOf<T>();
            return (T[])a;
        }
    }

    private static void Give(Array array, bool checkTwice)
    {
        long bytes = ByteLength(array);
        lock (Free)
        {
            if (bytes > MaxPooledBytes) return;
            var key = (array.GetType().GetElementType()!, array.Length);
            if (bytes > MaxPooledBytes - _pooledBytes && !Evict(bytes, key)) return;
            if (!Free.TryGetValue(key, out var bucket)) Free[key] = bucket = new Bucket();
            if (checkTwice && bucket.Arrays.Contains(array)) return;   // a few arrays per length: a cheap guard against handing one out twice
            bucket.Arrays.Push(array);
            (bucket.LastUsed, bucket.LastUsedTicks, bucket.LastUsedOrder) = (_epoch, Environment.TickCount64, ++_uses);
            _pooledBytes += bytes;
            if (!_trimming) { _trimming = true; _ = new Gen2Trimmer(); }   // not stored: it must stay unreachable
        }
    }

    /// <summary>
    /// Makes room for <paramref name="bytes"/> by dropping whole lengths, least recently used first, never
    /// <paramref name="keep"/> (Note [Pool trimming]); false when even that cannot. Called under the lock.
    /// </summary>
    private static bool Evict(long bytes, (Type, int) keep)
    {
        foreach (var (key, bucket) in Free.OrderBy(e => e.Value.LastUsedOrder).ToList())
        {
            if (bytes <= MaxPooledBytes - _pooledBytes) break;
            if (key == keep) continue;
            Drop(bucket);
        }
        return bytes <= MaxPooledBytes - _pooledBytes;
    }

    private static void Drop(Bucket bucket)
    {
        foreach (var a in bucket.Arrays) { _pooledBytes -= ByteLength(a); Reclaimer.Disarm(a); }
        bucket.Arrays.Clear();
    }

    // Note [Pool trimming]
    // The pool keeps arrays for the next step's allocations; a program that stops training (or changes its
    // sizes) would otherwise hold them forever, up to MaxPooledBytes. As ArrayPool<T>.Shared does, it is
    // trimmed when the GC runs a gen-2 collection: a length whose arrays nobody took or gave back since the
    // previous gen-2 collection AND for the last IdleMilliseconds is dropped, and the GC reclaims its arrays.
    // A loop that allocates each length every step keeps its arrays across any number of collections.
    // The time matters: gen-2 collections can come back to back (GC.Collect twice, as BenchmarkDotNet does
    // between iterations, or several large-object collections inside one step), and an epoch count alone
    // then emptied the whole pool before every step. Each step's arrays came fresh from the GC, and a fresh
    // page costs ~3.5 µs on this VM: the Hessian-vector product bench measured 104 ms (149 MB allocated per
    // call) instead of 80 ms (2.4 MB).
    // A full pool (MaxPooledBytes) makes room for an array given back by dropping whole lengths, least
    // recently used first, where it used to refuse it: since dead arrays come back (Note [Collected arrays
    // come back]) the pool fills up to its bound, and a program that moved on to other sizes would have
    // got every new length fresh until the stale ones went idle long enough to be trimmed.
    private const long IdleMilliseconds = 10_000;
    private static int _epoch;
    private static bool _trimming;

    /// <summary>
    /// Drops the lengths unused since the previous call and for <paramref name="idleMilliseconds"/>; called on
    /// every gen-2 collection with the default (tests pass 0).
    /// </summary>
    internal static void Trim(long idleMilliseconds = IdleMilliseconds)
    {
        lock (Free)
        {
            _epoch++;
            long now = Environment.TickCount64;
            foreach (var (key, bucket) in Free)
            {
                if (bucket.LastUsed >= _epoch - 1 || now - bucket.LastUsedTicks < idleMilliseconds || bucket.Arrays.Count == 0) continue;
                Drop(bucket);
            }
        }
    }

    // Note [Collected arrays come back]
    // Outside a TensorScope a large storage (≥ ReclaimedBytes, the large-object heap's threshold) used to
    // be a fresh GC array every time, and a fresh array's pages are first-touch page faults: ~10 µs a page
    // on the VMs we measure on, 16 ms for a 6.4 MB activation; a CNN training step took 2.4× its scoped
    // time (issue 18 point 5). Recycling the array when its Tensor object dies is not safe: a Span, a
    // kernel's local or a user's reference can still reach the array. So the trigger is the array's own
    // death: a Reclaimer is attached to the array through a ConditionalWeakTable (an ephemeron: it lives
    // exactly as long as the array) and holds the array strongly. When nothing else reaches the array (no
    // tensor, view, Span, byref or pinned handle: each of those is a GC root or reference that keeps it
    // marked), the pair is garbage and the Reclaimer's finalizer runs, resurrecting the array, which it
    // gives to the pool; nobody else can ever see that array again, so handing it out is safe. Handed out
    // again, its Reclaimer (the same one, or a new one where the table let the entry go) is registered for
    // finalization again (Arm); `_armed` keeps it registered at most once, so one death gives it back once. Arrays the engine recycles (Note [Recycled
    // gradients]) come back armed and stay so; arrays the trim drops are disarmed so they go to the GC.
    // Only large arrays: they live in gen 2 anyway, while resurrecting a gen-0 array would promote it.
    // A scope's arrays never get one (their lease returns them). Cost: a table entry and a finalizable
    // object per fresh large array, one flag test per reuse.
    // When: only a gen-2 collection finds a large array dead, and to the runtime every resurrected array
    // is a survivor, so it stretched its large-object budget and nearly stopped collecting (a probe of the
    // batch-8 step: 2 gen-2 collections in 2 000 steps instead of 615, so nearly every array fresh again,
    // the step 7× slower). So a pool miss for such an array collects (gen 2, blocking, not compacting)
    // once the arrays handed out since its last collection reach the threshold, then waits for the
    // finalizers and takes again: a fresh array is what it costs to wait (a fresh 25.7 MB gradient is ~60 ms
    // of page faults here; the reclaimers run in microseconds). A collection should cost less than the
    // page faults it saves, and the heap's size says little about its cost (float arrays are not scanned),
    // so the threshold comes from the last one's pause: 4 bytes handed out per nanosecond it paused (a 4 KB
    // first-touch fault at ~1 µs, a usual VM; 0.25 µs on bare metal, ~10 µs on this VM), at least
    // MinCollectBytes: up to a 16 ms pause waits for 64 MB (the test host's take 10–12 ms, a small
    // program's ~1 ms), a 100 ms one (a user's heap of many small objects) for 400 MB.
    // Other parties' gen-2 collections do not reset the count: the runtime's are background collections,
    // whose finalizers come only after the caller has gone on allocating (in the test host, after 4 000
    // tests, resetting at each of them left 194 of 419 MB fresh in the loop test; 79 MB without).
    // No collection is forced in a no-GC region or GCLatencyMode.LowLatency (the caller asked for none;
    // arrays then come back only from the runtime's own collections), nor on the finalizer thread.
    // Caveat: waiting for finalizers would deadlock on a user finalizer needing a lock the caller holds.

    /// <summary>Arrays allocated outside a scope at least this large (bytes) return to the pool when they die.</summary>
    internal const int ReclaimedBytes = 85_000;

    /// <summary>Bytes of such arrays handed out between the gen-2 collections a pool miss asks for, at least.</summary>
    internal const long MinCollectBytes = 64L << 20;

    /// <summary>Bytes to hand out per nanosecond the last collection paused for, before the next (a 4 KB page fault at ~1 µs).</summary>
    private const double BytesPerCollectNanosecond = 4;

    private static readonly ConditionalWeakTable<Array, Reclaimer> Reclaimers = new();

    /// <summary>Gives its array to the pool when the GC finds both unreachable (Note [Collected arrays come back]).</summary>
    private sealed class Reclaimer
    {
        private readonly Array _array;
        private int _armed = 1;   // 1 while registered for finalization (a new object with a finalizer starts so)

        private Reclaimer(Array array) => _array = array;

        private static long _armedBytes;
        internal static long CollectAt = MinCollectBytes;   // bytes to hand out before the next collection; read by CollectThreshold
        private static int _finalizerThread = -1;

        /// <summary>
        /// On a pool miss for a reclaimed length: collects, and lets the finalizers give back what died, when the
        /// arrays handed out since its last collection reach the threshold (see the note). True when it collected.
        /// Never on the finalizer thread (a user's finalizer making tensors: it cannot wait for itself), nor in a
        /// no-GC region or low-latency mode.
        /// </summary>
        internal static bool CollectIfDue()
        {
            if (Environment.CurrentManagedThreadId == Volatile.Read(ref _finalizerThread)) return false;
            // A caller who asked the GC not to run full blocking collections (a no-GC region, low latency) is obeyed.
            if (GCSettings.LatencyMode is GCLatencyMode.NoGCRegion or GCLatencyMode.LowLatency) return false;
            if (Interlocked.Read(ref _armedBytes) < Interlocked.Read(ref CollectAt)) return false;
            Interlocked.Exchange(ref _armedBytes, 0);
            var paused = GC.GetTotalPauseDuration();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
            double ns = (GC.GetTotalPauseDuration() - paused).TotalNanoseconds;
            GC.WaitForPendingFinalizers();
            Interlocked.Exchange(ref CollectAt, Math.Max(MinCollectBytes, (long)Math.Min(ns * BytesPerCollectNanosecond, long.MaxValue / 2)));
            return true;
        }

        /// <summary>Makes the array come back to the pool when it dies.</summary>
        internal static void Arm(Array array)
        {
            Interlocked.Add(ref _armedBytes, ByteLength(array));
            // No other thread holds this array: it is fresh, or Take handed it to this caller alone.
            if (!Reclaimers.TryGetValue(array, out var r)) { Reclaimers.Add(array, new Reclaimer(array)); return; }
            if (Interlocked.Exchange(ref r._armed, 1) == 0) GC.ReRegisterForFinalize(r);
        }

        /// <summary>Lets a dropped array go to the GC.</summary>
        internal static void Disarm(Array array)
        {
            if (Reclaimers.TryGetValue(array, out var r) && Interlocked.Exchange(ref r._armed, 0) == 1) GC.SuppressFinalize(r);
        }

        ~Reclaimer()
        {
            Volatile.Write(ref _finalizerThread, Environment.CurrentManagedThreadId);
            Volatile.Write(ref _armed, 0);
            // An exception escaping a finalizer ends the process; if the pool cannot take the array, the GC does.
            try { Give(_array, checkTwice: true); }
            catch (Exception) { }
        }
    }

    /// <summary>An array's size in bytes; long.MaxValue (too large to pool) past what Buffer.ByteLength's int can count.</summary>
    private static long ByteLength(Array array) => array.Length <= int.MaxValue / 16 ? Buffer.ByteLength(array) : long.MaxValue;

    /// <summary>Bytes of reclaimed arrays to hand out before a pool miss collects (tests; Note [Collected arrays come back]).</summary>
    internal static long CollectThreshold => Interlocked.Read(ref Reclaimer.CollectAt);

    /// <summary>Bytes the pool holds now (tests).</summary>
    internal static long PooledBytes { get { lock (Free) return _pooledBytes; } }

    /// <summary>
    /// Unreachable once made, so its finalizer runs when the GC collects its generation; it re-registers
    /// itself, and once promoted to gen 2 it runs on every gen-2 collection (the runtime's Gen2GcCallback).
    /// </summary>
    private sealed class Gen2Trimmer
    {
        ~Gen2Trimmer()
        {
            if (Environment.HasShutdownStarted) return;
            Trim();
            GC.ReRegisterForFinalize(this);
        }
    }
}
