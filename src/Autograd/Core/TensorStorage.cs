using System.Runtime.CompilerServices;

namespace Autograd;

/// <summary>
/// Where storage comes from: pooled exact-length arrays inside a <see cref="TensorScope"/>, the GC
/// heap otherwise. Kernels allocate their outputs (and large residuals) here.
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
    private static readonly Dictionary<(Type, int), Stack<Array>> Free = [];
    private static long _pooledBytes;
    private static volatile bool _everScoped;

    /// <summary>False until the first TensorScope begins: until then nothing needs the current scope.</summary>
    internal static bool EverScoped => _everScoped;

    internal static void MarkScoped() => _everScoped = true;

    /// <summary>An array of n elements; zeroed when asked. Pooled when a scope is active in this flow.</summary>
    internal static T[] Allocate<T>(int n, bool zeroed) where T : unmanaged
    {
        if ((long)n * Unsafe.SizeOf<T>() >= CheckedBytes) EnsureAvailable<T>(n);
        var scope = (long)n * Unsafe.SizeOf<T>() < MinPooledBytes || !_everScoped ? null : TensorScope.Current;
        if (scope is null)
            return NewArray<T>(n, zeroed);
        T[]? array = null;
        lock (Free)
        {
            if (Free.TryGetValue((typeof(T), n), out var stack) && stack.TryPop(out var a))
            {
                array = (T[])a;
                _pooledBytes -= (long)n * Unsafe.SizeOf<T>();
            }
        }
        // A fresh array must honour `zeroed` too: GC.AllocateUninitializedArray hands back whatever the
        // freed memory held (NaNs from a previous step), which silently corrupted accumulating kernels
        // (conv2d's weight gradient) in a scope's first step.
        if (array is null) array = NewArray<T>(n, zeroed);
        else if (zeroed) Array.Clear(array);
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
        long bytes = Buffer.ByteLength(array);
        lock (Free)
        {
            if (_pooledBytes + bytes > MaxPooledBytes) return;
            var key = (array.GetType().GetElementType()!, array.Length);
            if (!Free.TryGetValue(key, out var stack)) Free[key] = stack = new Stack<Array>();
            stack.Push(array);
            _pooledBytes += bytes;
        }
    }
}
