using System.Runtime.CompilerServices;

namespace Autograd;

// Note [Slice views]
// A basic index read (integers, slices with steps, None, ellipsis) returns a VIEW, as in PyTorch: y = x[0];
// y.Add_(1) writes x, a write of x is seen by y, y._base is x and y shares x's version counter. Our storage
// is dense and contiguous, so a view that is not a contiguous block cannot hand its storage to the kernels
// as it is. A slice view is therefore lazy: it holds the array it views (the source), a strided description
// of its elements there (offset, sizes, strides, as torch.as_strided), and a private copy of its values
// that is gathered when something first reads its storage, and gathered again whenever the source array
// was written since. That makes x[...] cost no more than libtorch's view (nothing is copied until it is
// read), and a consumer pays the one gather a libtorch kernel pays by reading with strides.
//  * Staleness: every write of a storage array ends in BumpVersion (Note [Version counters]), which also
//    bumps the array's stamp here, whatever tensor the write went through (a Detach, .Data, another view).
//    A view's copy is valid while the source's stamp equals the one it was gathered at; a stale one is
//    replaced by a fresh array, never regathered in place (a tensor aliasing it keeps its values).
//  * Writing through a view: a writer reads the view's storage (gathering it), writes it, and bumps the
//    version; the bump writes the copy back through the description into the source first. The in-place
//    ops write their result straight into the copy and mark it current (no gather of values about to go).
//  * The same views serve narrow, split, chunk and unbind (Note [Split pieces are views]), permute and
//    transpose (strides reordered: their walk is not in increasing offsets, so their gradient is a put into
//    zeros, IndexPlan.Increasing) and expand (stride 0: positions repeat, so its gradient adds, and an
//    in-place write into it is refused as PyTorch refuses it, IndexPlan.Overlapping). Views of views compose into one description over the same source (slices
//    of slices, a reshape of a view when the strides allow it, PyTorch's computeStride; otherwise reshape
//    copies and view refuses, as PyTorch's do).
//  * Autograd (Note [In-place ops and views]): the read records PyTorch's node (SelectBackward0,
//    SliceBackward0, ...); a write through the view makes the base's grad_fn CopySlices, which passes the
//    base's old history the gradient with the view's positions zeroed and the in-place node the gradient
//    at those positions; a view whose base was written since rebuilds its own history as
//    AsStridedBackward0 (the base's gradient read through the description).
//  * The copy is rented from the TensorScope the view was made in when it is first read inside that same
//    scope (so it ends with the scope, like any tensor made there); otherwise it comes from the GC heap: a
//    view made outside a scope may be read first inside one and must outlive it. Keep(view) keeps both the
//    copy and the source.
//  * is_contiguous / contiguous: a view is contiguous when its strides are row-major over its dims longer
//    than 1; Contiguous() returns x itself then, else y = x copied into row-major order with dX = dY
//    (CloneBackward0), as PyTorch's.
//  * Inside a backward pass (built-in rules, hooks) indexing still copies at once: gradients there may be
//    recycled (Note [Recycled gradients]) and must not be read later through a view.
public sealed partial class Tensor
{
    /// <summary>Set on a slice view (Note [Slice views]): where its elements are and when its copy was gathered.</summary>
    private SliceView? _slice;

    private static readonly ConditionalWeakTable<Array, StrongBox<int>> Stamps = new();
    private static volatile bool _anySliceView;

    private sealed class SliceView(Tensor source, int offset, int[] sizes, int[] strides)
    {
        /// <summary>The scope the view was made in (null outside scopes): its copy may be rented there.</summary>
        public TensorScope? Scope { get; set; } = TensorStorage.EverScoped ? TensorScope.Current : null;

