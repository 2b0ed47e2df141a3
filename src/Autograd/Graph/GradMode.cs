namespace Autograd;

// Note [Grad mode across await]
// PyTorch keeps grad mode per thread. In .NET one logical flow of control moves between threads at
// every await, so a [ThreadStatic] mode set by `using (Grad.NoGrad()) { await ...; }` is restored on
// whichever thread runs the continuation and stays off on the thread that entered the scope, where
// unrelated work later runs unrecorded. So the mode follows the flow of control instead:
//  * It lives in an AsyncLocal: it flows across await, into tasks started inside the scope (Task.Run,
//    Parallel.For), and never leaks to other flows. A thread-pool thread starts every work item with
//    the default (enabled).
//  * The mode in effect is the innermost scope of this flow that has not been disposed. Scopes form
//    a chain (each remembers the one it replaced; Note [Flow chains]); disposing marks a scope ended,
//    so a scope disposed from a child task (which sees the same chain) is over for its creator's flow too.
//  * Disposing a scope while a scope opened inside it is still active throws InvalidOperationException
//    and changes nothing: an out-of-order Dispose can never leave the mode wrong. Disposing twice is a
//    no-op.
// Reading the mode costs one AsyncLocal read per recorded op once any scope has been opened (none
// before), and the backward walk switches recording off with a thread-local depth instead of an
// AsyncLocal write (measured with the bench's record_8_small_ops case).

/// <summary>Whether ops are recorded in the current flow of control (torch.is_grad_enabled).</summary>
internal static class GradMode
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>False until the first scope is opened: until then reading the mode costs no AsyncLocal lookup.</summary>
    private static volatile bool _everSet;

    /// <summary>
    /// Depth of backward walks running on this thread. The engine's walk is synchronous (no await), so
    /// a thread-local depth is exact for it, and entering it costs no ExecutionContext allocation (an
    /// AsyncLocal write allocates one): backward runs with grad mode off unless a scope opened inside
    /// the walk itself says otherwise.
    /// </summary>
    [ThreadStatic] private static int _backwardDepth;

    /// <summary>Grad mode of the innermost backward walk on this thread: on only under createGraph.</summary>
    [ThreadStatic] private static bool _backwardRecords;

    /// <summary>
    /// This thread's backward-walk depth. A nested pass moved to a fresh thread continues the count there
    /// (Note [Reentrant backward]), so a scope opened by an outer walk is never taken for one of its own.
    /// </summary>
    internal static int BackwardDepth { get => _backwardDepth; set => _backwardDepth = value; }

    internal static bool IsEnabled
    {
        get
        {
            var active = _everSet ? Active(Current.Value) : null;
            if (_backwardDepth == 0) return active is not { Enabled: false };
            return active is not null && active.BackwardDepth == _backwardDepth ? active.Enabled : _backwardRecords;
        }
    }

    internal static IDisposable Set(bool enabled)
    {
        _everSet = true;
        var scope = new Scope(enabled, Current.Value, _backwardDepth);
        Current.Value = scope;
        return scope;
    }

    /// <summary>
    /// Grad mode for one backward walk on this thread (Engine.Run): off, or on under createGraph, as
    /// PyTorch's engine sets it; dispose to leave it.
    /// </summary>
    internal static BackwardWalk EnterBackward(bool createGraph = false)
    {
        var outer = _backwardRecords;
        _backwardDepth++;
        _backwardRecords = createGraph;
        return new BackwardWalk(outer);
    }

    internal readonly struct BackwardWalk(bool outer) : IDisposable
    {
        public void Dispose()
        {
            _backwardDepth--;
            _backwardRecords = outer;
        }
    }

    private static Scope? Active(Scope? s) => FlowChain.Active(s);

    private sealed class Scope(bool enabled, Scope? outer, int backwardDepth) : IDisposable, IFlowLink<Scope>
    {
        public bool Enabled { get; } = enabled;
        public Scope? Outer { get; } = outer;
        public int BackwardDepth { get; } = backwardDepth;
        public bool Ended => _ended;
        private volatile bool _ended;

        public void Dispose()
        {
            if (_ended) return;
            FlowChain.End(Current, this, () => _ended = true, (active, inside) => new InvalidOperationException(inside
                ? $"Grad.{Name}(): scopes must be disposed innermost first, but a Grad.{active!.Name}() scope opened inside this one is still active"
                : $"Grad.{Name}(): this scope was not opened in the current flow of control (dispose it where it was created, or in a task started inside it)"));
        }

        private string Name => Enabled ? "EnableGrad" : "NoGrad";
    }
}
