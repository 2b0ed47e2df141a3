namespace Autograd;

// The recorded indexing ops (Note [Index plans]), in the core assembly because the indexer lives on Tensor:
// read:    r = x[plan]                      dx = scatter(g) (SelectBackward0, SliceBackward0, IndexBackward0, ...)
// scatter: r = zeros(x.shape); r[plan] (+)= g   dg = read(dr)   (SliceBackwardBackward0, IndexPutBackward0, ...)
// zeroAt:  r = g with r[plan] = 0            dg = zeroAt(dr)  (the gradient of index_put_'s self)
// put:     x[plan] = v (or += v)             dx = zeroAt(g) (g when accumulating), dv = sum_to(read(g), v.shape)
// Each backward is written with these recorded ops, so indexing differentiates to any order.
internal static class IndexOps
{
    /// <summary>x[plan], a copy: advanced indexing, and basic indexing inside a backward pass (Note [Slice views]).</summary>
    internal static Tensor Read(Tensor x, IndexPlan p)
    {
        var r = Tensor.Uninitialized(x.DType, p.ResultShape);
        IndexPlanKernels.Gather(x.Storage, r.Storage, p);
        if (!Node.NeedsGrad([x])) return r;
        Tensor?[] saved = p.HasAdvanced ? [Node.Residuals] : [];   // IndexBackward0 keeps its indices: a second backward needs retainGraph
        return Node.Record(r, p.Name, [x], g => [Scatter(g, p)], saved, differentiable: true);
    }

    /// <summary>x[plan] for a basic plan: a slice view of x (Note [Slice views]) with the read's node.</summary>
    internal static Tensor View(Tensor x, IndexPlan p)
    {
        var r = Tensor.SliceOf(x, p);
        if (!Node.NeedsGrad([x])) return r;
        return Node.Record(r, p.Name, [x], g => [Scatter(g, p)], differentiable: true);
    }

    /// <summary>The read's gradient: zeros of the source's shape with g written (added, where positions may repeat) through the plan.</summary>
    internal static Tensor Scatter(Tensor g, IndexPlan p)
    {
        Tensor dx;
        if (p.HasAdvanced || !p.Increasing)
        {
            dx = Tensor.Empty(g.DType, p.SourceShape);
            IndexPlanKernels.Put(g.Storage, dx.Storage, p, accumulate: p.HasAdvanced || p.Overlapping);
        }
        else
        {
            dx = Tensor.Uninitialized(g.DType, p.SourceShape);   // a basic plan's positions increase: the gaps are zeroed as the put passes them
            IndexPlanKernels.PutIntoZeros(g.Storage, dx.Storage, p);
        }
        if (!Node.NeedsGrad([g])) return dx;
        string name = p.HasAdvanced ? "IndexPutBackward0" : p.Name[..^1] + "Backward0";   // SliceBackward0 → SliceBackwardBackward0, as PyTorch names it
        return Node.Record(dx, name, [g], gg => [Read(gg, p)], differentiable: true);
    }

    /// <summary>g with the plan's positions zeroed: the gradient index_put_ passes to the overwritten tensor.</summary>
    internal static Tensor ZeroAt(Tensor g, IndexPlan p)
    {
        var r = g.CloneData();
        IndexPlanKernels.Zero(r.Storage, p);
        if (!Node.NeedsGrad([g])) return r;
        return Node.Record(r, "IndexPutBackward0", [g], gg => [ZeroAt(gg, p)], differentiable: true);
    }

    /// <summary>
    /// Writes <paramref name="values"/> through the plan into <paramref name="target"/>'s storage, whose history
    /// before the write is <paramref name="input"/> (target itself out of place, its history alias in place), and
    /// records the write on <paramref name="target"/>. Checks dtype and broadcast as index_put_ does;
    /// <paramref name="setItem"/>: the indexer's rules (leading 1s of the value ignored, a number converted).
    /// </summary>
    internal static Node? Put(Tensor target, Tensor input, IndexPlan p, Tensor values, bool accumulate, bool setItem, string op)
    {
        var result = p.ResultShape;
        var vd = values.Dims;
        int lead = 0;
        if (setItem) while (lead < vd.Length && vd[lead] == 1) lead++;   // PyTorch's slicePrefix1sSize
        int[] shape = vd[lead..];
        if (!ShapeUtil.ExpandableTo(shape, result))
            throw new ArgumentException($"{op}: shape mismatch: value tensor of shape {ShapeUtil.Format(vd)} cannot be broadcast to indexing result of shape {ShapeUtil.Format(result)}", nameof(values));
        bool convert = setItem && (!p.HasAdvanced || values.IsWrappedNumber);   // the indexer copies into a basic slice, and a number takes the tensor's dtype
        if (values.DType != target.DType && !convert)
            throw new ArgumentException($"{op}: Index put requires the source and destination dtypes match, got {target.DType.ScalarTypeName()} for the destination and {values.DType.ScalarTypeName()} for the source.", nameof(values));

        Array data = values.DType == target.DType ? values.Storage : values.ConvertData(target.DType).Storage;
        if (!ShapeUtil.SameShape(shape, result))
        {
            var b = Tensor.Uninitialized(target.DType, result);
            IndexPlanKernels.Gather(data, b.Storage, IndexPlan.Broadcast(shape, result));
            data = b.Storage;
        }
        else if (ReferenceEquals(data, target.Storage)) data = (Array)data.Clone();   // x[...] = x: read everything before writing
        IndexPlanKernels.Put(data, target.Storage, p, accumulate);

        if (!Node.NeedsGrad([input, values])) return null;
        int[] valueShape = vd;
        Tensor?[] saved = p.HasAdvanced ? [Node.Residuals] : [];
        var name = p.HasAdvanced || accumulate ? "IndexPutBackward0" : "CopySlices";
        var r = new Tensor(target.Storage, target.Dims);
        Node.Record(r, name, [input, values], g =>
        {
            var gv = Read(g, p);
            if (!ShapeUtil.SameShape(gv.Dims, valueShape))
            {
                gv = Engine.SumTo(gv, shape);
                if (shape.Length != valueShape.Length) gv = Tensor.ReshapeGrad(gv, valueShape);
            }
            return [accumulate ? g : ZeroAt(g, p), gv];
        }, saved, differentiable: true);
        return r.GradFn;
    }
}