        /// <summary>A tensor owning the viewed array (never itself a slice view).</summary>
        public Tensor Source { get; } = source;
        public int Offset { get; } = offset;
        public int[] Sizes { get; } = sizes;
        public int[] Strides { get; } = strides;
        public StrongBox<int> Stamp { get; } = Stamps.GetValue(source._storage, _ => new StrongBox<int>());
        public int Numel { get; } = ShapeUtil.Numel(sizes);

        /// <summary>The source's stamp the private copy was gathered at (or written back at); -1: none valid.</summary>
        public int CopyStamp = -1;

        /// <summary>The description as a basic index plan over the source's flat storage (shape: the source's).</summary>
        public IndexPlan Plan => _plan ??= PlanOver(Source.Dims);

        private IndexPlan? _plan;

        /// <summary>A view made by indexing the source itself reads through the index's own plan.</summary>
        public SliceView WithPlan(IndexPlan plan) { _plan = plan; return this; }

        public IndexPlan PlanOver(int[] sourceShape)
        {
            var axes = new List<int[]>(Sizes.Length);
            for (int d = 0; d < Sizes.Length; d++)
            {
                var a = new int[Sizes[d]];
                for (int k = 0; k < a.Length; k++) a[k] = k * Strides[d];
                axes.Add(a);
            }
            return new IndexPlan(sourceShape, Sizes, Numel == 0 ? 0 : Offset, axes, false, "AsStridedBackward0", Increasing(), Overlapping);
        }

        /// <summary>Whether two elements share a position: a dim longer than 1 with stride 0 (expand).</summary>
        public bool Overlapping
        {
            get
            {
                for (int d = 0; d < Sizes.Length; d++) if (Sizes[d] > 1 && Strides[d] == 0) return true;
                return false;
            }
        }

        /// <summary>Whether walking the elements in order visits increasing offsets (a slice's do, a permuted view's may not).</summary>
        private bool Increasing()
        {
            long extent = 0;   // the largest offset the dims inside the current one reach
            for (int d = Sizes.Length - 1; d >= 0; d--)
            {
                if (Sizes[d] <= 1) continue;
                if (Strides[d] <= extent) return false;
                extent += (long)Strides[d] * (Sizes[d] - 1);
            }
            return true;
        }
    }

    /// <summary>
    /// Whether view ops return views here: not inside a backward pass, whose gradients may be recycled
    /// (Note [Recycled gradients]) and must not be read later through a view; there they copy (Note [Slice views]).
    /// </summary>
    internal static bool ViewsAllowed => GradMode.BackwardDepth == 0;

    /// <summary>True for a lazy slice view (Note [Slice views]).</summary>
    internal bool IsSliceView => _slice is not null;

    /// <summary>The array this tensor's elements live in: a slice view's source array, else its own storage.</summary>
    private Array StorageArray => _slice?.Source._storage ?? _storage;

    /// <summary>A slice view on the storage of <paramref name="x"/> with the result of the basic plan <paramref name="p"/> over x.</summary>
    internal static Tensor SliceOf(Tensor x, IndexPlan p)
    {
        var (source, offset, strides) = Compose(x, p);
        var s = new SliceView(source, offset, p.ResultShape, strides);
        if (ReferenceEquals(source, x)) s.WithPlan(p);   // p is already a plan over the source's flat storage
        return NewView(x, s, p.ResultShape);
    }

    /// <summary>A slice view of x (itself a slice view) with a new shape, or null when x's strides do not allow one.</summary>
    private static Tensor? ReshapedSlice(Tensor x, int[] shape)
    {
        var s = x._slice!;
        var strides = ComputeStride(s.Sizes, s.Strides, shape);
        return strides is null ? null : NewView(x, new SliceView(s.Source, s.Offset, shape, strides), shape);
    }

