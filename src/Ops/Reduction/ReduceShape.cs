namespace Autograd;

/// <summary>
/// The shapes of a reduction over some dims (Sum's rule: an empty list means every dim): which dims go,
/// the kept shape (reduced dims as 1, what a keepdim result and a broadcastable gradient have), the
/// output shape, and how many elements each output reduces. Prod, var/std, norm and logsumexp share it.
/// </summary>
internal readonly record struct ReduceShape(bool[] Reduce, int[] In, int[] Kept, int[] Out, int Count)
{
    internal static ReduceShape Of(Tensor x, ReadOnlySpan<int> dims, bool keepDim, string op)
    {
        var reduce = F.ReducedDims(x, dims, op);
        var kept = x.Dims.Select((d, i) => reduce[i] ? 1 : d).ToArray();
        var outShape = keepDim ? kept : x.Dims.Where((_, i) => !reduce[i]).ToArray();
        int count = 1;
        for (int i = 0; i < x.Rank; i++) if (reduce[i]) count *= x.Dims[i];
        return new(reduce, x.Dims, kept, outShape, count);
    }

    /// <summary>The reduced dims, in order (for the Sum/Mean/Max calls a rule is written with).</summary>
    internal int[] Dims
    {
        get
        {
            var reduce = Reduce;
            return Enumerable.Range(0, reduce.Length).Where(i => reduce[i]).ToArray();
        }
    }

    /// <summary>A tensor of the output (or kept) shape broadcast back over the input: the gradient's expand.</summary>
    internal Tensor Expand(Tensor t) => F.ExpandTo(F.AsShape(t, Kept), In);

    /// <summary>A tensor of the kept shape seen with the output shape.</summary>
    internal Tensor ToOut(Tensor kept) => new(kept.Storage, Out);

    /// <summary>
    /// When the reduced dims are consecutive (one dim, a trailing block, all of them; or a 0-dim input), the
    /// input seen as [outer, size, inner] lanes whose order is the output's (fused kernels walk these).
    /// </summary>
    internal bool TryLanes(out DimLayout lanes)
    {
        lanes = default;
        int first = Array.IndexOf(Reduce, true), last = Array.LastIndexOf(Reduce, true);
        if (first < 0) { lanes = new DimLayout(ShapeUtil.Numel(In), 1, 1); return true; }   // 0-dim: one lane of one
        for (int d = first; d <= last; d++) if (!Reduce[d]) return false;
        int outer = 1, size = 1, inner = 1;
        for (int d = 0; d < In.Length; d++)
        {
            if (d < first) outer *= In[d];
            else if (d <= last) size *= In[d];
            else inner *= In[d];
        }
        lanes = new DimLayout(outer, size, inner);
        return true;
    }

    /// <summary>A reduction whose lanes are missing (a reduced dim of size 0).</summary>
    internal bool Empty => Count == 0;
}
