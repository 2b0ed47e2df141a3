using System.Numerics;

namespace Autograd;

/// <summary>The average-pool fold: window sums divided by <see cref="PoolGeometry.Divisor"/>.</summary>
internal struct AvgFold<T> : IWindowFold<T, AvgFold<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private ColumnBuffer<T> _cols;   // per-column sums over the window's rows
    private T[] _sum;                // OutPadded: per-output sum
    private T[] _divisors;           // OH·OW, shared by every plane

    public static AvgFold<T> Create(PoolGeometry geo) => new()
    {
        _cols = new ColumnBuffer<T>(geo.Cols, geo.W, T.Zero),
        _sum = new T[geo.Cols.OutPadded],
        _divisors = geo.Divisors<T>(),
    };

    public readonly void FirstRow(ReadOnlySpan<T> row, int k) => row.CopyTo(_cols.Interior);

    public readonly void NextRow(ReadOnlySpan<T> row, int k)
    {
        PoolSpan.Add(_cols.Interior, row);
    }

    public readonly void NoRows() => _cols.Clear();

    public readonly void PrepareColumns() => _cols.Prepare();

    public readonly void FirstColumn() => _cols.Tap(0).CopyTo(_sum);

    public readonly void NextColumn(int j) => PoolSpan.Add<T>(_sum, _cols.Tap(j));

    public readonly void Finish(int oh, Span<T> output, Span<int> indices) =>
        PoolSpan.Divide<T>(_sum.AsSpan(0, output.Length), _divisors.AsSpan(oh * output.Length, output.Length), output);
}
