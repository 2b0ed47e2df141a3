using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Autograd;

/// <summary>The average-pool fold: window sums divided by <see cref="PoolGeometry.Divisor"/>.</summary>
internal struct AvgFold<T> : IWindowFold<T, AvgFold<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private PoolGeometry _geo;
    private T[] _colSum;       // W + 1: per-column sum over the rows so far; [W] = 0 for padding taps
    private T[] _sum, _g;      // OutPadded: per-output sum, one gathered column tap

    public static AvgFold<T> Create(PoolGeometry geo) => new()
    {
        _geo = geo,
        _colSum = new T[geo.W + 1],
        _sum = new T[geo.Cols.OutPadded],
        _g = new T[geo.Cols.OutPadded],
    };

    public readonly void FirstRow(ReadOnlySpan<T> row, int k) => row.CopyTo(_colSum);

    public readonly void NextRow(ReadOnlySpan<T> row, int k)
    {
        var acc = _colSum.AsSpan(0, row.Length);
        TensorPrimitives.Add(acc, row, acc);
    }

    public readonly void NoRows() => Array.Clear(_colSum);

    public readonly void FirstColumn(ReadOnlySpan<int> taps) => Gather(taps, _sum);

    public readonly void NextColumn(ReadOnlySpan<int> taps, int j)
    {
        Gather(taps, _g);
        TensorPrimitives.Add(_sum, _g, _sum);
    }

    public readonly void Finish(int oh, Span<T> output, Span<int> indices)
    {
        for (int o = 0; o < output.Length; o++) output[o] = _sum[o] / T.CreateTruncating(_geo.Divisor(oh, o));
    }

    private readonly void Gather(ReadOnlySpan<int> taps, T[] dst)
    {
        ref T src = ref MemoryMarshal.GetArrayDataReference(_colSum);
        ref T d = ref MemoryMarshal.GetArrayDataReference(dst);
        ref int tp = ref MemoryMarshal.GetReference(taps);
        for (int o = 0; o < dst.Length; o++) Unsafe.Add(ref d, o) = Unsafe.Add(ref src, Unsafe.Add(ref tp, o));   // taps in [0, W]
    }
}
