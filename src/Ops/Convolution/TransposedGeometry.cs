namespace Autograd;

/// <summary>
/// One conv_transpose2d call, validated: the conv2d geometry that runs it (Note [conv_transpose2d as an
/// input gradient]) and the full output size, which exceeds the geometry's input by the rows/columns
/// that output_padding beyond padding adds (zeros).
/// </summary>
internal readonly record struct TransposedGeometry(ConvGeometry Conv, int OutC, int OH, int OW, Pair Stride, Pair Dilation)
{
    /// <summary>True when the output has zero rows or columns beyond the geometry's reach.</summary>
    public bool Extra => OH != Conv.H || OW != Conv.W;

    private int[] FullShape => Conv.Batched ? [Conv.N, OutC, OH, OW] : [OutC, OH, OW];

    /// <summary>The geometry's output (N, outC, H', W') copied into the zero-filled full output.</summary>
    public Tensor Widen(Tensor core)
    {
        var full = Tensor.Empty(core.DType, FullShape);
        if (core.DType == DType.Float32) CopyPlanes(core.Array<float>(), Conv.H, Conv.W, full.Array<float>(), OH, OW);
        else CopyPlanes(core.Array<double>(), Conv.H, Conv.W, full.Array<double>(), OH, OW);
        return full;
    }

    /// <summary>dY without the rows/columns the geometry does not reach (a plain copy, outside the graph).</summary>
    public Tensor Crop(Tensor gy)
    {
        var crop = Tensor.Uninitialized(gy.DType, Conv.Batched ? [Conv.N, Conv.C, Conv.H, Conv.W] : [Conv.C, Conv.H, Conv.W]);
        if (gy.DType == DType.Float32) CopyPlanes(gy.Array<float>(), OH, OW, crop.Array<float>(), Conv.H, Conv.W);
        else CopyPlanes(gy.Array<double>(), OH, OW, crop.Array<double>(), Conv.H, Conv.W);
        return crop;
    }

    /// <summary>Copies the top-left min(h)×min(w) corner of every plane of src (h×w planes) into dst (h2×w2 planes).</summary>
    private static void CopyPlanes<T>(T[] src, int h, int w, T[] dst, int h2, int w2)
    {
        int planes = h * w == 0 ? (h2 * w2 == 0 ? 0 : dst.Length / (h2 * w2)) : src.Length / (h * w);
        int rows = Math.Min(h, h2), cols = Math.Min(w, w2);
        for (int p = 0; p < planes; p++)
            for (int r = 0; r < rows; r++)
                src.AsSpan(p * h * w + r * w, cols).CopyTo(dst.AsSpan(p * h2 * w2 + r * w2, cols));
    }

    // Note [conv_transpose2d validation]
    // PyTorch's conditions (at::_convolution's check_input_shape_forward with transposed=1 and
    // slow_conv_transpose2d_shape_check), its wording prefixed by "conv_transpose2d:", checked before
    // any allocation. In_channels not divisible by groups, which PyTorch only meets deep in a kernel, is
    // refused with the divisibility message conv2d uses for the weight's dim 0.
    internal static TransposedGeometry Create(Tensor input, Tensor weight, Tensor? bias, Pair stride, Pair padding,
        Pair outputPadding, Pair dilation, int groups)
    {
        const string op = "conv_transpose2d";
        ConvGeometry.CheckOperands(op, input, weight, bias, groups, stride, "(in_channels, out_channels/groups, kH, kW)");
        if (padding.H < 0 || padding.W < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: negative padding is not supported, got padding={padding}");
        if (outputPadding.H < 0 || outputPadding.W < 0)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), $"{op}: negative output_padding is not supported, got output_padding={outputPadding}");
        if (dilation.H <= 0 || dilation.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: dilation should be greater than zero, got dilation={dilation}");
        CheckOutputPadding(op, stride, outputPadding, dilation);

        ReadOnlySpan<int> ws = weight.Shape;
        int inC = ws[0], og = ws[1], kh = ws[2], kw = ws[3];
        if (kh <= 0 || kw <= 0)
            throw new ArgumentException($"{op}: kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw} (weight of size {ShapeUtil.Format(ws)})", nameof(weight));
        if (inC < groups)
            throw new ArgumentException($"{op}: Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size {ShapeUtil.Format(ws)} instead", nameof(weight));
        if (inC % groups != 0)
            throw new ArgumentException($"{op}: Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {ShapeUtil.Format(ws)} instead", nameof(weight));
        bool batched = input.Rank == 4;
        ReadOnlySpan<int> xs = input.Shape;
        int n = batched ? xs[0] : 1, c = xs[^3], h = xs[^2], w = xs[^1];
        if (c != inC)
        {
            var shown = batched ? ShapeUtil.Format(xs) : ShapeUtil.Format([1, c, h, w]);
            throw new ArgumentException($"{op}: Given transposed=1, weight of size {ShapeUtil.Format(ws)}, expected input{shown} to have {inC} channels, but got {c} channels instead", nameof(input));
        }
        long outC = (long)og * groups;
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outC))
            throw new ArgumentException($"{op}: Given transposed=1, weight of size {ShapeUtil.Format(ws)}, expected bias to be 1-dimensional with {outC} elements, but got bias of size {ShapeUtil.Format(bias.Shape)} instead", nameof(bias));
        if (n > 0 && c > 0 && (h == 0 || w == 0))
            throw new ArgumentException($"{op}: Only zero batch or zero channel inputs are supported, but got input shape: {ShapeUtil.Format(xs)}", nameof(input));

        long dkh = (long)dilation.H * (kh - 1) + 1, dkw = (long)dilation.W * (kw - 1) + 1;
        long oh = (long)(h - 1) * stride.H - 2L * padding.H + dkh + outputPadding.H;
        long ow = (long)(w - 1) * stride.W - 2L * padding.W + dkw + outputPadding.W;
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"{op}: Given input size per channel: ({h} x {w}). Calculated output size per channel: ({oh} x {ow}). Output size is too small", nameof(input));
        if (oh > int.MaxValue || ow > int.MaxValue || ConvGeometry.Mul(ConvGeometry.Mul(n, outC), ConvGeometry.Mul(oh, ow)) > int.MaxValue)
            throw new ArgumentException($"{op}: input of size {ShapeUtil.Format(xs)} with weight of size {ShapeUtil.Format(ws)}, stride={stride}, padding={padding}, output_padding={outputPadding}, dilation={dilation} gives an output of {n}·{outC}·{oh}·{ow} elements, more than {int.MaxValue}", nameof(input));
        ShapeUtil.CheckStrides(op, [n, (int)outC, oh, ow]);

        // Note [conv_transpose2d as an input gradient]: the rows beyond p − op are zeros the geometry does not cover.
        long extraH = Math.Max(0, outputPadding.H - padding.H), extraW = Math.Max(0, outputPadding.W - padding.W);
        var conv = new ConvGeometry(batched, n, (int)outC, (int)(oh - extraH), (int)(ow - extraW), inC, groups, kh, kw,
            stride.H, stride.W, dilation.H, dilation.W, padding.H, padding.W,
            Math.Max(0, padding.H - outputPadding.H), Math.Max(0, padding.W - outputPadding.W), h, w);
        return new TransposedGeometry(conv, (int)outC, (int)oh, (int)ow, stride, dilation);
    }

    /// <summary>PyTorch's rule: each output padding below its stride or its dilation (slow_conv_transpose2d_shape_check).</summary>
    internal static void CheckOutputPadding(string op, Pair stride, Pair outputPadding, Pair dilation)
    {
        if ((outputPadding.W < stride.W || outputPadding.W < dilation.W) && (outputPadding.H < stride.H || outputPadding.H < dilation.H)) return;
        throw new ArgumentException($"{op}: output padding must be smaller than either stride or dilation, but got output_padding_height: {outputPadding.H} " +
            $"output_padding_width: {outputPadding.W} stride_height: {stride.H} stride_width: {stride.W} dilation_height: {dilation.H} dilation_width: {dilation.W}", nameof(outputPadding));
    }
}
