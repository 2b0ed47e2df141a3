namespace Autograd;

/// <summary>
/// The validated layout of one 2-d pooling call: N·C independent planes of H×W, and the window tables
/// of both axes. Built before any work; the kernels trust it.
/// </summary>
internal sealed class PoolGeometry
{
    private PoolGeometry(bool batched, int n, int c, int h, int w, PoolAxis rows, PoolAxis cols)
    {
        Batched = batched; N = n; C = c; H = h; W = w; Rows = rows; Cols = cols;
    }

    public bool Batched { get; }
    public int N { get; }
    public int C { get; }
    public int H { get; }
    public int W { get; }

    /// <summary>The vertical axis (input rows → output rows).</summary>
    public PoolAxis Rows { get; }

    /// <summary>The horizontal axis (input columns → output columns).</summary>
    public PoolAxis Cols { get; }

    /// <summary>avg_pool2d's count_include_pad (PyTorch default true).</summary>
    public bool CountIncludePad { get; init; } = true;

    /// <summary>avg_pool2d's divisor_override.</summary>
    public int? DivisorOverride { get; init; }

    public int OH => Rows.Out;
    public int OW => Cols.Out;

    /// <summary>Independent planes: N·C (C when unbatched).</summary>
    public int Planes => N * C;

    public int[] InputShape => Batched ? [N, C, H, W] : [C, H, W];

    public int[] OutputShape => Batched ? [N, C, OH, OW] : [C, OH, OW];

    /// <summary>Rough element-visits of one pass, for the inline-or-parallel decision (saturates instead of overflowing).</summary>
    public long Work
    {
        get
        {
            double columns = Cols.Uniform ? (double)Cols.Taps * PoolAxis.RoundUp(OW) : (double)Cols.MaxReal * OW;
            return (long)Math.Min(long.MaxValue / 2, (double)Planes * OH * ((double)Rows.MaxReal * W + columns));
        }
    }

    // Note [Pooling validation]
    // Every configuration PyTorch 1.13 rejects is rejected here, before any allocation, with PyTorch's
    // wording prefixed by the op's name and showing both axes' values. The checks and their order follow
    // ATen's pool2d_shape_check and pooling_output_shape (python3-torch 1.13 was asked for each message):
    //  * the input is 3-d (C, H, W) or 4-d (N, C, H, W), every dim but N non-zero (N = 0 gives an empty
    //    output);
    //  * kernel, stride and dilation positive; padding non-negative;
    //  * padding at most HALF THE KERNEL SIZE, not half the effective (dilated) kernel: 1.13 checks
    //    pad <= k/2 in pooling_output_shape, and its pool2d_shape_check (kW/2 >= padW, still present in
    //    PyTorch 2.x after pooling_output_shape was relaxed to the effective kernel) rejects the rest, so
    //    PyTorch accepts exactly pad <= k/2 (which implies pad <= (d(k−1)+1)/2);
    //  * the output at least 1×1 ("Output size is too small").
    // PyTorch checks "stride should not be zero" first; with our explicit kernel check first, kernel 0
    // (whose default stride is 0) is reported as a kernel problem, which says what is wrong.

