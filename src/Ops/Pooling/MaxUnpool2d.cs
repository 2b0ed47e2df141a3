namespace Autograd;

// max_unpool2d: Y[plane, idx[i]] = X[plane, i], zeros elsewhere (a repeated index keeps the last value,
// PyTorch's CPU order).   dX[plane, i] = dY[plane, idx[i]]   (a gather: every input reads its cell,
// repeated indices included, as PyTorch's max_pool_double_backward does). The gather is a recorded op
// (IndexGather, node GatherBackward0 as in PyTorch's composite), differentiable again: its derivative is
// the scatter-add of the incoming gradient by the same indices (a cell read twice collects both).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.max_unpool2d: the partial inverse of <see cref="MaxPool2dWithIndices"/>:
    /// each value of a 4-d (N, C, H, W) or 3-d (C, H, W) input is placed at its flat index into its
    /// output plane, the rest is zero. The output plane is (H−1)·stride − 2·padding + kernelSize per
    /// axis unless <paramref name="outputSize"/> (2 sizes, or 4 of which the last 2 count) picks one of
    /// the sizes within stride of it, as PyTorch allows.
    /// </summary>
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, Pair kernelSize, Pair? stride = null, Pair? padding = null, int[]? outputSize = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"max_unpool2d: elements in indices should be type int64 but got: {indices.DType.ScalarTypeName()}", nameof(indices));
        if (!ShapeUtil.SameShape(indices.Shape, input.Shape))
            throw new ArgumentException($"max_unpool2d: Expected shape of indices to be same as that of the input tensor ({ShapeUtil.Format(input.Shape)}) but got indices tensor with shape: {ShapeUtil.Format(indices.Shape)}", nameof(indices));
        // An index beyond int cannot be inside any plane: it becomes one that the range check below reports.
        var flat = indices.Array<long>();
        var small = new int[flat.Length];
        for (int i = 0; i < small.Length; i++) small[i] = (int)Math.Clamp(flat[i], int.MinValue, int.MaxValue);
        return MaxUnpool2d(input, small, kernelSize, stride, padding, outputSize);
    }

    /// <summary>max_unpool2d with the indices as a flat int[] laid out like the input.</summary>
    public static Tensor MaxUnpool2d(Tensor input, int[] indices, Pair kernelSize, Pair? stride = null, Pair? padding = null, int[]? outputSize = null)
    {
        const string op = "max_unpool2d";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        var s = stride ?? kernelSize;
        var p = padding ?? 0;
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{op}: Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with {input.Rank} dimensions.", nameof(input));
        for (int d = input.Rank - 3; d < input.Rank; d++)
            if (input.Dims[d] == 0)
                throw new ArgumentException($"{op}: Expected input to have non-zero size for non-batch dimensions, but got {ShapeUtil.Format(input.Shape)} with dimension {d} being empty.", nameof(input));
        // PyTorch does not check these three; its results for them are degenerate (an empty output for
        // kernel 0, nonsense sizes for a negative padding), so we reject them (docs/pooling.md).
        if (kernelSize.H <= 0 || kernelSize.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{op}: kernel size should be greater than zero, but got kH: {kernelSize.H} kW: {kernelSize.W}");
        if (s.H <= 0 || s.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride should be greater than zero, but got dH: {s.H} dW: {s.W}");
        if (p.H < 0 || p.W < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: pad must be non-negative, but got padH: {p.H} padW: {p.W}");

        var (batched, n, c, h, w) = PoolGeometry.Dims(input);
        long defH = (long)(h - 1) * s.H - 2L * p.H + kernelSize.H, defW = (long)(w - 1) * s.W - 2L * p.W + kernelSize.W;
        long oh = defH, ow = defW;
        if (outputSize is not null)
        {
            if (outputSize.Length is not (2 or 4))
                throw new ArgumentException($"{op}: output_size should be a sequence containing 2 or 4 elements, but it has a length of '{outputSize.Length}'", nameof(outputSize));
            oh = outputSize[^2];
            ow = outputSize[^1];
            CheckUnpoolSize(op, oh, ow, 0, oh, defH, s.H);
            CheckUnpoolSize(op, oh, ow, 1, ow, defW, s.W);
        }
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"{op}: Given input size: ({c}x{h}x{w}), kernel_size {kernelSize}, stride {s} and padding {p}, the calculated output size ({oh}x{ow}) is too small", nameof(input));
        PoolGeometry.CheckNumel(op, input.DType, n, c, oh, ow);
        if (indices.Length != input.Numel)
            throw new ArgumentException($"{op}: Expected indices to have one entry per input element ({ShapeUtil.Format(input.Shape)}, {input.Numel} entries), but got {indices.Length}", nameof(indices));
        int planes = n * c;
        int outPlane = planes == 0 ? 0 : (int)(oh * ow);   // CheckNumel: within int once there is a plane
        foreach (int i in indices)
            if ((uint)i >= (uint)outPlane)
                throw new ArgumentException($"{op}: Found an invalid max index: {i} (output volumes are of size {oh}x{ow})", nameof(indices));

        int[] outShape = batched ? [n, c, (int)oh, (int)ow] : [c, (int)oh, (int)ow];
        var idx = (int[])indices.Clone();   // the backward must not see later changes to the caller's array
        var output = input.DType == DType.Float32
            ? new Tensor(IndexKernels.Scatter(planes, outPlane, input.Array<float>(), idx), outShape)
            : new Tensor(IndexKernels.Scatter(planes, outPlane, input.Array<double>(), idx), outShape);
        if (!Node.NeedsGrad([input])) return output;
        int[] inShape = input.Dims;
        // An ordinary backward runs grad mode off, so IndexGather is its raw kernel and records nothing.
        return Node.Record(output, "MaxUnpool2DBackward0", [input], g => [IndexGather(g, idx, inShape, "GatherBackward0")],
            saved: [input], differentiable: true);
    }

    /// <summary>PyTorch's _unpool_output_size rule: each size strictly within stride of the default.</summary>
    private static void CheckUnpoolSize(string op, long oh, long ow, int dim, long size, long defaultSize, int stride)
    {
        long min = defaultSize - stride, max = defaultSize + stride;
        if (!(min < size && size < max))
            throw new ArgumentException($"{op}: invalid output_size \"({oh}, {ow})\" (dim {dim} must be between {min} and {max})", "outputSize");
    }
}
