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
//  * Scopes are strictly nested per flow of control and are disposed innermost first (below).
// What survives a scope: tensors allocated outside it (parameters, inputs, optimizer state), and
// tensors passed to Keep (moved to the enclosing scope, or out of scopes altogether). Gradients
// accumulated into leaves inside the scope belong to it: a training loop zeroes them each step
// anyway (optimizer.ZeroGrad() at the top of the scope); Keep(p.Grad) keeps one.
// Another thread must not be using a scope's tensors when the scope ends (as with any disposal).
// The current scope follows the flow of control, as grad mode does (Notes [Grad mode across await],
// [Flow chains]):
// it flows across await and into tasks and parallel loops started inside it (whose allocations it
// then owns, so its lease list is locked), and the scope in effect is the innermost one of this flow
// that has not ended. So `using var scope = new TensorScope(); ... await ...;` works: the scope may
// end on another thread than the one that began it. Ending a scope while a scope begun inside it is
// still active, or from a flow it was not begun in, throws and changes nothing.

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
public sealed class TensorScope : IDisposable, IFlowLink<TensorScope>
{
    private static readonly AsyncLocal<TensorScope?> Innermost = new();

    private readonly TensorScope? _outer;
    private readonly List<TensorStorage.Lease> _leases = [];
    private volatile bool _disposed;

    /// <summary>Starts a scope in this flow of control; it is the current one until disposed.</summary>
    public TensorScope()
    {
        TensorStorage.MarkScoped();
        _outer = Current;
        Innermost.Value = this;
    }

    /// <summary>The innermost active scope of this flow of control (across await), or null.</summary>
    public static TensorScope? Current => FlowChain.Active(Innermost.Value);

    TensorScope? IFlowLink<TensorScope>.Outer => _outer;

    bool IFlowLink<TensorScope>.Ended => _disposed;

    /// <summary>True once disposed: its tensors' storage has been recycled.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Number of arrays this scope has rented and will return.</summary>
    public int RentedArrays { get { lock (_leases) return _leases.Count; } }

    /// <summary>
    /// Keeps <paramref name="tensor"/>'s storage (and every view of it) alive past this scope: it moves
    /// to the enclosing scope, or out of scopes altogether. Returns the tensor.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ThrowIfDisposed();
        Move(tensor.Lease);
        Move(tensor.CopyLease);   // a slice view's own copy (Note [Slice views]), or where it will be rented
        tensor.KeepSliceIn(this, _outer);
        return tensor;

        void Move(TensorStorage.Lease? lease)
        {
            if (lease is null || !ReferenceEquals(lease.Owner, this)) return;
            lock (_leases) _leases.Remove(lease);
            lease.Owner = _outer;
            _outer?.Add(lease);
        }
    }

    /// <summary>Returns every array rented in this scope to the pool and revokes the tensors using them.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        FlowChain.End(Innermost, this, () => _disposed = true, (_, inside) => new InvalidOperationException(inside
            ? "TensorScope: scopes must be disposed innermost first (a scope begun inside this one is still active)"
            : "TensorScope: this scope was not begun in the current flow of control (dispose it where it was created, across await if need be)"));
        TensorStorage.Lease[] leases;
        lock (_leases) { leases = [.. _leases]; _leases.Clear(); }
        foreach (var lease in leases) TensorStorage.Return(lease);
    }

    internal void Add(TensorStorage.Lease lease) { lock (_leases) _leases.Add(lease); }

    internal void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(TensorScope), "TensorScope: this scope has ended");
    }

    internal static ObjectDisposedException Ended() => new(nameof(Tensor),
        "This tensor's storage was recycled when the TensorScope it was created in ended; use it inside the scope, or keep it with scope.Keep(tensor).");
}
