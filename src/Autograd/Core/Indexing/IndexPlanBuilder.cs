namespace Autograd;

/// <summary>Turns an index expression into an <see cref="IndexPlan"/> (Note [Index plans]), with PyTorch's errors, before any work.</summary>
internal static class IndexPlanBuilder
{
    /// <summary>
    /// One index tensor: its values, shape, and the source dim it indexes (stride and size), at intermediate
    /// position InterPos. A mask over Span consecutive dims is one entry: the flat positions of its true
    /// elements within those dims, which are contiguous in the source, so the last dim's stride serves.
    /// </summary>
    private sealed record Advanced(long[] Values, int[] Shape, int Stride, int Size, int InterPos, int Span = 1);

    internal static IndexPlan Build(int[] shape, ReadOnlySpan<TensorIndex> indices, string op)
    {
        int rank = shape.Length;
        int consumed = 0;
        foreach (var ix in indices)
        {
            ArgumentNullException.ThrowIfNull(ix, nameof(indices));
            switch (ix.IndexKind)
            {
                case TensorIndex.Kind.Single or TensorIndex.Kind.Slice: consumed++; break;
                case TensorIndex.Kind.Tensor:
                    var t = ix.Indices!;
                    if (t.DType.IsFloatingPoint())
                        throw new ArgumentException($"{op}: tensors used as indices must be long, int, byte or bool tensors (got {t.DType.TorchName()})", nameof(indices));
                    consumed += t.DType is DType.Bool or DType.UInt8 ? t.Rank : 1;
                    break;
            }
        }
        if (consumed > rank)
            throw new ArgumentException(rank == 0
                ? $"{op}: invalid index of a 0-dim tensor. Use `tensor.Item()` to convert a 0-dim tensor to a number"
                : $"{op}: too many indices for tensor of dimension {rank}", nameof(indices));

        var strides = ShapeUtil.Strides(shape);
        var dims = new List<int[]?>();            // intermediate dims: offsets of a basic one, null where an index tensor indexes
        var inter = new List<int>();              // the intermediate tensor's sizes (PyTorch's sliced self)
        var advanced = new List<Advanced>();
        var masks = new List<(Tensor Mask, int Dim, int InterPos)>();
        int @base = 0, d = 0;
        string name = "AliasBackward0";

        // Several ellipses are accepted as libtorch accepts them (each skips the dims the others leave); an
        // entry past the last dim is then "too many indices".
        void Need(int k)
        {
            if (d + k > rank) throw new ArgumentException($"{op}: too many indices for tensor of dimension {rank}", nameof(indices));
        }
        void FullSlice()
        {
            var a = new int[shape[d]];
            for (int k = 0; k < a.Length; k++) a[k] = k * strides[d];
            dims.Add(a); inter.Add(shape[d]); d++;
        }
        void Select(long i, bool fromEnd)
        {
            Need(1);
            int size = shape[d];
            long pos = fromEnd ? size - i : i;
            if (pos < 0 || pos >= size)
                throw new ArgumentOutOfRangeException(nameof(indices), $"{op}: index {(fromEnd ? -i : i)} is out of bounds for dimension {d} with size {size}");
            @base += (int)pos * strides[d];
            d++;
            name = "SelectBackward0";
        }

        foreach (var ix in indices)
        {
            switch (ix.IndexKind)
            {
                case TensorIndex.Kind.Single:
                    Select(ix.Value, ix.FromEnd);
                    break;
                case TensorIndex.Kind.Slice:
                {
                    if (ix.Step <= 0) throw new ArgumentException($"{op}: step must be greater than zero", nameof(indices));
                    Need(1);
                    int size = shape[d];
                    long start = Clamp(ix.Start ?? 0, ix.StartFromEnd, size), stop = ix.Stop is null ? size : Clamp(ix.Stop.Value, ix.StopFromEnd, size);
                    int len = stop > start ? (int)((stop - start + ix.Step - 1) / ix.Step) : 0;
                    var a = new int[len];
                    for (int k = 0; k < len; k++) a[k] = (int)(start + k * ix.Step) * strides[d];
                    if (start != 0 || len != size || (ix.Step != 1 && size > 1)) name = "SliceBackward0";
                    dims.Add(a); inter.Add(len); d++;
                    break;
                }
                case TensorIndex.Kind.None:
                    dims.Add([0]); inter.Add(1);
                    name = "UnsqueezeBackward0";
                    break;
                case TensorIndex.Kind.Ellipsis:
                    for (int k = rank - consumed; k > 0; k--)
                        if (d < rank) FullSlice();
                        else d++;
                    break;
                default:
                {
                    var t = ix.Indices!;
                    if (t.DType is DType.Bool or DType.UInt8)
                    {
                        if (t.Rank == 0)
                        {
                            // a new dim of size 1, indexed by [0] when true and by [] when false
                            bool on = t.GetDouble(0) != 0;
                            advanced.Add(new Advanced(on ? [0] : [], [on ? 1 : 0], 0, 1, dims.Count));
                            dims.Add(null); inter.Add(1);
                        }
                        else
                        {
                            Need(t.Rank);
                            masks.Add((t, d, dims.Count));
                            for (int k = 0; k < t.Rank; k++) { dims.Add(null); inter.Add(d < rank ? shape[d] : 0); d++; }
                        }
                    }
                    else if (t.Rank == 0) { long v = t.ItemAs<long>(); Select(v < 0 ? -v : v, v < 0); }
                    else
                    {
                        Need(1);
                        advanced.Add(new Advanced(t.ToArray<long>(), t.Dims, strides[d], shape[d], dims.Count));
                        dims.Add(null); inter.Add(shape[d]); d++;
                    }
                    break;
                }
            }
        }
        while (d < rank) FullSlice();

        foreach (var (mask, dim, interPos) in masks)
        {
            var entry = MaskPositions(mask, dim, interPos, shape, strides, inter, op);
            int at = advanced.FindIndex(a => a.InterPos > interPos);
            advanced.Insert(at >= 0 ? at : advanced.Count, entry);
        }
        if (advanced.Count == 0)
        {
            var resultShape = new int[dims.Count];
            for (int k = 0; k < dims.Count; k++) resultShape[k] = dims[k]!.Length;
            return new IndexPlan(shape, resultShape, @base, dims.ConvertAll(a => a!), false, name);
        }
        return WithAdvanced(shape, @base, dims, advanced, op);
    }

