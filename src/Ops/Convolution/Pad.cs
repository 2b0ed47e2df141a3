namespace Autograd;

// y = pad(x, p, value): x copied into a value-filled tensor at offset p_left per dim (negative p crops).
// dX = pad(dY, −p): the region of dY that came from x, i.e. dY cropped (and zero-padded where x was
// cropped away, which gives those cells their zero gradient).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.pad, constant mode: <paramref name="pad"/> holds (left, right) pairs starting
    /// from the last dimension — (left, right, top, bottom, front, back, ...) — so it pads or, with
    /// negative values, crops up to pad.Length/2 trailing dims. New cells hold <paramref name="value"/>.
    /// </summary>
    public static Tensor Pad(Tensor input, ReadOnlySpan<int> pad, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (pad.Length % 2 != 0)
            throw new ArgumentException($"pad: Padding length must be divisible by 2, got {pad.Length} values: [{string.Join(", ", pad.ToArray())}]", nameof(pad));
        if (pad.Length / 2 > input.Rank)
            throw new ArgumentException($"pad: Padding length too large: {pad.Length} values pad {pad.Length / 2} dims but the input of size {ShapeUtil.Format(input.Shape)} has {input.Rank}", nameof(pad));

        int rank = input.Rank;
        var before = new int[rank];
        var outShape = input.Dims.ToArray();
        // libtorch 2.10's constant_pad_nd first crops (narrows) by the negative pads, which must leave a
        // size >= 0, then pads by the positive ones: a dim may end up empty even when another pad is
        // positive (1.13 refused that; docs/oracle.md lists the change). Found by the oracle.
        Int128 numel = 1;
        for (int d = 0; d < rank - pad.Length / 2; d++) numel *= input.Dims[d];
        for (int k = 0; k < pad.Length / 2; k++)
        {
            // In long: a dim plus two int pads can exceed int either way.
            int d = rank - 1 - k;
            long inSize = input.Dims[d], left = pad[2 * k], right = pad[2 * k + 1];
            long size = inSize + left + right;
            // The crops alone must leave a size >= 0 (PyTorch narrows by each negative pad before
            // padding); this also keeps every pad within [−size, int.MaxValue], so the backward's
            // negated pads are ints too.
            long cropped = inSize + Math.Min(0, left) + Math.Min(0, right);
            if (cropped < 0)
                throw new ArgumentException($"pad: The input size {inSize}, plus negative padding {left} and {right} resulted in a negative output size, which is invalid. Check dimension {d} of your input.", nameof(pad));
            if (size > int.MaxValue)
                throw new ArgumentException($"pad: padding {left} and {right} of dimension {d} (size {inSize}) gives {size} elements, more than {int.MaxValue}", nameof(pad));
            before[d] = pad[2 * k];
            outShape[d] = (int)size;
            numel *= size;
        }
        if (numel > int.MaxValue)   // checked before allocating; Int128 as pads can make each dim up to int.MaxValue
            throw new ArgumentException($"pad: padding [{string.Join(", ", pad.ToArray())}] of an input of size {ShapeUtil.Format(input.Shape)} gives an output of size {ShapeUtil.Format(outShape)}, {numel} elements, more than {int.MaxValue}", nameof(pad));
        ShapeUtil.CheckStrides("pad", Array.ConvertAll(outShape, d => (long)d));   // an empty output's strides

        var output = Tensor.Empty(input.DType, outShape);
        if (value != 0) FillWith(output, value);
        CopyShifted(input.Storage, input.Dims, output.Storage, outShape, before);

        if (!Node.NeedsGrad([input])) return output;
        var back = pad.ToArray();
        for (int i = 0; i < back.Length; i++) back[i] = -back[i];
        return Node.Record(output, "ConstantPadNdBackward0", [input], g => [Pad(g, back)], default, differentiable: true);
    }

    private static void FillWith(Tensor t, double value)
    {
        if (t.Storage is float[] f) Array.Fill(f, (float)value);
        else Array.Fill((double[])t.Storage, value);
    }

    /// <summary>
    /// dst[i + before] = src[i] wherever both sides are in range: the overlap, walked one last-dim run
    /// at a time with an odometer over the leading dims. Plain copies, so one routine serves both dtypes.
    /// </summary>
    private static void CopyShifted(Array src, int[] srcShape, Array dst, int[] dstShape, int[] before)
    {
        int rank = srcShape.Length;
        if (rank == 0) { Array.Copy(src, dst, src.Length); return; }
        var lo = new int[rank];   // first overlapping source index per dim
        var len = new int[rank];  // overlap length per dim
        for (int d = 0; d < rank; d++)
        {
            lo[d] = Math.Max(0, -before[d]);
            len[d] = (int)Math.Min(srcShape[d], (long)dstShape[d] - before[d]) - lo[d];   // long: a crop plus a large size
            if (len[d] <= 0) return;
        }
        var srcStrides = ShapeUtil.Strides(srcShape);
        var dstStrides = ShapeUtil.Strides(dstShape);
        var idx = new int[rank]; // offsets within the overlap, last dim excluded
        while (true)
        {
            int s = 0, t = 0;
            for (int d = 0; d < rank; d++)
            {
                int i = lo[d] + (d == rank - 1 ? 0 : idx[d]);
                s += i * srcStrides[d];
                t += (i + before[d]) * dstStrides[d];
            }
            Array.Copy(src, s, dst, t, len[rank - 1]);
            int k = rank - 2;
            while (k >= 0 && ++idx[k] == len[k]) idx[k--] = 0;
            if (k < 0) return;
        }
    }
}
