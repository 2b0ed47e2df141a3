namespace Autograd;

/// <summary>
/// The validated shape of one conv2d call: every size the kernels need, computed once before any work.
/// Padding is kept per side (top/left/bottom/right) because "same" may pad asymmetrically, and as long
/// because "same" with a large dilation pads by d·(k−1)/2, which may exceed int (Note [conv2d size
/// arithmetic]).
/// </summary>
/// <param name="Batched">The input was 4-d (N, C, H, W); else 3-d and <paramref name="N"/> is 1.</param>
/// <param name="N">Batch size.</param>
/// <param name="C">Input channels.</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="OutC">Output channels.</param>
/// <param name="Groups">Channel groups.</param>
/// <param name="KH">Kernel height.</param>
/// <param name="KW">Kernel width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="DilationH">Vertical dilation (distance between kernel rows in the input).</param>
/// <param name="DilationW">Horizontal dilation.</param>
/// <param name="PadTop">Zero rows above the input.</param>
/// <param name="PadLeft">Zero columns left of the input.</param>
/// <param name="PadBottom">Zero rows below the input.</param>
/// <param name="PadRight">Zero columns right of the input.</param>
/// <param name="OH">Output height.</param>
/// <param name="OW">Output width.</param>
internal readonly record struct ConvGeometry(
    bool Batched, int N, int C, int H, int W,
    int OutC, int Groups, int KH, int KW,
    int StrideH, int StrideW, int DilationH, int DilationW,
    long PadTop, long PadLeft, long PadBottom, long PadRight,
    int OH, int OW)
{
    /// <summary>Input channels per group.</summary>
    public int Cg => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int Og => OutC / Groups;

    /// <summary>Rows of one group's im2col matrix (= columns of its weight matrix): Cg·kH·kW.</summary>
    public int K => Cg * KH * KW;

    /// <summary>Output positions per plane: oH·oW.</summary>
    public int P => OH * OW;

    /// <summary>Rows of a zero-padded input plane: H + padTop + padBottom (Notes [Padded im2col], [Weight gradient as GEMM]).</summary>
    public long PaddedH => H + PadTop + PadBottom;

    /// <summary>Columns of a zero-padded input plane: W + padLeft + padRight.</summary>
    public long PaddedW => W + PadLeft + PadRight;

    /// <summary>True when im2col would copy the input unchanged (1×1 kernel, stride 1, no padding).</summary>
    public bool Pointwise => KH == 1 && KW == 1 && StrideH == 1 && StrideW == 1 && PadTop == 0 && PadLeft == 0 && PadBottom == 0 && PadRight == 0;

    public int[] OutputShape => Batched ? [N, OutC, OH, OW] : [OutC, OH, OW];

    /// <summary>
    /// The checks conv2d and conv_transpose2d share, in PyTorch's order and words: input rank, weight rank
    /// (<paramref name="weightLayout"/> names its dims), matching dtypes, positive groups and stride.
    /// </summary>
    internal static void CheckOperands(string op, Tensor input, Tensor weight, Tensor? bias, int groups, Pair stride, string weightLayout)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{op}: Expected 3D (unbatched) or 4D (batched) input to {op}, but got input of size: {ShapeUtil.Format(input.Shape)}", nameof(input));
        if (weight.Rank != 4)
            throw new ArgumentException($"{op}: Expected 4-dimensional weight {weightLayout}, but got weight of size {ShapeUtil.Format(weight.Shape)}", nameof(weight));
        if (input.DType != weight.DType)
            throw new ArgumentException($"{op}: Input type ({input.DType}) and weight type ({weight.DType}) should be the same", nameof(weight));
        if (bias is not null && bias.DType != input.DType)
            throw new ArgumentException($"{op}: Input type ({input.DType}) and bias type ({bias.DType}) should be the same", nameof(bias));
        if (groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: non-positive groups is not supported, got groups={groups}");
        if (stride.H <= 0 || stride.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: non-positive stride is not supported, got stride={stride}");
    }

    // Note [conv2d validation]
    // Every condition PyTorch 1.13 rejects is rejected here, before any allocation, with PyTorch's
    // wording prefixed by "conv2d:" and the offending values appended. The order follows
    // at::_convolution: argument signs first, then weight shape, then channels, then spatial sizes, then
    // bias. Two places where PyTorch is accidental rather than deliberate:
    //  * a 3-d or 5-d weight: PyTorch dispatches to conv1d/conv3d and complains about the stride length;
    //    we say what is wrong (the weight must be 4-d).
    //  * float32 with float64: PyTorch's three messages differ by which argument is which; ours always
    //    names both dtypes.
    // Zero-sized batch is allowed (empty output). Zero input channels (weight (outC, 0, kH, kW)) gives
    // the bias broadcast over the output, where PyTorch returns a (N, 0, oH, oW) tensor; see docs/conv.md.
    internal static ConvGeometry Create(Tensor input, Tensor weight, Tensor? bias, Pair stride, Padding padding, Pair dilation, int groups)
    {
        const string op = "conv2d";
        CheckOperands(op, input, weight, bias, groups, stride, "(out_channels, in_channels/groups, kH, kW)");
        if (dilation.H <= 0 || dilation.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: non-positive dilation is not supported, got dilation={dilation}");
        if (padding.Mode is not (null or "same" or "valid"))
            throw new ArgumentException($"{op}: Invalid padding string: '{padding.Mode}' (expected 'same', 'valid', an int or a pair)", nameof(padding));
        if (padding.Mode is null && (padding.Size.H < 0 || padding.Size.W < 0))
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: negative padding is not supported, got padding={padding.Size}");
        if (padding.Mode == "same" && (stride.H != 1 || stride.W != 1))
            throw new ArgumentException($"{op}: padding='same' is not supported for strided convolutions, got stride={stride}", nameof(padding));

        ReadOnlySpan<int> ws = weight.Shape;
        int outC = ws[0], kh = ws[2], kw = ws[3];
        if (kh <= 0 || kw <= 0)
            throw new ArgumentException($"{op}: kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw} (weight of size {ShapeUtil.Format(ws)})", nameof(weight));
        if (outC < groups)
            throw new ArgumentException($"{op}: Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size {ShapeUtil.Format(ws)} instead", nameof(weight));
        if (outC % groups != 0)
            throw new ArgumentException($"{op}: Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {ShapeUtil.Format(ws)} instead", nameof(weight));

        bool batched = input.Rank == 4;
        ReadOnlySpan<int> xs = input.Shape;
        int n = batched ? xs[0] : 1, c = xs[^3], h = xs[^2], w = xs[^1];
        if (c != ws[1] * groups)
        {
            var shown = batched ? ShapeUtil.Format(xs) : ShapeUtil.Format([1, c, h, w]);
            throw new ArgumentException($"{op}: Given groups={groups}, weight of size {ShapeUtil.Format(ws)}, expected input{shown} to have {ws[1] * groups} channels, but got {c} channels instead", nameof(input));
        }

        // Note [conv2d size arithmetic]
        // Every size derived from stride, padding and dilation is computed in long: the effective
        // kernel d·(k−1)+1 reaches 2^62, "same" padding half of that, the padded input and the output
        // size as much again, all far beyond int (dilation 2^30 on a 5×5 kernel is a 2^32+1 kernel,
        // which int arithmetic wrapped to a small one and the kernels then read out of bounds). Each
        // such size is checked against what we can hold before it is narrowed: the output's sizes to
        // int here; the kernels' tables and scratch in BoundedConv.Suits (Note [Bounded convolution]).
        long dkh = (long)dilation.H * (kh - 1) + 1, dkw = (long)dilation.W * (kw - 1) + 1;
        var (top, left, bottom, right) = padding.Mode switch
        {
            "valid" => (0L, 0L, 0L, 0L),
            // PyTorch's _convolution_mode: total = d·(k−1), left = total/2, the odd one goes right/bottom.
            "same" => ((dkh - 1) / 2, (dkw - 1) / 2, dkh - 1 - (dkh - 1) / 2, dkw - 1 - (dkw - 1) / 2),
            _ => ((long)padding.Size.H, (long)padding.Size.W, (long)padding.Size.H, (long)padding.Size.W),
        };
        long hp = h + top + bottom, wp = w + left + right;
        if (hp < dkh || wp < dkw)
            throw new ArgumentException($"{op}: Calculated padded input size per channel: ({hp} x {wp}). Kernel size: ({dkh} x {dkw}). Kernel size can't be greater than actual input size", nameof(input));
        if (n > 0 && c > 0 && (h == 0 || w == 0))
            throw new ArgumentException($"{op}: Only zero batch or zero channel inputs are supported, but got input shape: {ShapeUtil.Format(xs)}", nameof(input));
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outC))
            throw new ArgumentException($"{op}: Given weight of size {ShapeUtil.Format(ws)}, expected bias to be 1-dimensional with {outC} elements, but got bias of size {ShapeUtil.Format(bias.Shape)} instead", nameof(bias));

        long oh = (hp - dkh) / stride.H + 1, ow = (wp - dkw) / stride.W + 1;
        bool dimTooLarge = oh > int.MaxValue || ow > int.MaxValue;
        if (dimTooLarge || Mul(Mul(n, outC), Mul(oh, ow)) > int.MaxValue)
        {
            // Only the input's size and the padding make an output large (stride and dilation shrink
            // it), so the padding is named when there is explicit padding, else the input.
            bool padded = padding.Mode is null && (padding.Size.H > 0 || padding.Size.W > 0);
            string shape = batched ? $"[{n}, {outC}, {oh}, {ow}]" : $"[{outC}, {oh}, {ow}]";
            string culprit = padded ? $"padding={padding.Size}" : $"input of size {ShapeUtil.Format(xs)}";
            string others = (padded ? $"input of size {ShapeUtil.Format(xs)}, " : "") + $"weight of size {ShapeUtil.Format(ws)}, stride={stride}" +
                (padded ? "" : $", padding={padding}") + $", dilation={dilation}";
            string limit = dimTooLarge ? $"a dimension larger than {int.MaxValue}" : $"more than {int.MaxValue} elements";
            throw new ArgumentException($"{op}: {culprit} gives an output of size {shape}, which has {limit} ({others})",
                padded ? nameof(padding) : nameof(input));
        }
        ShapeUtil.CheckStrides(op, [n, outC, oh, ow]);   // an empty batch's strides (Note [Strides of empty tensors])
        return new ConvGeometry(batched, n, c, h, w, outC, groups, kh, kw, stride.H, stride.W, dilation.H, dilation.W,
            top, left, bottom, right, (int)oh, (int)ow);
    }

    /// <summary>a·b for non-negative a and b, saturating at long.MaxValue (sizes compared against limits).</summary>
    internal static long Mul(long a, long b) => a == 0 || b <= long.MaxValue / a ? a * b : long.MaxValue;

    /// <summary>a + b for non-negative a and b, saturating at long.MaxValue.</summary>
    internal static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
