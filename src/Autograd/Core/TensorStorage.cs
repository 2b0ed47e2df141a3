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

    /// <summary>Upper bound on the bytes the pool holds; arrays beyond it are left to the GC.</summary>
    internal const long MaxPooledBytes = 1L << 30;

    /// <summary>The right to use one rented array, shared by every tensor on it; revoked when its scope ends.</summary>
    internal sealed class Lease(Array array, TensorScope owner)
    {
        internal Array Array { get; } = array;
        internal TensorScope? Owner { get; set; } = owner;
        internal bool Revoked { get; set; }
    }

    private static readonly ConditionalWeakTable<Array, Lease> Leases = new();
    private static readonly Dictionary<(Type, int), Bucket> Free = [];
    private static long _pooledBytes;
    private static volatile bool _everScoped;

    /// <summary>Free arrays of one type and length, and the trim epoch and time (Environment.TickCount64) at which one was last taken or given back.</summary>
    private sealed class Bucket
    {
        internal readonly Stack<Array> Arrays = new();
        internal int LastUsed;
        internal long LastUsedTicks;
    }

    // Arrays the current backward node allocated on this thread (Note [Recycled gradients]); null when nobody watches.
    [ThreadStatic] private static List<Array>? _watched;

    /// <summary>False until the first TensorScope begins: until then nothing needs the current scope.</summary>
    internal static bool EverScoped => _everScoped;

    internal static void MarkScoped() => _everScoped = true;

    /// <summary>An array of n elements; zeroed when asked. Pooled when a scope is active in this flow.</summary>
    internal static T[] Allocate<T>(int n, bool zeroed) where T : unmanaged
    {
        if ((long)n * Unsafe.SizeOf<T>() >= CheckedBytes) EnsureAvailable<T>(n);
        if ((long)n * Unsafe.SizeOf<T>() < MinPooledBytes)
            return NewArray<T>(n, zeroed);
        var scope = _everScoped ? TensorScope.Current : null;
        // Outside a scope the pool still serves: it holds the gradients the engine recycled (Note [Recycled gradients]).
        T[]? array = Interlocked.Read(ref _pooledBytes) > 0 ? Take<T>(n) : null;
        // A fresh array must honour `zeroed` too: GC.AllocateUninitializedArray hands back whatever the
        // freed memory held (NaNs from a previous step), which silently corrupted accumulating kernels
        // (conv2d's weight gradient) in a scope's first step. A pooled one holds its last user's numbers.
        if (array is null) array = NewArray<T>(n, zeroed);
        else if (zeroed) Array.Clear(array);
        if (scope is null)
        {
            _watched?.Add(array);
            return array;
        }
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
        if (Buffer.ByteLength(array) < MinPooledBytes || LeaseOf(array) is not null) return;
        Give(array, checkTwice: true);
    }

    private static T[]? Take<T>(int n) where T : unmanaged
    {
        lock (Free)
        {
            if (!Free.TryGetValue((typeof(T), n), out var bucket) || !bucket.Arrays.TryPop(out var a)) return null;
            (bucket.LastUsed, bucket.LastUsedTicks) = (_epoch, Environment.TickCount64);
            _pooledBytes -= (long)n * Unsafe.SizeOf<T>();
            return (T[])a;
        }
    }

    private static void Give(Array array, bool checkTwice)
    {
        long bytes = Buffer.ByteLength(array);
        lock (Free)
        {
            if (_pooledBytes + bytes > MaxPooledBytes) return;
            var key = (array.GetType().GetElementType()!, array.Length);
            if (!Free.TryGetValue(key, out var bucket)) Free[key] = bucket = new Bucket();
            if (checkTwice && bucket.Arrays.Contains(array)) return;   // a few arrays per length: a cheap guard against handing one out twice
            bucket.Arrays.Push(array);
            (bucket.LastUsed, bucket.LastUsedTicks) = (_epoch, Environment.TickCount64);
            _pooledBytes += bytes;
            if (!_trimming) { _trimming = true; _ = new Gen2Trimmer(); }   // not stored: it must stay unreachable
        }
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
                foreach (var a in bucket.Arrays) _pooledBytes -= Buffer.ByteLength(a);
                bucket.Arrays.Clear();
            }
        }
    }

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
