namespace Autograd;

// Note [Pool window tables]
// Every 2-d pooling op (fixed windows with stride/padding/dilation/ceil mode, and adaptive windows)
// is described per axis by a table: for output position o and kernel tap j, Tap[j * OutPadded + o] is
// the input position the tap reads, or In (one past the end) when the tap falls on padding, beyond a
// clipped ceil-mode window, or beyond a short adaptive window. Position In of every row buffer holds
// the reduction's identity (−∞ for max, 0 for sums), so the kernels gather through the table with no
// bounds tests and padding never needs to exist in memory. Columns o in [Out, OutPadded) are all
// sentinel so the horizontal pass can run whole SIMD vectors. Rows and columns are separable: a
// window's value is fold over its rows of (fold over its columns), which is what lets the kernels
// reduce whole input rows with SIMD first (see WindowWalk).

/// <summary>One spatial axis of a pooling layout: which input position every kernel tap of every output reads.</summary>
internal sealed class PoolAxis
{
    /// <summary>Padding of <see cref="OutPadded"/>: a multiple of every Vector&lt;T&gt; width we run on.</summary>
    private const int Lanes = 16;

    private PoolAxis(int inSize, int outSize, int taps)
    {
        In = inSize;
        Out = outSize;
        OutPadded = (outSize + Lanes - 1) / Lanes * Lanes;
        Taps = taps;
        long n = (long)taps * OutPadded;
        if (n > Array.MaxLength) throw new ArgumentException($"pooling: a window table of {taps} taps x {outSize} outputs is too large");
        Tap = new int[n];
        Array.Fill(Tap, inSize);
        CountPadded = new int[outSize];
        CountReal = new int[outSize];
        Start = new int[OutPadded];
    }

    /// <summary>
    /// Start[o]: the position of tap 0 of output o (may be negative: padding). Tap j reads
    /// Start[o] + j·<see cref="Dilation"/> whenever it is real, for fixed and adaptive windows alike.
    /// </summary>
    public int[] Start { get; }

    /// <summary>Input size along this axis.</summary>
    public int In { get; }

    /// <summary>Output size along this axis.</summary>
    public int Out { get; }

    /// <summary><see cref="Out"/> rounded up to a whole number of SIMD vectors.</summary>
    public int OutPadded { get; }

    /// <summary>Kernel taps per window (the kernel size, or the widest adaptive window).</summary>
    public int Taps { get; }

    /// <summary>Tap[j * OutPadded + o]: input position of tap j of output o, or <see cref="In"/> for none.</summary>
    public int[] Tap { get; }

    /// <summary>Window length counting padding but not the part of a ceil-mode window past the padded input (avg_pool2d's count_include_pad divisor).</summary>
    public int[] CountPadded { get; }

    /// <summary>Number of real (unpadded) input positions in the window.</summary>
    public int[] CountReal { get; }

    /// <summary>The taps of one kernel position j for every output: a row of <see cref="Tap"/>.</summary>
    public ReadOnlySpan<int> TapsOf(int j) => Tap.AsSpan(j * OutPadded, OutPadded);

    /// <summary>
    /// Fixed windows only: tap j of output o reads position o·<see cref="Stride"/> + j·<see cref="Dilation"/>
    /// of the input row padded with <see cref="Lead"/> identity cells in front (see ColumnBuffer).
    /// Adaptive windows are not uniform and go through <see cref="Tap"/>.
    /// </summary>
    public bool Uniform { get; private init; }

    public int Stride { get; private init; } = 1;

    public int Dilation { get; private init; } = 1;

    /// <summary>Identity cells before the input in a padded row buffer (the left padding).</summary>
    public int Lead { get; private init; }

    /// <summary>Length of a row buffer: lead padding, the input, and every tap any (padded) output reads; sentinel In for adaptive.</summary>
    public int BufferLength => Uniform
        ? Math.Max(Lead + In, (OutPadded - 1) * Stride + (Taps - 1) * Dilation + 1)
        : In + 1;

    /// <summary>Input position of tap j of output o, or <see cref="In"/>.</summary>
    public int At(int j, int o) => Tap[j * OutPadded + o];

    /// <summary>
    /// PyTorch's pooling_output_shape: floor((In + 2p − d(k−1) − 1 + (ceil ? s−1 : 0)) / s) + 1, minus one
    /// in ceil mode when the last window would start past the input and the left padding.
    /// May return 0 or less: the caller reports "Output size is too small".
    /// </summary>
    public static long OutputSize(int inSize, int k, int s, int p, int d, bool ceilMode)
    {
        long num = (long)inSize + 2L * p - (long)d * (k - 1) - 1 + (ceilMode ? s - 1 : 0);
        long outSize = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;   // div_rtn: rounds toward −∞
        if (ceilMode && (outSize - 1) * s >= (long)inSize + p) outSize--;
        return outSize;
    }

    /// <summary>Fixed windows: output o covers o·s − p + j·d for j in [0, k).</summary>
    public static PoolAxis Fixed(int inSize, int outSize, int k, int s, int p, int d)
    {
        var axis = new PoolAxis(inSize, outSize, k) { Uniform = true, Stride = s, Dilation = d, Lead = p };
        for (int o = 0; o < outSize; o++)
        {
            long start = (long)o * s - p;
            axis.Start[o] = (int)start;
            for (int j = 0; j < k; j++)
            {
                long pos = start + (long)j * d;
                if (pos >= 0 && pos < inSize) axis.Tap[j * axis.OutPadded + o] = (int)pos;
            }
            // avg_pool2d's divisor pieces (avg has no dilation, so d == 1 wherever these are used).
            long end = Math.Min(start + k, (long)inSize + p);
            axis.CountPadded[o] = (int)(end - start);
            axis.CountReal[o] = (int)Math.Max(0, Math.Min(end, inSize) - Math.Max(start, 0));
        }
        return axis;
    }

    /// <summary>
    /// Adaptive windows (PyTorch's start_index/end_index): output o covers
    /// [floor(o·In/Out), ceil((o+1)·In/Out)).
    /// </summary>
    public static PoolAxis Adaptive(int inSize, int outSize)
    {
        int taps = 0;
        for (int o = 0; o < outSize; o++) taps = Math.Max(taps, AdaptiveEnd(o, outSize, inSize) - AdaptiveStart(o, outSize, inSize));
        var axis = new PoolAxis(inSize, outSize, taps);
        for (int o = 0; o < outSize; o++)
        {
            int start = AdaptiveStart(o, outSize, inSize), end = AdaptiveEnd(o, outSize, inSize);
            axis.Start[o] = start;
            for (int j = 0; j < end - start; j++) axis.Tap[j * axis.OutPadded + o] = start + j;
            axis.CountPadded[o] = axis.CountReal[o] = end - start;
        }
        return axis;
    }

    private static int AdaptiveStart(long o, long outSize, long inSize) => (int)(o * inSize / outSize);

    private static int AdaptiveEnd(long o, long outSize, long inSize) => (int)(((o + 1) * inSize + outSize - 1) / outSize);
}
