using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd;

/// <summary>Turns an index expression into an <see cref="IndexPlan"/> (Note [Index plans]), with PyTorch's errors, before any work.</summary>
internal static class IndexPlanBuilder
{
    /// <summary>
    /// One index tensor: its values, shape, and the source dim it indexes (stride and size), at intermediate
    /// position InterPos. A mask over Span consecutive dims is one entry: the flat positions of its true
    /// elements within those dims, which are contiguous in the source, so the last dim's stride serves.
    /// </summary>
    private sealed record Advanced(long[] Values, int[] Shape, int Stride, int Size, int InterPos, int Span = 1)
    {
        /// <summary>A lone mask's source offsets (position · stride), made without Values: in bounds by construction.</summary>
        internal int[]? Offsets { get; init; }
    }

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

        bool loneMask = masks.Count == 1 && advanced.Count == 0;
        foreach (var (mask, dim, interPos) in masks)
        {
            var entry = MaskPositions(mask, dim, interPos, shape, strides, inter, op, loneMask);
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
    private static Advanced MaskPositions(Tensor mask, int dim, int interPos, int[] shape, int[] strides, List<int> inter, string op, bool offsetsOnly = false)
    {
        var ms = mask.Dims;
        for (int j = 0; j < ms.Length; j++)
            if (dim + j >= shape.Length || ms[j] != shape[dim + j])
                throw new ArgumentException($"{op}: The shape of the mask {ShapeUtil.Format(ms)} at index {j} does not match the shape of the indexed tensor {ShapeUtil.Format([.. inter])} at index {interPos + j}", nameof(mask));
        ReadOnlySpan<byte> m = mask.Storage is bool[] b ? System.Runtime.InteropServices.MemoryMarshal.Cast<bool, byte>(b) : (byte[])mask.Storage;
        int count = m.Length - m.Count((byte)0);
        int stride = strides[dim + ms.Length - 1];
        if (offsetsOnly)
            return new Advanced([], [count], stride, m.Length, interPos, ms.Length) { Offsets = MaskOffsets(m, count, stride) };
        var positions = new long[count];
        for (int i = 0, c = 0; i < m.Length; i++) if (m[i] != 0) positions[c++] = i;
        return new Advanced(positions, [count], stride, m.Length, interPos, ms.Length);
    }

    /// <summary>
    /// position · stride of each nonzero byte of <paramref name="m"/> (<paramref name="count"/> of them), in order:
    /// with AVX-512, 16 bytes a step packed by vpcompressd; else 64 (or 32) bytes compared with 0 at a time and
    /// the set bits walked with trailing-zero counts. (A long[] of positions, then a per-element broadcast and
    /// bounds-check loop, alone took longer than libtorch's whole x[x > 0]: docs/speed.md, Measurements behind the code.)
    /// </summary>
    private static int[] MaskOffsets(ReadOnlySpan<byte> m, int count, int stride)
    {
        var offsets = GC.AllocateUninitializedArray<int>(count);
        ref byte p = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(m);
        ref int o = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(offsets);
        int n = m.Length, i = 0, c = 0;
#if NET10_0_OR_GREATER // Avx512F.Compress is .NET 10+ (Note [net8.0 target]): net8.0 takes the loop below
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            // 16 bytes a step: widened to ints, the offsets of the nonzero ones packed to the front (vpcompressd)
            // and stored whole while 16 slots remain (the next step overwrites the unused tail).
            var at = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) * stride;
            var step = Vector512.Create(16 * stride);
            for (; i <= n - 16 && c <= count - 16; i += 16, at += step)
            {
                var keep = ~Vector512.Equals(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref p, (nuint)i)), Vector512<int>.Zero);
                Avx512F.Compress(Vector512<int>.Zero, keep, at).StoreUnsafe(ref o, (nuint)c);
                c += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
        }
#endif
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 64; i += 64)
                for (ulong bits = ~Vector512.Equals(Vector512.LoadUnsafe(ref p, (nuint)i), Vector512<byte>.Zero).ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
                    Unsafe.Add(ref o, c++) = (i + BitOperations.TrailingZeroCount(bits)) * stride;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 32; i += 32)
                for (uint bits = ~Vector256.Equals(Vector256.LoadUnsafe(ref p, (nuint)i), Vector256<byte>.Zero).ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
                    Unsafe.Add(ref o, c++) = (i + BitOperations.TrailingZeroCount(bits)) * stride;
        for (; i < n; i++) if (m[i] != 0) offsets[c++] = i * stride;
        return offsets;
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
        if (advanced is [{ Offsets: { } known }])
            return Place(dims, advanced, known, bshape, @base, shape);
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
        return Place(dims, advanced, offsets, bshape, @base, shape);
    }

    /// <summary>The plan with the advanced block's axis placed (first when its dims are not adjacent).</summary>
    private static IndexPlan Place(List<int[]?> dims, List<Advanced> advanced, int[] offsets, int[] bshape, int @base, int[] shape)
    {
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