    /// <summary>
    /// A piece of x along dim <paramref name="d"/> as a slice view: [start, start + length), or the single index
    /// <paramref name="start"/> with the dim dropped (unbind). One of several outputs (split, chunk, unbind): a
    /// recorded in-place write into it is refused, as PyTorch refuses it for its multi-output views.
    /// </summary>
    internal static Tensor PieceOf(Tensor x, int d, int start, int length, bool dropDim)
    {
        var (source, offset, xStrides) = LayoutOf(x);
        int[] sizes = x._shape.ToArray(), strides = xStrides.ToArray();
        if (dropDim) { sizes = [.. sizes[..d], .. sizes[(d + 1)..]]; strides = [.. strides[..d], .. strides[(d + 1)..]]; }
        else sizes[d] = length;
        return NewView(x, new SliceView(source, offset + start * xStrides[d], sizes, strides), sizes, multiOutput: true);
    }

    /// <summary>
    /// A slice view whose copy is not current, with a plan whose innermost axis is contiguous: its source array and
    /// plan, so a whole-tensor sum can read the runs in place (Note [Sums over unread views]).
    /// </summary>
    internal bool TryUnreadRuns(out Array source, out IndexPlan plan)
    {
        source = null!;
        plan = null!;
        if (_slice is not { } s || s.Overlapping) return false;
        if (_storage is not null && Volatile.Read(ref s.CopyStamp) == Volatile.Read(ref s.Stamp.Value)) return false;
        plan = s.Plan;
        if (!plan.InnerContiguous) return false;
        source = s.Source.Storage;   // throws when the source's scope has ended
        return true;
    }

    /// <summary>Whether elements share memory (tensor internal overlap: an expanded view), so in-place writes are refused.</summary>
    internal bool HasInternalOverlap() => _slice is { } s && s.Numel > 1 && s.Overlapping;

    /// <summary>
    /// x broadcast to <paramref name="shape"/> as a view (expand): dims x lacks (the first <paramref name="lead"/>) and
    /// dims of size 1 that grow get stride 0, so every element of them reads the same position.
    /// </summary>
    internal static Tensor ExpandedOf(Tensor x, int[] shape, int lead)
    {
        var (source, offset, xStrides) = LayoutOf(x);
        var strides = new int[shape.Length];
        for (int i = lead; i < shape.Length; i++)
            strides[i] = x._shape[i - lead] == 1 && shape[i] != 1 ? 0 : xStrides[i - lead];
        return NewView(x, new SliceView(source, offset, shape, strides), shape);
    }

