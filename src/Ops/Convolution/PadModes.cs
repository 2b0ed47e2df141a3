using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// F.pad's reflect, replicate and circular modes over the last 1, 2 or 3 dims (PyTorch's ReflectionPad1d..3d,
// ReplicationPad1d..3d, _pad_circular). Each output index o of a padded dim of size n reads one input index:
//   reflect:   i = o − left, mirrored without repeating the edge (−i below 0, 2(n−1) − i above n − 1);
//   replicate: i clamped to [0, n − 1];
//   circular:  the input cropped by the negative pads (size m), then i = start + (o − max(left, 0)) mod m —
//              PyTorch crops first and wraps the cropped part.
// y = x gathered through those maps (their product over the padded dims); dX = dY scatter-added back
// through the same maps (the edge cells of reflect/replicate collect several outputs). The backward is
// linear in dY and its derivative is the gather again, so both are one recorded op each, the other's
// derivative: the rule differentiates to any order (Note [Double backward]).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.pad(input, pad, mode, value): <paramref name="mode"/> "constant" (the overload
    /// without a mode), "reflect", "replicate" or "circular". The non-constant modes pad the last 1 dim of a
    /// 2-d/3-d input, the last 2 of a 3-d/4-d one or the last 3 of a 4-d/5-d one, as PyTorch; they take no value.
    /// </summary>
    public static Tensor Pad(Tensor input, ReadOnlySpan<int> pad, string mode, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mode);
        if (pad.Length % 2 != 0)
            throw new ArgumentException("pad: Padding length must be divisible by 2", nameof(pad));
        if (pad.Length > input.Rank * 2)
            throw new ArgumentException($"pad: Padding length should be less than or equal to two times the input dimension but got padding length {pad.Length} and input of dimension {input.Rank}", nameof(pad));
        if (mode == "constant") return Pad(input, pad, value);
        if (mode is not ("reflect" or "replicate" or "circular"))
            throw new ArgumentException($"pad: Unrecognised padding mode {mode} (expected constant, reflect, replicate or circular)", nameof(mode));
        if (value != 0)
            throw new ArgumentException($"pad: Padding mode \"{mode}\" doesn't take in value argument", nameof(value));
        int k = pad.Length / 2;
        if (k is < 1 or > 3 || input.Rank != k + 1 && input.Rank != k + 2)
            throw new ArgumentException($"pad: Padding size {pad.Length} is not supported for {input.Rank}D input tensor. Supported combinations for non-constant padding:\n" +
                "  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n" +
                "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)", nameof(pad));
        var maps = PadMaps(input, pad, mode, k);
        var outShape = input.Dims.ToArray();
        for (int j = 0; j < k; j++) outShape[input.Rank - k + j] = maps[j].Length;
        string node = mode switch { "reflect" => $"ReflectionPad{k}DBackward0", "replicate" => $"ReplicationPad{k}DBackward0", _ => "CopySlices" };
        return GatherPad(input, maps, outShape, node);
    }

    /// <summary>Per padded dim (outermost first), the input index each output index reads; validated as PyTorch.</summary>
    private static int[][] PadMaps(Tensor x, ReadOnlySpan<int> pad, string mode, int k)
    {
        int rank = x.Rank;
        if (mode != "circular")
        {
            // check_valid_input: every dim but an optional batch dim must be nonempty.
            for (int d = rank == k + 2 ? 1 : 0; d < rank; d++)
                if (x.Dims[d] == 0)
                    throw new ArgumentException($"pad: Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {ShapeUtil.Format(x.Shape)}", nameof(x));
        }
        var maps = new int[k][];
        for (int j = k - 1; j >= 0; j--)   // the last dim first, as PyTorch checks width before height
        {
            int d = rank - k + j, n = x.Dims[d];
            int pi = k - 1 - j;             // pad holds (left, right) pairs from the last dim
            long left = pad[2 * pi], right = pad[2 * pi + 1], size = n + left + right;
            if (mode == "reflect" && (left >= n || right >= n))
                throw new ArgumentException($"pad: Argument #{4 + 2 * pi}: Padding size should be less than the corresponding input dimension, but got: padding ({left}, {right}) at dimension {d} of input {ShapeUtil.Format(x.Shape)}", nameof(pad));
            if (mode == "circular")
            {
                if (left > n || right > n) throw new ArgumentException("pad: Padding value causes wrapping around more than once.", nameof(pad));
                if (size < 0) throw new ArgumentException("pad: Negative padding value is resulting in an empty dimension", nameof(pad));
            }
            else if (size < 1)
                throw new ArgumentException($"pad: input ({"WHD"[pi]}: {n}) is too small. Calculated output {"WHD"[pi]}: {size}", nameof(pad));
            if (size > int.MaxValue) throw new ArgumentException($"pad: padding ({left}, {right}) of dimension {d} (size {n}) gives more than {int.MaxValue} elements", nameof(pad));
            maps[j] = PadMap(n, (int)left, (int)right, (int)size, mode);
        }
        return maps;
    }

    private static int[] PadMap(int n, int left, int right, int size, string mode)
    {
        var map = new int[size];
        // circular: the part left after the negative pads, wrapped (PyTorch copies within the output).
        int start = Math.Max(-left, 0), m = n + Math.Min(left, 0) + Math.Min(right, 0), lead = Math.Max(left, 0);
        if (mode == "circular" && m <= 0 && size > 0)
            throw new ArgumentException($"pad: circular padding ({left}, {right}) crops the dimension of size {n} to nothing and then wraps it", "pad");
        for (int o = 0; o < size; o++)
        {
            int i = o - left;
            map[o] = mode switch
            {
                "reflect" => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i,
                "replicate" => Math.Clamp(i, 0, n - 1),
                _ => start + (((o - lead) % m) + m) % m,
            };
        }
        return map;
    }

    /// <summary>out[..., o1, .., ok] = x[..., map1[o1], .., mapk[ok]], recorded with the scatter-add as its backward.</summary>
    private static Tensor GatherPad(Tensor x, int[][] maps, int[] outShape, string node)
    {
        var y = Tensor.Uninitialized(x.DType, outShape);
        // Moves only: one generic copy per storage type, so integer dtypes pad too once they exist.
        switch (x.Storage)
        {
            case float[] f: GatherRows(f, x.Dims, (float[])y.Storage, outShape, maps); break;
            case double[] d: GatherRows(d, x.Dims, (double[])y.Storage, outShape, maps); break;
            default: GatherRowsAny(x.Storage, x.Dims, y.Storage, outShape, maps); break;
        }
        if (!Node.NeedsGrad([x])) return y;
        int[] inShape = x.Dims;
        return Node.Record(y, node, [x], g => [ScatterPad(g, maps, inShape, node)], differentiable: true);
    }

    /// <summary>dX: every dY cell added to the input cell it was read from; recorded with the gather as its backward.</summary>
    private static Tensor ScatterPad(Tensor g, int[][] maps, int[] inShape, string node)
    {
        var dx = Tensor.Zeros(inShape, g.DType);
        if (g.DType == DType.Float32) ScatterRows(dx.Array<float>(), inShape, g.Array<float>(), g.Dims, maps);
        else ScatterRows(dx.Array<double>(), inShape, g.Array<double>(), g.Dims, maps);
        if (!Node.NeedsGrad([g])) return dx;
        int[] outShape = g.Dims;
        return Node.Record(dx, node.Replace("Backward0", "BackwardBackward0"), [g], gg => [GatherPad(gg, maps, outShape, node)], differentiable: true);
    }

    /// <summary>
    /// The forward gather, a plane (the last two output dims) at a time: each output row is a few block copies (the
    /// runs of consecutive source indices of the last dim's map: the middle of a reflect/replicate row is one run)
    /// from the input row the second-to-last map picks (the identity when only the last dim is padded). The planes'
    /// input offsets are worked out once per plane (per item of up to 64 rows), not per row, and the items are split
    /// over threads (each output element is written by one thread; the gather reads only).
    /// </summary>
    private static void GatherRows<T>(T[] x, int[] xShape, T[] y, int[] yShape, int[][] maps) where T : unmanaged
    {
        var runs = Runs(maps[^1]);
        int rank = yShape.Length, w = yShape[^1], h = rank >= 2 ? yShape[^2] : 1, xw = xShape[^1];
        int[]? hmap = maps.Length >= 2 ? maps[^2] : null;
        int planeSize = w * h, planes = planeSize == 0 ? 0 : y.Length / planeSize;
        int xPlane = rank >= 2 ? xw * xShape[^2] : xw;
        int lead = rank - maps.Length;   // dims before lead are not padded
        // Items of up to 64 rows of one plane: a plane each for images, still several items for a tall 2-d input.
        const int RowsPerItem = 64;
        int itemsPerPlane = (h + RowsPerItem - 1) / RowsPerItem;
        Parallelism.For(planes * itemsPerPlane, y.Length, item =>
        {
            int p = item / itemsPerPlane, row0 = item % itemsPerPlane * RowsPerItem, row1 = Math.Min(h, row0 + RowsPerItem);
            // x's offset of plane p: its leading output coordinates, the padded ones (a 3-d pad's depth) mapped.
            int xBase = 0, rem = p, scale = xPlane;
            for (int d = rank - 3; d >= 0; d--)
            {
                int i = rem % yShape[d];
                rem /= yShape[d];
                xBase += (d < lead ? i : maps[d - lead][i]) * scale;
                scale *= xShape[d];
            }
            int yBase = p * planeSize;
            // The maps were checked against the shapes when they were built: rows are read and written without
            // bounds checks, and runs of more than one element are short vector copies (Note [Short row copies]).
            ref T x0 = ref MemoryMarshal.GetArrayDataReference(x);
            ref T y0 = ref MemoryMarshal.GetArrayDataReference(y);
            for (int oh = row0; oh < row1; oh++)
            {
                int xRow = xBase + (hmap is null ? oh : hmap[oh]) * xw, yRow = yBase + oh * w;
                for (int k = 0; k < runs.Length; k++)
                {
                    var (o, src, n) = runs[k];
                    if (n == 1) Unsafe.Add(ref y0, yRow + o) = Unsafe.Add(ref x0, xRow + src);
                    else Kernels.Moves.CopyRow(ref Unsafe.Add(ref x0, xRow + src), ref Unsafe.Add(ref y0, yRow + o), n);
                }
            }
        });
    }

    /// <summary>The map as maximal runs (output start, source start, length) of consecutive source indices.</summary>
    private static (int O, int Src, int N)[] Runs(int[] map)
    {
        var runs = new List<(int, int, int)>();
        for (int o = 0; o < map.Length;)
        {
            int n = 1;
            while (o + n < map.Length && map[o + n] == map[o] + n) n++;
            runs.Add((o, map[o], n));
            o += n;
        }
        return runs.ToArray();
    }

    /// <summary>The same gather for a storage type without a typed path (element by element through Array).</summary>
    private static void GatherRowsAny(Array x, int[] xShape, Array y, int[] yShape, int[][] maps)
    {
        int[] last = maps[^1];
        ForEachPadRow(xShape, yShape, maps, (xBase, yBase) =>
        {
            for (int o = 0; o < last.Length; o++) Array.Copy(x, xBase + last[o], y, yBase + o, 1);
        });
    }

    /// <summary>
    /// The backward scatter-add, by runs like the gather. Output rows of one plane (the unpadded leading dims)
    /// may add into the same input row (reflect, replicate), rows of different planes never do: threads take
    /// whole planes.
    /// </summary>
    private static void ScatterRows<T>(T[] x, int[] xShape, T[] y, int[] yShape, int[][] maps) where T : unmanaged, INumberBase<T>
    {
        var runs = Runs(maps[^1]);
        int w = yShape[^1], rows = w == 0 ? 0 : y.Length / w;
        int planeRows = 1;
        for (int d = yShape.Length - maps.Length; d < yShape.Length - 1; d++) planeRows *= yShape[d];
        int planes = planeRows == 0 ? 0 : rows / planeRows;
        Parallelism.For(planes, y.Length, p =>
            ForEachPadRow(xShape, yShape, maps, (xBase, yBase) =>
            {
                foreach (var (o, src, n) in runs)
                    if (n == 1) x[xBase + src] += y[yBase + o];
                    else System.Numerics.Tensors.TensorPrimitives.Add<T>(x.AsSpan(xBase + src, n), y.AsSpan(yBase + o, n), x.AsSpan(xBase + src, n));
            }, p * planeRows, (p + 1) * planeRows));
    }

    /// <summary>
    /// Walks the output one last-dim row at a time (an odometer over the leading output dims), handing each
    /// row's start in y and the start in x of the input row it reads (the leading dims mapped through maps).
    /// </summary>
    private static void ForEachPadRow(int[] xShape, int[] yShape, int[][] maps, Action<int, int> row, int first = 0, int end = int.MaxValue)
    {
        int rows = yShape[^1] == 0 ? 0 : ShapeUtil.Numel(yShape) / yShape[^1];
        end = Math.Min(end, rows);
        if (first >= end) return;
        int rank = xShape.Length, lead = rank - maps.Length, w = yShape[^1];
        var xs = ShapeUtil.Strides(xShape);
        var idx = new int[rank - 1];   // output index over all but the last dim, starting at row `first`
        for (int d = rank - 2, rem = first; d >= 0; d--) { idx[d] = rem % yShape[d]; rem /= yShape[d]; }
        for (int r = first; r < end; r++)
        {
            int xBase = 0;
            for (int d = 0; d < rank - 1; d++) xBase += (d < lead ? idx[d] : maps[d - lead][idx[d]]) * xs[d];
            row(xBase, r * w);
            for (int d = rank - 2; d >= 0 && ++idx[d] == yShape[d]; d--) idx[d] = 0;
        }
    }
}