    /// <summary>
    /// The window checks of a fixed-window pooling call, without an input: what the pooling modules
    /// (MaxPool2d, AvgPool2d) run at construction so a bad module fails when built, with the same messages.
    /// </summary>
    public static void CheckWindow(string op, Pair kernel, Pair stride, Pair padding, Pair dilation)
    {
        if (kernel.H <= 0 || kernel.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernel), $"{op}: kernel size should be greater than zero, but got kH: {kernel.H} kW: {kernel.W}");
        if (stride.H <= 0 || stride.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride should be greater than zero, but got dH: {stride.H} dW: {stride.W}");
        if (dilation.H <= 0 || dilation.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: dilation should be greater than zero, but got dilationH: {dilation.H} dilationW: {dilation.W}");
        if (padding.H < 0 || padding.W < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: pad must be non-negative, but got padH: {padding.H} padW: {padding.W}");
        if (padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: pad should be at most half of kernel size, but got pad={padding} and kernel_size={kernel}");
    }

    /// <summary>Validates a fixed-window pooling call (max_pool2d, avg_pool2d, lp_pool2d) and builds its tables.</summary>
    public static PoolGeometry Fixed(string op, Tensor input, Pair kernel, Pair? stride, Pair padding, Pair dilation, bool ceilMode,
        bool includePad = true, int? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.RequireFloating(op, nameof(input));
        CheckInput(op, input, requireChannels: true,
            $"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got: {ShapeUtil.Format(input.Shape)}");
        var s = stride ?? kernel;
        CheckWindow(op, kernel, s, padding, dilation);

        var (batched, n, c, h, w) = Dims(input);
        long oh = PoolAxis.OutputSize(h, kernel.H, s.H, padding.H, dilation.H, ceilMode);
        long ow = PoolAxis.OutputSize(w, kernel.W, s.W, padding.W, dilation.W, ceilMode);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"{op}: Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{oh}x{ow}). Output size is too small", nameof(input));
        CheckNumel(op, input.DType, n, c, oh, ow);
        return new PoolGeometry(batched, n, c, h, w,
            PoolAxis.Fixed(h, (int)oh, kernel.H, s.H, padding.H, dilation.H),
            PoolAxis.Fixed(w, (int)ow, kernel.W, s.W, padding.W, dilation.W))
        { CountIncludePad = includePad, DivisorOverride = divisorOverride };
    }

    /// <summary>
    /// Validates an adaptive pooling call and builds its tables. PyTorch accepts output sizes of 0
    /// (an empty result) and rejects negative ones; adaptive_avg_pool2d accepts zero channels,
    /// adaptive_max_pool2d does not.
    /// </summary>
    public static PoolGeometry Adaptive(string op, Tensor input, Pair outputSize, bool requireChannels)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.RequireFloating(op, nameof(input));
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{op}(): Expected 3D or 4D tensor, but got {ShapeUtil.Format(input.Shape)}", nameof(input));
        int channelDim = input.Rank - 3;
        for (int dim = requireChannels ? channelDim : channelDim + 1; dim < input.Rank; dim++)
        {
            if (input.Dims[dim] == 0)
                throw new ArgumentException($"{op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {ShapeUtil.Format(input.Shape)} with dimension {dim} being empty", nameof(input));
        }
        if (outputSize.H < 0 || outputSize.W < 0)
            throw new ArgumentOutOfRangeException(nameof(outputSize), $"{op}: elements of output_size must be greater than or equal to 0 but received {outputSize}");
        var (batched, n, c, h, w) = Dims(input);
        CheckNumel(op, input.DType, n, c, outputSize.H, outputSize.W);
        return new PoolGeometry(batched, n, c, h, w, PoolAxis.Adaptive(h, outputSize.H), PoolAxis.Adaptive(w, outputSize.W));
    }

    /// <summary>Rank 3 or 4 and non-empty non-batch dims (channels only when <paramref name="requireChannels"/>).</summary>
    internal static void CheckInput(string op, Tensor input, bool requireChannels, string message)
    {
        bool ok = input.Rank is 3 or 4;
        if (ok)
            for (int d = input.Rank - 3; d < input.Rank; d++)
                if (input.Dims[d] == 0 && (requireChannels || d != input.Rank - 3)) ok = false;
        if (!ok) throw new ArgumentException($"{op}: {message}", nameof(input));
    }

    internal static (bool Batched, int N, int C, int H, int W) Dims(Tensor input)
    {
        ReadOnlySpan<int> s = input.Shape;
        return input.Rank == 4 ? (true, s[0], s[1], s[2], s[3]) : (false, 1, s[0], s[1], s[2]);
    }

    /// <summary>
    /// Rejects an output our tensors cannot hold (more than int.MaxValue elements, or a dim beyond int),
    /// computed without overflow: n·c·oh·ow of int-sized factors can exceed long. Where PyTorch fails too
    /// (the element count or the byte size overflows int64) the message is PyTorch's own. An empty batch gives an empty output
    /// whatever the plane size, as in PyTorch.
    /// </summary>
    internal static void CheckNumel(string op, DType dtype, long n, long c, long oh, long ow)
    {
        Int128 numel = (Int128)oh * ow * n * c;
        string sizes = $"[{n}, {c}, {oh}, {ow}]";
        if (numel > long.MaxValue)
            throw new ArgumentException($"{op}: numel: integer multiplication overflow (output of size {sizes})");
        if (numel * (dtype == DType.Float32 ? 4 : 8) > long.MaxValue)
            throw new ArgumentException($"{op}: Storage size calculation overflowed with sizes={sizes}");
        ShapeUtil.CheckStrides(op, [n, c, oh, ow]);   // an empty output's strides (non-empty ones are within numel)
        if (oh > int.MaxValue || ow > int.MaxValue)
            throw new ArgumentException($"{op}: output of size {sizes} has a dimension larger than {int.MaxValue}");
        if (numel > int.MaxValue)
            throw new ArgumentException($"{op}: output of size {sizes} has {numel} elements, more than {int.MaxValue}");
    }
}
