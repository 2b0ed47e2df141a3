using System.Runtime.CompilerServices;

namespace Autograd;

// Note [Tensor scopes]
// .NET has no reference counts, so a tensor's storage becomes garbage only when the GC finds it, and
// every large storage (≥ 85 kB) is a fresh large-object-heap array: a training step allocates tens of
// megabytes of them and the LOH churns. A TensorScope (like TorchSharp's DisposeScope) gives those
// tensors a lifetime: while one is active on a thread, storage allocated on that thread
// (TensorStorage.Allocate, behind Tensor.Empty and the kernels' outputs) is rented from a pool of
// exact-length arrays, and when the scope is disposed every such array goes back to the pool.
// Safety rests on three checks, so a mistake is an exception, never silently recycled numbers:
//  * Each rented array has a Lease, shared by every tensor viewing it (found by array identity when
//    a view is made). Disposing the scope revokes the lease; any later use of such a tensor's data
//    throws ObjectDisposedException naming the scope.
//  * A node records the scope it was created in and refuses to run backward after that scope ended,
//    so a backward closure can never read a recycled array it captured directly (argmax indices).
//  * Scopes are strictly nested per thread and must be disposed on their thread, innermost first.
// What survives a scope: tensors allocated outside it (parameters, inputs, optimizer state), and
// tensors passed to Keep (moved to the enclosing scope, or out of scopes altogether). Gradients
// accumulated into leaves inside the scope belong to it: a training loop zeroes them each step
// anyway (optimizer.ZeroGrad() at the top of the scope); Keep(p.Grad) keeps one.
// Another thread must not be using a scope's tensors when the scope ends (as with any disposal).

/// <summary>
/// A region whose tensors' storage is recycled when it ends, so a training step in steady state
/// allocates no large arrays (Note [Tensor scopes]). Usage:
/// <code>
/// for (...) {
///     using var scope = new TensorScope();
///     opt.ZeroGrad();
///     var loss = F.CrossEntropy(model.Forward(x), y);
///     loss.Backward();
///     opt.Step();
///     total += loss.Item();          // read what you need before the scope ends
/// }
/// </code>
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _outer;
    private readonly int _thread;
    private readonly List<TensorStorage.Lease> _leases = [];

    /// <summary>Starts a scope on this thread; it is the current one until disposed.</summary>
    public TensorScope()
    {
        _outer = _current;
        _thread = Environment.CurrentManagedThreadId;
        _current = this;
    }

    /// <summary>The innermost active scope of this thread, or null.</summary>
    public static TensorScope? Current => _current;

    /// <summary>True once disposed: its tensors' storage has been recycled.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Number of arrays this scope has rented and will return.</summary>
    public int RentedArrays => _leases.Count;

    /// <summary>
    /// Keeps <paramref name="tensor"/>'s storage (and every view of it) alive past this scope: it moves
    /// to the enclosing scope, or out of scopes altogether. Returns the tensor.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ThrowIfDisposed();
        if (tensor.Lease is { } lease && ReferenceEquals(lease.Owner, this))
        {
            _leases.Remove(lease);
            lease.Owner = _outer;
            _outer?._leases.Add(lease);
        }
        return tensor;
    }

    /// <summary>Returns every array rented in this scope to the pool and revokes the tensors using them.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("TensorScope: a scope must be disposed on the thread that created it");
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("TensorScope: scopes must be disposed innermost first (an inner scope is still active)");
        IsDisposed = true;
        _current = _outer;
        foreach (var lease in _leases) TensorStorage.Return(lease);
        _leases.Clear();
    }

    internal void Add(TensorStorage.Lease lease) => _leases.Add(lease);

    internal void ThrowIfDisposed()
    {
        if (IsDisposed) throw new ObjectDisposedException(nameof(TensorScope), "TensorScope: this scope has ended");
    }

    internal static ObjectDisposedException Ended() => new(nameof(Tensor),
        "This tensor's storage was recycled when the TensorScope it was created in ended; use it inside the scope, or keep it with scope.Keep(tensor).");
}

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

    /// <summary>An array of n elements; zeroed when asked. Pooled when a scope is active on this thread.</summary>
    internal static T[] Allocate<T>(int n, bool zeroed) where T : unmanaged
    {
        var scope = TensorScope.Current;
        if (scope is null || (long)n * Unsafe.SizeOf<T>() < MinPooledBytes)
            return zeroed ? new T[n] : GC.AllocateUninitializedArray<T>(n);
        _everScoped = true;
        T[]? array = null;
        lock (Free)
        {
            if (Free.TryGetValue((typeof(T), n), out var stack) && stack.TryPop(out var a))
            {
                array = (T[])a;
                _pooledBytes -= (long)n * Unsafe.SizeOf<T>();
            }
        }
        if (array is null) array = GC.AllocateUninitializedArray<T>(n);
        else if (zeroed) Array.Clear(array);
        var lease = new Lease(array, scope);
        Leases.AddOrUpdate(array, lease);
        scope.Add(lease);
        return array;
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
