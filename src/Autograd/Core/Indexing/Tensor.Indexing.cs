namespace Autograd;

// Reading through the indexer: a basic index (integers, slices, None, ellipsis) gives a view sharing x's
// storage (Note [Slice views]), an advanced one (index tensors, masks) a copy, as in PyTorch. Writing goes
// through the setter or IndexPut_, which write x's storage in place. The in-place rules are PyTorch's
// (Note [In-place ops and views]): the setter and IndexPut_ refuse a leaf that requires grad under grad
// mode, bump x's version (so a node that saved x before the write refuses to run backward, as in
// PyTorch), and rebase x's history on the write's node: IndexPutBackward0 (CopySlices for a basic index),
// whose gradient is g with the written positions zeroed for the old x (g itself when accumulating) and
// g[indices] summed to the values' shape for the values.
public sealed partial class Tensor
{
    /// <summary>
    /// Indexing as PyTorch's (Note [Index plans]): <c>x[1]</c>, <c>x[^1]</c>, <c>x[1..^1]</c>, <c>x[.., 2]</c>,
    /// <c>x[TensorIndex.Slice(0, null, 2)]</c>, <c>x[TensorIndex.None]</c>, <c>x[TensorIndex.Ellipsis, 0]</c>,
    /// <c>x[idx]</c> with Int64/Int32 tensors (advanced indexing), <c>x[mask]</c> with a Bool mask. Reading gives a
    /// view for a basic index (Note [Slice views]), a copy for an advanced one, differentiable; assigning writes x in place (index_put_, broadcasting the value).
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]   // "Item" is taken by Item()
    public Tensor this[params TensorIndex[] indices]
    {
        get => Index(indices);
        set => SetIndex(indices, value);
    }

    /// <summary>x[indices] as a method (tensor.index / TorchSharp's index): a view for a basic index, else a copy.</summary>
    public Tensor Index(params TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var p = IndexPlanBuilder.Build(_shape, indices, "index");
        // A basic index is a view (Note [Slice views]); inside a backward pass, where gradients may be recycled, a copy.
        return p.HasAdvanced || !ViewsAllowed ? IndexOps.Read(this, p) : IndexOps.View(this, p);
    }

    /// <summary>x[indices] = values (tensor.__setitem__): values broadcast to the indexed shape; returns x.</summary>
    public Tensor SetIndex(TensorIndex[] indices, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        return Write(IndexPlanBuilder.Build(_shape, indices, "index_put_"), values, accumulate: false, setItem: true);
    }

    /// <summary>
    /// Writes <paramref name="values"/> at the positions the index tensors pick (tensor.index_put_); with
    /// <paramref name="accumulate"/> it adds instead, summing repeated positions. The values broadcast to the
    /// indexed shape and must have this tensor's dtype. Returns this tensor.
    /// </summary>
    public Tensor IndexPut_(Tensor[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        InPlace.CheckAllowed(this, "index_put_", values);   // the op's in-place check comes before its index checks (the indexer's after them)
        return Write(IndexPlanBuilder.Build(_shape, AsIndices(indices), "index_put_"), values, accumulate, setItem: false);
    }

    /// <summary>x[indices] = values with TorchSharp's argument order (TorchSharp's index_put_(value, indices)); returns x.</summary>
    public Tensor IndexPut_(Tensor values, params TensorIndex[] indices) => SetIndex(indices, values);

    /// <summary>The out-of-place index_put_ (torch.index_put): a copy of this tensor with the values written.</summary>
    public Tensor IndexPut(Tensor[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        var p = IndexPlanBuilder.Build(_shape, AsIndices(indices), "index_put");
        var r = CloneData();
        var node = IndexOps.Put(r, this, p, values, accumulate, setItem: false, "index_put");
        if (node is not null) r.SetGradFn(node);
        return r;
    }

    private static TensorIndex[] AsIndices(Tensor[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return System.Array.ConvertAll(indices, t => TensorIndex.Tensor(t ?? throw new ArgumentNullException(nameof(indices))));
    }

    /// <summary>The in-place write: PyTorch's checks (index errors first, then the in-place rules), the write, the version bump and the rebase.</summary>
    private Tensor Write(IndexPlan p, Tensor values, bool accumulate, bool setItem)
    {
        InPlace.CheckAllowed(this, "index_put_", values);
        OwnStorage();
        var input = HistoryAlias(false);
        var node = IndexOps.Put(this, input, p, values, accumulate, setItem, "index_put_");
        InPlace.Commit(this, node, 0);
        return this;
    }
}
