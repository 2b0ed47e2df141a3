namespace Autograd;

public sealed partial class Tensor
{
    /// <summary>Set on tensors made by a view op: their base and the version their history matches (Note [In-place ops and views]).</summary>
    private ViewInfo? _view;

    private sealed class ViewInfo(Tensor @base, int version, bool createdInNoGrad, bool madeInNoGrad)
    {
        public Tensor Base { get; } = @base;
        public int Version { get; set; } = version;

        /// <summary>Made while grad mode was off (PyTorch's CreationMeta::NO_GRAD_MODE): a recorded in-place write through it is refused.</summary>
        public bool CreatedInNoGrad { get; } = createdInNoGrad;

        /// <summary>Made while grad mode was off from a base that required grad: its history is never rebuilt.</summary>
        public bool MadeInNoGrad { get; } = madeInNoGrad;

        /// <summary>One of several views one op returned (split, chunk, unbind: PyTorch's CreationMeta::MULTI_OUTPUT_NODE).</summary>
        public bool MultiOutput { get; init; }

        /// <summary>A multi-output view whose base was written in place since: its history cannot be used.</summary>
        public bool Stale { get; set; }
    }

    /// <summary>True for tensors made by a view op (tensor._is_view()).</summary>
    public bool IsView => _view is not null;

    /// <summary>The tensor this one is a view of (tensor._base), or null.</summary>
    public Tensor? Base => _view?.Base;

    /// <summary>A view of <paramref name="x"/> with another shape: same storage, same version counter, base recorded.</summary>
    internal static Tensor ViewOf(Tensor x, int[] shape)
    {
        x.OwnStorage();   // a borrowed .Grad gets its own storage before anything aliases it (Note [In-place ops and views])
        if (x._slice is not null)   // a slice view reshapes into another where its strides allow, else into a copy, as PyTorch's reshape
            return ReshapedSlice(x, shape) ?? new Tensor((Array)x.Storage.Clone(), shape);
        var counter = x.Counter;
        var root = x._view?.Base ?? x;
        bool noGrad = !GradMode.IsEnabled;
        return new Tensor(x.Storage, shape)
        {
            _counter = counter,
            _view = new ViewInfo(root, counter.Value, noGrad, noGrad && root.RequiresGrad),
        };
    }

    /// <summary>PyTorch's error for the history of a multi-output view whose base was written in place.</summary>
    private InvalidOperationException StaleMultiOutput() => new(
        $"Output {OutputNr} of {_gradFn?.Name ?? "a multi-output view op"} is a view and its base or another view of its base has been modified inplace. " +
        "This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.");

    /// <summary>Rebuilds a view's history when its base was written in place since (lazily, as PyTorch does).</summary>
    private void RefreshView()
    {
        var v = _view!;
        int now = _counter!.Value;
        if (v.Version == now) return;
        lock (v)
        {
            if (v.Version == now) return;
            var b = v.Base;
            if (b.RequiresGrad && !v.MadeInNoGrad && v.MultiOutput)
            {
                // PyTorch does not rebuild the history of one of several views an op returned (split, chunk,
                // unbind): reading its grad_fn, or recording an op on it, raises (Note [Split pieces are views]).
                v.Stale = true;
                _requiresGrad = true;
                return;
            }
            if (b.RequiresGrad && !v.MadeInNoGrad)
            {
                int[] baseShape = b.Dims, shape = _shape;
                BackwardFn rule = _slice is null ? g => [ReshapeGrad(g, baseShape)] : SliceToBase(SlicePlanOver(baseShape));
                var node = new Node("AsStridedBackward0", [b.GradientEdge.Node], [baseShape], [b.DType], shape,
                    rule, b.GradientEdge.Slot == 0 ? null : [b.GradientEdge.Slot]) { DifferentiableBackward = true };
                var old = _gradFn; int oldSlot = OutputNr;
                _gradFn = node;
                OutputNr = 0;
                _requiresGrad = true;
                MoveRetainer(old, oldSlot);
            }
            v.Version = now;
        }
    }

    /// <summary>
    /// The view checks of an in-place write in grad mode (Note [In-place ops and views]), in PyTorch's
    /// order (check_inplace: the no-grad-view error comes before the view-of-a-leaf one).
    /// <paramref name="recorded"/>: whether the write would be recorded (the other operand requires grad).
    /// </summary>
    internal void CheckViewWritable(string op, bool recorded)
    {
        if (_view is not { } v) return;
        if (v.CreatedInNoGrad && (recorded || v.Base.RequiresGrad))
            throw new InvalidOperationException($"{op}: A view was created in no_grad mode and is being modified inplace with grad mode enabled. " +
                "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace " +
                "either both inside the Grad.NoGrad() scope (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).");
        if (v.MultiOutput && (recorded || RequiresGrad))
            throw new InvalidOperationException($"{op}: " + (_gradFn is { } fn ? $"Output {OutputNr} of {fn.Name} is a view and is being modified inplace." : "A view was created in no_grad mode and is being modified inplace with grad mode enabled.") +
                " This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.");
        if (v.Base.IsLeaf && v.Base.RequiresGrad)
            throw new InvalidOperationException($"{op}: a view of a leaf Variable that requires grad is being used in an in-place operation.");
    }

