namespace Autograd;

// The differentiable element move behind gather, index_select, sort, topk and the gradients of scatter
// (Note [Double backward]):
//   route:  r = zeros(shape); r[to[i]] += x[from[i]] for every i   (a null map is the identity)
//   dX = route(dR, from: to, to: from) back to x's shape,
// the same op with the maps swapped, so a gradient written with it is differentiable to any order. A gather
// (to = identity) is a plain copy; its gradient adds repeated sources up (scatter_add / index_add).
// Without grad mode (an ordinary backward) it is the raw kernel and records nothing.
public static partial class F
{
    /// <summary>zeros(<paramref name="shape"/>) with x[from[i]] added at to[i]; recorded as <paramref name="node"/>, its gradient as <paramref name="backNode"/>.</summary>
    internal static Tensor Route(Tensor x, int[]? from, int[]? to, int[] shape, string node, string backNode)
    {
        Tensor r;
        if (to is null)
        {
            r = Tensor.Uninitialized(x.DType, shape);   // one source per element: every element written
            Moves.Move(x.Storage, from, r.Storage, null);
        }
        else
        {
            r = Tensor.Empty(x.DType, shape);
            Moves.Accumulate(x.Storage, from, r.Storage, to);
        }
        if (!Node.NeedsGrad([x])) return r;
        int[] xShape = x.Dims;
        return Node.Record(r, node, [x], g => [Route(g, to, from, xShape, backNode, node)], differentiable: true);
    }
}

/// <summary>Flat offsets of the elements an index tensor picks along one dim (gather, scatter, index_select).</summary>
internal static class IndexMaps
{
    /// <summary>The shape with a 0-dim tensor seen as [1], as PyTorch's scatter/gather kernels see it.</summary>
    internal static int[] NonEmpty(int[] shape) => shape.Length == 0 ? [1] : shape;

    /// <summary>
    /// For each element p of <paramref name="index"/>: the offset in <paramref name="selfShape"/> of p with coordinate
    /// <paramref name="dim"/> replaced by index[p] (Self), and the offset of p itself in <paramref name="otherShape"/> (Other;
    /// null when no other shape is given). Each index is checked against the size of <paramref name="dim"/> first.
    /// </summary>
    internal static (int[] Self, int[]? Other) AlongDim(long[] index, int[] indexShape, int[] selfShape, int dim, int[]? otherShape, string op)
    {
        int[] ishape = NonEmpty(indexShape), sshape = NonEmpty(selfShape);
        int size = sshape[dim];
        foreach (long v in index)
            if (v < 0 || v >= size)
                throw new ArgumentException($"{op}(): index {v} is out of bounds for dimension {dim} with size {size}", "index");
        int rank = ishape.Length;
        var sstride = ShapeUtil.Strides(sshape);
        var ostride = otherShape is null ? null : ShapeUtil.Strides(NonEmpty(otherShape));
        var self = new int[index.Length];
        var other = otherShape is null ? null : new int[index.Length];
        var idx = new int[rank];
        int offSelf = 0, offOther = 0;   // the offsets of p without the dim coordinate in self
        for (int p = 0; p < index.Length; p++)
        {
            self[p] = offSelf + (int)index[p] * sstride[dim];
            if (other is not null) other[p] = offOther;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                if (d != dim) offSelf += sstride[d];
                if (ostride is not null) offOther += ostride[d];
                if (idx[d] < ishape[d]) break;
                if (d != dim) offSelf -= sstride[d] * idx[d];
                if (ostride is not null) offOther -= ostride[d] * idx[d];
                idx[d] = 0;
            }
        }
        return (self, other);
    }

    /// <summary>The index values as long, after PyTorch's dtype check: int64 or int32 (libtorch 2.10 takes both in
    /// gather, scatter and index_select; the wording of the error is the op's own).</summary>
    internal static long[] Values(Tensor index, string op, string wording = "int32/int64")
    {
        CheckDType(index, op, wording);
        return index.ToArray<long>();
    }

    /// <summary>PyTorch's index dtype check alone (int64 or int32), for paths that read the index in place.</summary>
    internal static void CheckDType(Tensor index, string op, string wording = "int32/int64")
    {
        if (index.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{op}(): Expected dtype {wording} for index, but got {index.DType.TorchName()}", nameof(index));
    }
}