    /// <summary>Python's slice bound: negative (from end) counts back from the size, then clamps to [0, size].</summary>
    private static long Clamp(long v, bool fromEnd, int size)
    {
        long pos = fromEnd ? size - v : v;
        return Math.Clamp(pos, 0, size);
    }

    /// <summary>A mask's true positions (row-major, as nonzero() orders them) after PyTorch's shape check.</summary>
    private static Advanced MaskPositions(Tensor mask, int dim, int interPos, int[] shape, int[] strides, List<int> inter, string op)
    {
        var ms = mask.Dims;
        for (int j = 0; j < ms.Length; j++)
            if (dim + j >= shape.Length || ms[j] != shape[dim + j])
                throw new ArgumentException($"{op}: The shape of the mask {ShapeUtil.Format(ms)} at index {j} does not match the shape of the indexed tensor {ShapeUtil.Format([.. inter])} at index {interPos + j}", nameof(mask));
        ReadOnlySpan<byte> m = mask.Storage is bool[] b ? System.Runtime.InteropServices.MemoryMarshal.Cast<bool, byte>(b) : (byte[])mask.Storage;
        int count = m.Length - m.Count((byte)0);
        var positions = new long[count];
        for (int i = 0, c = 0; i < m.Length; i++) if (m[i] != 0) positions[c++] = i;
        return new Advanced(positions, [count], strides[dim + ms.Length - 1], m.Length, interPos, ms.Length);
    }

    /// <summary>Broadcasts the index tensors, checks their bounds, and places their block (first if not adjacent).</summary>
    private static IndexPlan WithAdvanced(int[] shape, int @base, List<int[]?> dims, List<Advanced> advanced, string op)
    {
        int[] bshape = [];
        try { foreach (var a in advanced) bshape = ShapeUtil.Broadcast(bshape, a.Shape, op); }
        catch (ArgumentException)
        {
            throw new ArgumentException($"{op}: shape mismatch: indexing tensors could not be broadcast together with shapes {string.Join(", ", advanced.Select(a => ShapeUtil.Format(a.Shape)))}");
        }
        int n = ShapeUtil.Numel(bshape);
        var offsets = new int[n];
        // libtorch checks an index's bounds as its kernel visits it: an empty result visits none
        bool empty = dims.Any(a => a is { Length: 0 });
        for (int j = 0; j < advanced.Count; j++)
        {
            var a = advanced[j];
            if (a.Size == 0 && n > 0)   // libtorch's AdvancedIndex checks this on the broadcast indices, before any kernel
                throw new ArgumentOutOfRangeException("indices", $"{op}: index is out of bounds for dimension with size 0");
            var map = ShapeUtil.SameShape(a.Shape, bshape) ? null : BroadcastMap(a.Shape, bshape);
            for (int b = 0; b < n; b++)
            {
                long v = a.Values[map?[b] ?? b];
                if (v < -a.Size || v >= a.Size)
                {
                    if (empty) continue;
                    throw new ArgumentOutOfRangeException("indices", $"{op}: index {v} is out of bounds for dimension {j} with size {a.Size}");
                }
                offsets[b] += (int)(v < 0 ? v + a.Size : v) * a.Stride;
            }
        }
        int first = advanced.Min(a => a.InterPos), last = advanced.Max(a => a.InterPos + a.Span - 1);
        bool adjacent = true;
        for (int p = first; p <= last; p++) adjacent &= dims[p] is null;
        var axes = new List<int[]>();
        var result = new List<int>();
        if (!adjacent) { axes.Add(offsets); result.AddRange(bshape); }
        for (int p = 0; p < dims.Count; p++)
        {
            if (dims[p] is { } basic) { axes.Add(basic); result.Add(basic.Length); }
            else if (adjacent && p == first) { axes.Add(offsets); result.AddRange(bshape); }
        }
        return new IndexPlan(shape, [.. result], @base, axes, true, "IndexBackward0");
    }

    /// <summary>For each flat position of <paramref name="to"/>, the flat position of <paramref name="from"/> that broadcasts to it.</summary>
    private static int[] BroadcastMap(int[] from, int[] to)
    {
        int n = ShapeUtil.Numel(to), off = to.Length - from.Length;
        var map = new int[n];
        var idx = new int[to.Length];
        for (int b = 0; b < n; b++)
        {
            int j = 0;
            for (int k = off; k < to.Length; k++) j = j * from[k - off] + (from[k - off] == 1 ? 0 : idx[k]);
            map[b] = j;
            for (int k = to.Length - 1; k >= 0 && ++idx[k] == to[k]; k--) idx[k] = 0;
        }
        return map;
    }
}
