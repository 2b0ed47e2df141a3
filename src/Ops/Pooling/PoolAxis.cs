namespace Autograd;

// Note [Pool window tables]
// Every 2-d pooling op (fixed windows with stride/padding/dilation/ceil mode, and adaptive windows)
// is described per axis by its windows: output o reads input positions Base(o) + t·Dilation for its
// taps t, in increasing position. Rows and columns are separable: a window's value is fold over its
// rows of (fold over its columns), which is what lets the kernels reduce whole input rows with SIMD
// first (see WindowWalk). The windows are closed forms of o, computed when needed, never stored per
// output: a table per output (or per output and tap) costs memory that grows with the output or the
// kernel, not with the work (Note [Compact pool axes]).
//
// Note [Compact pool axes]
// The horizontal pass runs over the columns of a row buffer (ColumnBuffer) in one of two layouts:
//  * uniform (fixed windows, the fast path): the buffer is the input row with Lead = padding identity
//    cells in front and identity cells behind, so tap j of output o is cell o·s + j·d: tap j of all
//    outputs is one contiguous run (of one stride phase), folded with SIMD over outputs, padding taps
//    included. The buffer must reach (OutPadded−1)·s + (k−1)·d + 1 cells, and every output walks all k
//    taps: both grow with stride, kernel and dilation, not with the data (stride 2^22 on a 5×7 input
//    took 1.3 GB; kernel 2^30 built a 2^30 × 16 tap table).
//  * compact: the buffer is just the input row, and each output walks only its real taps
//    t < Real(o) at Base(o) + t·d (Base = its first real position), gathered into a SIMD row; outputs
//    with fewer taps than the block's widest read the identity. Adaptive windows always use it.
// The uniform layout is kept when its buffer is at most 4·(In + OutPadded) + 64 cells: then the
// buffer, the taps walked (k ≤ buffer / d) and the padding taps are bounded by the row's own sizes,
// and every ordinary geometry (small kernels and strides; PoolExtremeArgumentTests checks the common
// ones) keeps it. Anything larger is compact, whose buffer is In + 1 cells and whose work is the real taps.
// Both walk taps in increasing position, so max pooling's tie-breaking and indices (Note [Max pooling
// order]) are the same in either layout. The horizontal pass runs over blocks of at most
// ColumnBlock.MaxOutputs outputs, so the per-output scratch (the taps' Base/Real, divisors, gathered
// rows) is bounded by the block, not the output width (adaptive_avg_pool2d of a 1×1 input to
// (1, 2^30) needs the output and a few blocks, not several output-sized tables).

/// <summary>One spatial axis of a pooling layout: which input positions each output's window reads.</summary>
internal sealed class PoolAxis
{
    /// <summary>Padding of a block of outputs: a multiple of every Vector&lt;T&gt; width we run on.</summary>
    public const int Lanes = 16;

    private readonly int _kernel, _stride, _padding;   // fixed windows only

    private PoolAxis(int inSize, int outSize, bool adaptive, int kernel, int stride, int padding, int dilation)
    {
        In = inSize;
        Out = outSize;
        IsAdaptive = adaptive;
        _kernel = kernel;
        _stride = stride;
        _padding = padding;
        Dilation = dilation;
    }

    /// <summary>
    /// Fixed windows of 2 taps at stride 2 with no padding or dilation, every window inside the input
    /// (Out = In / 2: floor mode, or ceil mode on an even size): the layout of Note [Pair pooling].
    /// </summary>
    public bool IsPairs => !IsAdaptive && _kernel == 2 && _stride == 2 && _padding == 0 && Dilation == 1 && Out == In / 2;

    /// <summary>Adaptive windows (no kernel, stride or padding), else fixed ones.</summary>
    public bool IsAdaptive { get; }

    /// <summary>Input size along this axis.</summary>
    public int In { get; }

    /// <summary>Output size along this axis.</summary>
    public int Out { get; }

    /// <summary>Distance between consecutive taps of a window (1 for adaptive windows).</summary>
    public int Dilation { get; }

    /// <summary>The layout of the horizontal pass (Note [Compact pool axes]): uniform (fixed windows only) or compact.</summary>
    public bool Uniform { get; private init; }

    /// <summary>Uniform only: tap j of output o is cell o·Stride + j·Dilation of the row buffer.</summary>
    public int Stride => Uniform ? _stride : 1;

    /// <summary>Identity cells before the input in the row buffer (uniform: the left padding; compact: none).</summary>
    public int Lead => Uniform ? _padding : 0;

    /// <summary>Length of the row buffer: uniform, every cell any (block-padded) output's taps read; compact, the input row and an identity cell.</summary>
    public int BufferLength { get; private init; }

    /// <summary>Uniform: taps per window, the kernel size (padding included). Compact: <see cref="MaxReal"/>.</summary>
    public int Taps { get; private init; }

