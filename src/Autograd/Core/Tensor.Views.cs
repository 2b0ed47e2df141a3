namespace Autograd;

public sealed partial class Tensor
{
    /// <summary>Set on tensors made by a view op: their base and the version their history matches (Note [In-place ops and views]).</summary>
    private ViewInfo? _view;

    private sealed class ViewInfo(Tensor @base, int version, bool madeInNoGrad)
    {
        public Tensor Base { get; } = @base;
        public int Version { get; set; } = version;
        public bool MadeInNoGrad { get; } = madeInNoGrad;
    }

    /// <summary>True for tensors made by a view op (tensor._is_view()).</summary>
    public bool IsView => _view is not null;

    /// <summary>The tensor this one is a view of (tensor._base), or null.</summary>
    public Tensor? Base => _view?.Base;

    /// <summary>A view of <paramref name="x"/> with another shape: same storage, same version counter, base recorded.</summary>
    internal static Tensor ViewOf(Tensor x, int[] shape)
    {
        x.OwnStorage();   // a borrowed .Grad gets its own storage before anything aliases it (Note [In-place ops and views])
        var counter = x.Counter;
        var root = x._view?.Base ?? x;
        return new Tensor(x.Storage, shape)
        {
            _counter = counter,
            _view = new ViewInfo(root, counter.Value, !GradMode.IsEnabled && root.RequiresGrad),
        };
    }

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
            if (b.RequiresGrad && !v.MadeInNoGrad)
            {
                int[] baseShape = b.Dims, shape = _shape;
                var node = new Node("AsStridedBackward0", [b.GradientEdge.Node], [baseShape], [b.DType], shape,
                    g => [new Tensor(g.Storage, baseShape)], b.GradientEdge.Slot == 0 ? null : [b.GradientEdge.Slot]);
                var old = _gradFn;
                _gradFn = node;
                OutputNr = 0;
                _requiresGrad = true;
                MoveRetainer(old, 0);
            }
            v.Version = now;
        }
    }

    /// <summary>The view checks of an in-place write in grad mode (Note [In-place ops and views]).</summary>
    internal void CheckViewWritable(string op)
    {
        if (_view is not { } v) return;
        if (v.Base.IsLeaf && v.Base.RequiresGrad)
            throw new InvalidOperationException($"{op}: a view of a leaf Variable that requires grad is being used in an in-place operation.");
        if (v.MadeInNoGrad)
            throw new InvalidOperationException($"{op}: A view was created in no_grad mode and is being modified inplace with grad mode enabled. " +
                "This view is the output of a function that returns multiple views or was created in no-grad mode; such in-place modification is forbidden. " +
                "You should replace the inplace operation by an out-of-place one.");
    }

    internal bool SharesStorageWith(Tensor other) => ReferenceEquals(_storage, other._storage);

    /// <summary>This tensor's value with its current history, sharing storage, or a copy of the value when <paramref name="copy"/>.</summary>
    internal Tensor HistoryAlias(bool copy)
    {
        var t = copy ? new Tensor((Array)Storage.Clone(), _shape) : new Tensor(Storage, _shape) { _counter = Counter };
        var fn = GradFn;
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
            var copySlices = new Node("CopySlices", [node], [shape], [DType], baseShape,
                g => [new Tensor(g.Storage, shape)], slot == 0 ? null : [slot]);
            var bOld = b._gradFn; int bSlot = b.OutputNr;
            b._gradFn = copySlices;
            b.OutputNr = 0;
            b._requiresGrad = true;
            b.MoveRetainer(bOld, bSlot);
            return;   // the view's own history is rebuilt from the base's on its next read: AsStridedBackward0 → CopySlices → node, as PyTorch prints it
        }
        _gradFn = node;
        OutputNr = slot;
        _requiresGrad = true;
        MoveRetainer(old, oldSlot);
    }
}
