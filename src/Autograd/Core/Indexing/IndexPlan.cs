namespace Autograd;

// Note [Index plans]
// Every index expression, basic or advanced, becomes one plan over the source's flat row-major storage:
// result element (i_0, ..., i_k) reads source offset Base + Axes[0][i_0] + ... + Axes[k][i_k], one axis
// per result dim except the advanced block, which is a single axis over the broadcast shape of the
// index tensors (each of its offsets sums index·stride over the indexed dims). Integers and length-1
// axes fold into Base. Read is a gather through the plan, its gradient a scatter through the same plan
// (adding, where advanced indices may repeat a position), and the scatter's gradient the gather again,
// so indexing is differentiable to any order; index_put_ writes through the plan.
// The dims come out as in PyTorch: integers are applied first (select), so they never separate two index
// tensors; the advanced block replaces the indexed dims when they are adjacent, else it goes first. A bool
// mask is its nonzero() coordinates, one index tensor per mask dim; a 0-dim bool adds a dim of size 1
// indexed by [0] (true) or [] (false); a 0-dim integer tensor is an integer.
internal sealed class IndexPlan
{
    internal IndexPlan(int[] sourceShape, int[] resultShape, int @base, List<int[]> axes, bool hasAdvanced, string name, bool increasing = true, bool overlapping = false)
    {
        Increasing = increasing;
        Overlapping = overlapping;
        SourceShape = sourceShape;
        ResultShape = resultShape;
        Count = ShapeUtil.Numel(resultShape);
        HasAdvanced = hasAdvanced;
        Name = name;
        var walked = new List<int[]>();
        foreach (var a in axes)
        {
            if (a.Length == 1) @base += a[0];   // a length-1 axis is a constant offset
            else walked.Add(a);
        }
        Base = @base;
        Axes = [.. walked];
        var inner = Axes.Length == 0 ? [0] : Axes[^1];
        bool contiguous = true;
        for (int j = 1; j < inner.Length && contiguous; j++) contiguous = inner[j] == inner[0] + j;
        InnerContiguous = contiguous;
    }

    internal int[] SourceShape { get; }
    internal int[] ResultShape { get; }
    internal int Count { get; }
    internal int Base { get; }
    internal int[][] Axes { get; }
    internal bool InnerContiguous { get; }

    /// <summary>Whether a plan without index tensors visits its positions in increasing order (false for a permuted view's).</summary>
    internal bool Increasing { get; }

    /// <summary>Whether a plan without index tensors visits a position more than once (an expanded view's: stride 0).</summary>
    internal bool Overlapping { get; }

    /// <summary>Whether an index tensor takes part (then positions may repeat, and the read saves indices).</summary>
    internal bool HasAdvanced { get; }

    /// <summary>PyTorch's node of the read: IndexBackward0, SelectBackward0, SliceBackward0, UnsqueezeBackward0 or AliasBackward0.</summary>
    internal string Name { get; }

    /// <summary>The plan that broadcasts a tensor of shape <paramref name="from"/> to <paramref name="to"/> (expand, as a gather).</summary>
    internal static IndexPlan Broadcast(int[] from, int[] to)
    {
        var strides = ShapeUtil.Strides(from);
        int off = to.Length - from.Length;
        var axes = new List<int[]>();
        for (int d = 0; d < to.Length; d++)
        {
            var a = new int[to[d]];
            if (d >= off && from[d - off] != 1)
                for (int k = 0; k < a.Length; k++) a[k] = k * strides[d - off];
            axes.Add(a);
        }
        return new IndexPlan(from, to, 0, axes, false, "ExpandBackward0");
    }
}