    /// <summary>An upper bound on the real (in-bounds) taps of any one window, at most <see cref="In"/>.</summary>
    public int MaxReal { get; private init; }

    /// <summary>
    /// Output o's real taps: positions First + t·<see cref="Dilation"/> for t in [0, Count), in increasing
    /// order; Count = 0 for a window of padding only.
    /// </summary>
    public (int First, int Count) Window(int o)
    {
        if (IsAdaptive)
        {
            long start = AdaptiveStart(o), end = AdaptiveEnd(o);
            return ((int)start, (int)(end - start));
        }
        long s = Start(o), d = Dilation;
        if (d == 1)   // the common case, without the divisions (this runs once per output row)
        {
            long lo = Math.Max(s, 0), hi = Math.Min(s + _kernel, In);
            return hi > lo ? ((int)lo, (int)(hi - lo)) : (0, 0);
        }
        long first = s >= 0 ? 0 : (-s + d - 1) / d;                        // first tap at or past position 0
        long last = s < In ? Math.Min(_kernel, (In - 1 - s) / d + 1) : 0;  // one past the last tap before In
        return last > first ? ((int)(s + first * d), (int)(last - first)) : (0, 0);
    }

    /// <summary>Position of tap 0 of output o counting padding: o·s − p (fixed), the window start (adaptive).</summary>
    public long Start(int o) => IsAdaptive ? AdaptiveStart(o) : (long)o * _stride - _padding;

    /// <summary>
    /// avg_pool2d's divisor factor along this axis: with <paramref name="includePad"/>, the window's length
    /// counting padding but not the part of a ceil-mode window past the padded input; else its real cells.
    /// Adaptive windows have no padding.
    /// </summary>
    public int DivisorCount(int o, bool includePad)
    {
        if (IsAdaptive) return (int)(AdaptiveEnd(o) - AdaptiveStart(o));
        long start = Start(o), end = Math.Min(start + _kernel, (long)In + _padding);
        return (int)(includePad ? end - start : Math.Max(0, Math.Min(end, In) - Math.Max(start, 0)));
    }

    /// <summary>
    /// PyTorch's pooling_output_shape: floor((In + 2p − d(k−1) − 1 + (ceil ? s−1 : 0)) / s) + 1, minus one
    /// in ceil mode when the last window would start past the input and the left padding.
    /// May return 0 or less: the caller reports "Output size is too small". Exact in long for any int arguments.
    /// </summary>
    public static long OutputSize(int inSize, int k, int s, int p, int d, bool ceilMode)
    {
        long num = (long)inSize + 2L * p - (long)d * (k - 1) - 1 + (ceilMode ? s - 1L : 0);
        long outSize = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;   // div_rtn: rounds toward −∞
        if (ceilMode && (outSize - 1) * s >= (long)inSize + p) outSize--;
        return outSize;
    }

    /// <summary>Fixed windows: output o covers o·s − p + j·d for j in [0, k).</summary>
    public static PoolAxis Fixed(int inSize, int outSize, int k, int s, int p, int d)
    {
        long outPadded = RoundUp(outSize);
        // Every product below is of two ints: at most (2^31)^2 = 2^62, so the sums stay within long.
        long reach = (outPadded - 1) * s + (long)(k - 1) * d + 1;
        long length = Math.Max((long)p + inSize, reach);
        bool uniform = length <= 4 * ((long)inSize + outPadded) + 64 && length <= Array.MaxLength;
        int maxReal = (int)Math.Min(k, (inSize - 1L) / d + 1);
        return new PoolAxis(inSize, outSize, adaptive: false, k, s, p, d)
        {
            Uniform = uniform,
            BufferLength = uniform ? (int)length : inSize + 1,
            Taps = uniform ? k : maxReal,
            MaxReal = maxReal,
        };
    }

    /// <summary>
    /// Adaptive windows (PyTorch's start_index/end_index): output o covers
    /// [floor(o·In/Out), ceil((o+1)·In/Out)), at most ceil(In/Out) + 1 cells.
    /// </summary>
    public static PoolAxis Adaptive(int inSize, int outSize)
    {
        int maxReal = outSize == 0 ? 0 : (int)Math.Min(inSize, ((long)inSize + outSize - 1) / outSize + 1);
        return new PoolAxis(inSize, outSize, adaptive: true, 0, 1, 0, 1)
        {
            Uniform = false,
            BufferLength = inSize + 1,
            Taps = maxReal,
            MaxReal = maxReal,
        };
    }

    /// <summary>n rounded up to a whole number of <see cref="Lanes"/>.</summary>
    public static long RoundUp(long n) => (n + Lanes - 1) / Lanes * Lanes;

    private long AdaptiveStart(long o) => o * In / Out;

    private long AdaptiveEnd(long o) => ((o + 1) * In + Out - 1) / Out;
}
