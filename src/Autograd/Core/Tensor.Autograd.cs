namespace Autograd;

// Note [Version counters]
// Every in-place write bumps a counter shared by all tensors that share the storage through a view or
// Detach (PyTorch's tensor._version). A node that saves a tensor for backward remembers the counter's
// value at that moment, and backward refuses to use a saved tensor whose counter has moved since
// (PyTorch's "modified by an inplace operation" error, SavedTensor.Unpack). The counter object is made
// lazily: a tensor nobody writes into in place or saves never allocates one, and the views made by
// reshape/view/flatten/squeeze/unsqueeze and Detach get the counter of the tensor they alias.
// The library's own in-place writes bump it too: the in-place ops (InPlace.Apply), Parameter.CopyFrom,
// optimizer steps, the bridge's CopyFrom, and the engine's accumulation into an existing .Grad.
public sealed partial class Tensor
{
    private Node? _gradFn;
    private bool _requiresGrad;
    private AccumulateGrad? _accumulator;
    private VersionCounter? _counter;
    private volatile Tensor? _grad;

    /// <summary>The node that created this tensor, or null for leaves (tensor.grad_fn).</summary>
    public Node? GradFn
    {
        get
        {
            if (_view is not null)
            {
                RefreshView();
                if (_view.Stale) throw StaleMultiOutput();
            }
            return _gradFn;
        }
    }

    /// <summary>Which output of <see cref="GradFn"/> this tensor is (tensor.output_nr); 0 for single-output ops.</summary>
    public int OutputNr { get; private set; }

    /// <summary>True for tensors not produced by a recorded op (tensor.is_leaf).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>
    /// How many times this tensor's storage has been written in place (tensor._version); shared with
    /// the views and detached aliases of the same storage (Note [Version counters]).
    /// </summary>
    public int Version => _counter?.Value ?? 0;

    internal VersionCounter Counter =>
        _counter ?? Interlocked.CompareExchange(ref _counter, new VersionCounter(), null) ?? _counter;

    /// <summary>Records an in-place write of this tensor's storage (Note [Version counters]).</summary>
    internal void BumpVersion()
    {
        StampWrite();   // a slice view writes its copy back first; other views of the array gather again (Note [Slice views])
        Interlocked.Increment(ref Counter.Value);
    }

    /// <summary>
    /// Accumulated gradient (tensor.grad): a leaf's, or a non-leaf's that called <see cref="RetainGrad"/>.
    /// Set to null to reset. Assigning checks shape, dtype and aliasing as PyTorch does. Reading it on a
    /// non-leaf that does not retain its gradient returns null and raises PyTorch's warning through
    /// <see cref="Warnings"/> (Note [Non-leaf grad access]). Backward passes on several threads
    /// accumulate into it one at a time (Note [Concurrent accumulation]).
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            if (_grad is null && !_retainsGrad && GradFn is not null)
                Warnings.Raise(Warnings.NonLeafGrad);
            return _grad;
        }
        set
        {
            if (value is not null)
            {
                if (ReferenceEquals(value, this)) throw new InvalidOperationException("can't assign Variable as its own grad");
                if (value.DType != DType) throw new InvalidOperationException($"assigned grad has data of a different type (expected {DType}, got {value.DType})");
                if (!ShapeUtil.SameShape(value.Shape, Shape)) throw new InvalidOperationException($"assigned grad has data of a different size (expected {ShapeUtil.Format(Shape)}, got {ShapeUtil.Format(value.Shape)})");
            }
            _grad = value;
        }
    }

    /// <summary>The gradient slot without the non-leaf warning, for the engine and the library.</summary>
    internal Tensor? GradValue { get => _grad; set => _grad = value; }

    /// <summary>Whether gradients flow to this tensor (tensor.requires_grad).</summary>
    public bool RequiresGrad
    {
        get
        {
            if (_view is not null) RefreshView();
            return _requiresGrad;
        }
        set
        {
            if (!IsLeaf && !value)
                throw new InvalidOperationException("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException($"Only Tensors of floating point and complex dtype can require gradients (got {DType.TorchName()})");
            _requiresGrad = value;
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (tensor.requires_grad_()).</summary>
    public Tensor RequiresGrad_(bool value = true) { RequiresGrad = value; return this; }

    /// <summary>Resets the accumulated gradient (like optimizer.zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad() => _grad = null;

    /// <summary>A tensor sharing this storage and its version counter, cut from the graph (tensor.detach()).</summary>
    public Tensor Detach()
    {
        OwnStorage();   // a borrowed .Grad stops sharing before it is aliased: a write through the alias must not reach another leaf's gradient
        if (_slice is not null) return SliceAlias(Counter);
        return new(Storage, _shape) { _counter = Counter };
    }

    /// <summary>
    /// The values outside autograd (tensor.data): shares this storage but not the version counter, so a
    /// write through it is invisible to autograd, exactly as in PyTorch. Prefer <see cref="Detach"/>
    /// (which shares the counter, so a stale saved tensor is caught) or writing under Grad.NoGrad().
    /// </summary>
    public Tensor Data
    {
        get
        {
            OwnStorage();   // as Detach: never let a write through it reach another leaf's borrowed gradient
            if (_slice is not null) return SliceAlias(null);
            return new(Storage, _shape);
        }
    }

    /// <summary>
    /// Cuts this tensor from the graph in place: it becomes a leaf that does not require grad
    /// (tensor.detach_()). Views cannot be detached in place, as in PyTorch.
    /// </summary>
    public Tensor Detach_()
    {
        if (_view is not null)
            throw new InvalidOperationException("detach_: Can't detach views in-place. Use Detach() instead.");
        _gradFn = null;
        OutputNr = 0;
        _requiresGrad = false;
        _retainsGrad = false;
        return this;
    }

    /// <summary>
    /// The leaf's gradient sink; one per leaf so diamonds on leaves are counted once, and so graphs
    /// recorded on several threads share it (it is the lock of Note [Concurrent accumulation]).
    /// </summary>
    internal AccumulateGrad Accumulator =>
        _accumulator ?? Interlocked.CompareExchange(ref _accumulator, new AccumulateGrad(this), null) ?? _accumulator;

    /// <summary>The node and output slot a gradient for this tensor is delivered to.</summary>
    internal Edge GradientEdge => GradFn is { } fn ? new Edge(fn, OutputNr) : new Edge(Accumulator, 0);

    internal void SetGradFn(Node node, int outputNr = 0)
    {
        _gradFn = node;
        OutputNr = outputNr;
        _requiresGrad = true;
    }
}

/// <summary>The shared in-place write count of a storage (Note [Version counters]).</summary>
internal sealed class VersionCounter
{
    internal int Value;
}
