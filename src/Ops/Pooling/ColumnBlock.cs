namespace Autograd;

/// <summary>
/// One block of at most <see cref="MaxOutputs"/> consecutive outputs of the column axis, with the
/// per-output facts the horizontal pass needs (Note [Compact pool axes]): where each window's tap 0
/// is, how many real taps a compact window has, and avg_pool2d's column divisor factor. One per
/// worker; rows with a single block (every ordinary width) load it once and reuse it.
/// </summary>
internal sealed class ColumnBlock
{
    /// <summary>Outputs per block: a multiple of <see cref="PoolAxis.Lanes"/>; bounds every per-output scratch row.</summary>
    public const int MaxOutputs = 4096;

    private readonly PoolAxis _axis;
    private readonly bool _divisors, _includePad;

    public ColumnBlock(PoolAxis axis, bool divisors = false, bool includePad = true)
    {
        _axis = axis;
        _divisors = divisors;
        _includePad = includePad;
        Capacity = (int)Math.Min(MaxOutputs, PoolAxis.RoundUp(axis.Out));
        Base = new int[Capacity];
        Real = axis.Uniform ? [] : new int[Capacity];
        DivisorCount = divisors ? new int[Capacity] : [];
        Count = (int)((axis.Out + (long)MaxOutputs - 1) / MaxOutputs);
    }

    /// <summary>Number of blocks in a row.</summary>
    public int Count { get; }

    /// <summary>Length of every per-output scratch row: the widest block's <see cref="Padded"/>.</summary>
    public int Capacity { get; }

    /// <summary>The loaded block (−1 before the first load).</summary>
    public int Index { get; private set; } = -1;

    /// <summary>First output of the loaded block.</summary>
    public int O0 { get; private set; }

    /// <summary>Outputs in the loaded block.</summary>
    public int Length { get; private set; }

    /// <summary><see cref="Length"/> rounded up to whole SIMD vectors; lanes past Length are padding-only windows.</summary>
    public int Padded { get; private set; }

    /// <summary>Taps the loaded block walks: the kernel size (uniform) or its widest window's real taps (compact).</summary>
    public int Taps { get; private set; }

    /// <summary>Base[i]: input position of tap 0 of output O0 + i (uniform: may be padding; compact: its first real tap).</summary>
    public int[] Base { get; }

    /// <summary>Compact only: Real[i], the number of real taps of output O0 + i (0 in the padding lanes).</summary>
    public int[] Real { get; }

    /// <summary>When built with divisors: <see cref="PoolAxis.DivisorCount"/> of output O0 + i.</summary>
    public int[] DivisorCount { get; }

    /// <summary>Makes block b the loaded one (no work when it already is).</summary>
    public void Load(int b)
    {
        if (b == Index) return;
        int o0 = b * MaxOutputs, n = (int)Math.Min(MaxOutputs, (long)_axis.Out - o0);
        int taps = _axis.Uniform ? _axis.Taps : 0;
        for (int i = 0; i < n; i++)
        {
            if (_axis.Uniform) Base[i] = (int)_axis.Start(o0 + i);   // within the row buffer (Note [Compact pool axes])
            else
            {
                var (first, real) = _axis.Window(o0 + i);
                Base[i] = first;
                Real[i] = real;
                taps = Math.Max(taps, real);
                if (_axis.IsAdaptive && _divisors) { DivisorCount[i] = real; continue; }   // the same window, without its divisions again
            }
            if (_divisors) DivisorCount[i] = _axis.DivisorCount(o0 + i, _includePad);
        }
        int padded = (int)PoolAxis.RoundUp(n);
        for (int i = n; i < padded; i++)
        {
            Base[i] = 0;
            if (Real.Length > 0) Real[i] = 0;
            if (_divisors) DivisorCount[i] = 1;
        }
        (Index, O0, Length, Padded, Taps) = (b, o0, n, padded, taps);
    }
}