    /// <summary>x with its dims reordered (out dim i is x's dim perm[i]) as a view of x's storage (permute, transpose).</summary>
    internal static Tensor PermutedOf(Tensor x, int[] perm)
    {
        var (source, offset, xStrides) = LayoutOf(x);
        var sizes = new int[perm.Length];
        var strides = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) (sizes[i], strides[i]) = (x._shape[perm[i]], xStrides[perm[i]]);
        return NewView(x, new SliceView(source, offset, sizes, strides), sizes);
    }

    private static Tensor NewView(Tensor x, SliceView s, int[] shape, bool multiOutput = false)
    {
        _anySliceView = true;
        var counter = x.Counter;
        var root = x._view?.Base ?? x;
        bool noGrad = !GradMode.IsEnabled;
        return new Tensor(s, shape)
        {
            _counter = counter,
            _view = new ViewInfo(root, counter.Value, noGrad, noGrad && root.RequiresGrad) { MultiOutput = multiOutput && !noGrad },
        };
    }

    /// <summary>An alias of a slice view's elements with its own copy (Detach, .Data): writes through either reach the source.</summary>
    private Tensor SliceAlias(VersionCounter? counter)
    {
        var s = _slice!;
        return new Tensor(new SliceView(s.Source, s.Offset, s.Sizes, s.Strides), _shape) { _counter = counter };
    }

    private Tensor(SliceView s, int[] shape)
    {
        _slice = s;
        _storage = null!;
        _shape = shape;
        DType = s.Source.DType;
    }

    /// <summary>
    /// Whether the elements lie in row-major order without gaps (tensor.is_contiguous()): true for every tensor
    /// but a slice view that skips elements or reorders dims (Note [Slice views]); dims of size 1 do not count.
    /// </summary>
    public bool IsContiguous()
    {
        if (_slice is not { } s || s.Numel <= 1) return true;
        long expected = 1;
        for (int d = s.Sizes.Length - 1; d >= 0; d--)
        {
            if (s.Sizes[d] == 1) continue;
            if (s.Strides[d] != expected) return false;
            expected *= s.Sizes[d];
        }
        return true;
    }

    /// <summary>
    /// This tensor when <see cref="IsContiguous"/>, else a contiguous copy of it (tensor.contiguous(), recorded as
    /// PyTorch records it: CloneBackward0, whose gradient passes through).
    /// </summary>
    public Tensor Contiguous()
    {
        if (IsContiguous()) return this;
        var r = new Tensor((Array)Storage.Clone(), (int[])_shape.Clone());
        if (!Node.NeedsGrad([this])) return r;
        return Node.Record(r, "CloneBackward0", [this], g => [g], differentiable: true);
    }

    /// <summary>Whether a view of this tensor with <paramref name="shape"/> (same numel) can share its storage (tensor.view's condition).</summary>
    internal bool CanViewAs(int[] shape) => _slice is not { } s || ComputeStride(s.Sizes, s.Strides, shape) is not null;

    /// <summary>
    /// Where x's elements lie, for a view of it: the tensor owning the array, x's offset and strides there (its own
    /// description when x is a slice view, else 0 and row-major). A borrowed .Grad gets its own storage first, since
    /// the view will alias it.
    /// </summary>
    private static (Tensor Source, int Offset, int[] Strides) LayoutOf(Tensor x)
    {
        x.OwnStorage();
        return x._slice is { } s ? (s.Source, s.Offset, s.Strides) : (x, 0, ShapeUtil.Strides(x._shape));
    }

    /// <summary>The description of p's result over the array x's elements live in.</summary>
    private static (Tensor Source, int Offset, int[] Strides) Compose(Tensor x, IndexPlan p)
    {
        int[] xs = x._shape;
        var (source, xOffset, xStrides) = LayoutOf(x);
        var rs = p.ResultShape;
        var strides = new int[rs.Length];
        if (p.Count == 0) return (source, 0, strides);
        var row = ShapeUtil.Strides(xs);
        int start = p.Base;
        foreach (var a in p.Axes) start += a[0];
        int offset = xOffset;
        for (int d = 0, rest = start; d < xs.Length; d++)
        {
            int i = row[d] == 0 ? 0 : rest / row[d];
            rest -= i * row[d];
            offset += i * xStrides[d];
        }
        // Each result dim longer than 1 is one walked axis, a slice of one dim of x with step k: its offset
        // step is k·row[d], and row[d] ≤ k·row[d] < row[d]·size[d] picks that dim (Note [Slice views]).
        for (int r = 0, a = 0; r < rs.Length; r++)
        {
            if (rs[r] <= 1) continue;
            var axis = p.Axes[a++];
            int step = axis[1] - axis[0];
            int d = 0;
            while (!(xs[d] > 1 && step >= row[d] && step < row[d] * xs[d])) d++;
            strides[r] = step / row[d] * xStrides[d];
        }
        return (source, offset, strides);
    }

    /// <summary>PyTorch's computeStride: strides that view a tensor of sizes/strides with a new shape, or null.</summary>
    private static int[]? ComputeStride(int[] sizes, int[] strides, int[] shape)
    {
        var result = new int[shape.Length];
        if (ShapeUtil.Numel(sizes) <= 1)
        {
            var contiguous = ShapeUtil.Strides(shape);
            return contiguous;
        }
        int viewD = shape.Length - 1;
        long chunkBase = strides[^1], tensorNumel = 1, viewNumel = 1;
        for (int d = sizes.Length - 1; d >= 0; d--)
        {
            tensorNumel *= sizes[d];
            if (d == 0 || (sizes[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1))
                {
                    result[viewD] = (int)(viewNumel * chunkBase);
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        return viewD == -1 ? result : null;
    }

    /// <summary>A slice view's values: its copy, gathered again when the source was written since.</summary>
    private Array SliceStorage(SliceView s)
    {
        var src = s.Source.Storage;   // throws when the source's scope has ended
        if (_lease is { Revoked: true }) throw TensorScope.Ended();
        var copy = _storage;
        if (copy is not null && Volatile.Read(ref s.CopyStamp) == Volatile.Read(ref s.Stamp.Value)) return copy;
        lock (s)
        {
            int now = Volatile.Read(ref s.Stamp.Value);
            if (_storage is not null && s.CopyStamp == now) return _storage;
            // A fresh array each time: whatever aliased the old copy (a saved alias, a borrowed .Grad) keeps
            // the values it had, as it would have kept a copy's.
            copy = NewSliceCopy(s);
            IndexPlanKernels.Gather(src, copy, s.Plan);
            _storage = copy;
            Volatile.Write(ref s.CopyStamp, now);
            return copy;
        }
    }

    /// <summary>The array of a slice view's copy: rented in the scope the view was made in, when that is the current one.</summary>
    private Array NewSliceCopy(SliceView s)
    {
        if (s.Scope is { } scope && ReferenceEquals(scope, TensorScope.Current))
        {
            var t = Uninitialized(DType, _shape);
            _lease = t._lease;
            return t._storage;
        }
        _lease = null;
        return TensorStorage.AllocateUnpooled(DType, s.Numel);
    }

    /// <summary>Keep(view) before its first read: the copy will be rented from <paramref name="outer"/> instead.</summary>
    internal void KeepSliceIn(TensorScope scope, TensorScope? outer)
    {
        if (_slice is { } s && ReferenceEquals(s.Scope, scope)) s.Scope = outer;
    }

    /// <summary>The lease of a slice view's copy, when it was rented from a scope (Keep moves it with the source's).</summary>
    internal TensorStorage.Lease? CopyLease => _slice is null ? null : _lease;

    /// <summary>An in-place op's result written into a slice view's copy, marked current so the bump writes it back.</summary>
    internal void OverwriteSlice(Array values)
    {
        var s = _slice!;
        _ = s.Source.Storage;
        if (_lease is { Revoked: true }) throw TensorScope.Ended();
        lock (s)
        {
            if (_storage is null || s.CopyStamp != s.Stamp.Value) _storage = NewSliceCopy(s);   // never into a stale copy another tensor may alias
            var copy = _storage;
            System.Array.Copy(values, copy, s.Numel);
            s.CopyStamp = s.Stamp.Value;
        }
    }

    /// <summary>
    /// The storage half of a version bump (Note [Slice views]): a slice view written through its current copy
    /// writes it back into the source; the written array's stamp moves, so other views of it gather again.
    /// </summary>
    private void StampWrite()
    {
        if (!_anySliceView) return;
        if (_slice is not { } s)
        {
            if (Stamps.TryGetValue(_storage, out var box)) Interlocked.Increment(ref box.Value);
            return;
        }
        lock (s)
        {
            bool current = _storage is not null && s.CopyStamp == s.Stamp.Value && _lease is not { Revoked: true };   // a revoked copy went back to the pool
            if (current) IndexPlanKernels.Put(_storage!, s.Source.Storage, s.Plan, accumulate: false);
            int now = Interlocked.Increment(ref s.Stamp.Value);
            if (current) s.CopyStamp = now;
        }
    }

    /// <summary>The gradient functions of a slice view's region in its base (of shape <paramref name="baseShape"/>).</summary>
    private IndexPlan SlicePlanOver(int[] baseShape) => _slice!.PlanOver(baseShape);
}