    internal bool SharesStorageWith(Tensor other) => (_slice, other._slice) switch
    {
        (null, null) => ReferenceEquals(_storage, other._storage),
        ({ } a, { } b) => ReferenceEquals(a.Source._storage, b.Source._storage) && a.Offset == b.Offset
            && a.Sizes.AsSpan().SequenceEqual(b.Sizes) && a.Strides.AsSpan().SequenceEqual(b.Strides),
        _ => false,
    };

    /// <summary>
    /// The gradient of a whole-storage view rule (AsStridedBackward0, CopySlices): g with another shape, a bare
    /// alias in an ordinary backward, a recorded ViewBackward0 under createGraph (Note [Double backward]).
    /// </summary>
    internal static Tensor ReshapeGrad(Tensor g, int[] shape)
    {
        if (!GradMode.IsEnabled || !g.RequiresGrad) return new Tensor(g.Storage, shape);
        int[] from = g.Dims;
        return Node.Record(ViewOf(g, shape), "ViewBackward0", [g], gg => [ReshapeGrad(gg, from)], differentiable: true);
    }

    /// <summary>Makes this (internal, detached) tensor an alias of <paramref name="other"/>'s storage and version counter.</summary>
    internal void AliasStorageOf(Tensor other)
    {
        _storage = other.Storage;   // a slice view's current copy (Note [Slice views])
        _lease = other._slice is null ? other._lease : null;
        _counter = other.Counter;
        _borrowsStorage = false;
    }

    /// <summary>This tensor's value with its current history, sharing storage, or a copy of the value when <paramref name="copy"/>.</summary>
    internal Tensor HistoryAlias(bool copy)
    {
        var t = copy ? new Tensor((Array)Storage.Clone(), _shape) : new Tensor(Storage, _shape) { _counter = Counter };
        if (_view is not null) RefreshView();   // not GradFn: a no-grad write may go through a stale multi-output view
        var fn = _gradFn;
        if (fn is not null) t.SetGradFn(fn, OutputNr);   // a leaf that requires grad only gets here in no-grad mode
        return t;
    }

    /// <summary>Copy-on-write of a borrowed gradient's storage before writing into it (Note [Gradient ownership]).</summary>
    internal void OwnStorage()
    {
        if (BorrowsStorage) ReplaceStorage((Array)Storage.Clone());
    }

    /// <summary>Makes <paramref name="node"/> this tensor's history after an in-place write; a view also rewrites its base's.</summary>
    internal void Rebase(Node node, int slot)
    {
        var old = _gradFn; int oldSlot = OutputNr;
        if (_view is { } v)
        {
            var b = v.Base;
            int[] shape = _shape, baseShape = b.Dims;
            var copySlices = _slice is null
                ? new Node("CopySlices", [node], [shape], [DType], baseShape,
                    g => [ReshapeGrad(g, shape)], slot == 0 ? null : [slot]) { DifferentiableBackward = true }
                : SliceCopySlices(b, node, slot);
            var bOld = b._gradFn; int bSlot = b.OutputNr;
            b._gradFn = copySlices;
            b.OutputNr = 0;
            b._requiresGrad = true;
            b.MoveRetainer(bOld, bSlot);
            // The view's own history is rebuilt now, AsStridedBackward0 → CopySlices → node, as PyTorch's
            // rebase_history does (it calls self.grad_fn()): a RetainGrad on the view moves to the new node
            // instead of staying on the old one, which is still in the graph and would receive its gradient.
            RefreshView();
            return;
        }
        _gradFn = node;
        OutputNr = slot;
        _requiresGrad = true;
        MoveRetainer(old, oldSlot);
    }

    private static BackwardFn SliceToBase(IndexPlan plan) => g => [IndexOps.Scatter(g, plan)];

    /// <summary>
    /// The base's history after a write through a slice view (Note [Slice views]): the base's old history gets
    /// the gradient with the view's positions zeroed, the in-place node the gradient at them.
    /// </summary>
    private Node SliceCopySlices(Tensor b, Node node, int slot)
    {
        int[] baseShape = b.Dims;
        var plan = SlicePlanOver(baseShape);
        Node? old = null; int oldSlot = 0;
        if (b.RequiresGrad) (old, oldSlot) = (b.GradientEdge.Node, b.GradientEdge.Slot);
        return new Node("CopySlices", [old, node], [baseShape, _shape], [b.DType, DType], baseShape,
            g => [IndexOps.ZeroAt(g, plan), IndexOps.Read(g, plan)], oldSlot == 0 && slot == 0 ? null : [oldSlot, slot]) { DifferentiableBackward = true };
    }
}
