using System.Numerics;

namespace Autograd;

/// <summary>The average-pool fold: window sums divided by their divisors (Note [Pool divisors]).</summary>
internal struct AvgFold<T> : IWindowFold<T, AvgFold<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private ColumnBuffer<T> _cols;   // per-column sums over the window's rows
    private T[] _sum;                // per-output sum over the loaded block
    private DivisorRows<T> _divisors;

    public static AvgFold<T> Create(PoolGeometry geo)
    {
        var block = new ColumnBlock(geo.Cols, divisors: geo.DivisorOverride is null, geo.CountIncludePad);
        return new AvgFold<T>
        {
            Block = block,
            _cols = new ColumnBuffer<T>(geo.Cols, block, geo.W, T.Zero),
            _sum = new T[block.Capacity],
            _divisors = new DivisorRows<T>(geo, block),
        };
    }

    public ColumnBlock Block { get; private init; }

    public readonly void FirstRow(ReadOnlySpan<T> row, int k) => row.CopyTo(_cols.Interior);

    public readonly void NextRow(ReadOnlySpan<T> row, int k) => PoolSpan.Add(_cols.Interior, row);

    public readonly void NoRows() => _cols.Clear();

    public readonly void PrepareColumns() => _cols.Prepare();

    public readonly void FirstColumn() => _cols.Tap(0).CopyTo(_sum);

    public readonly void NextColumn(int j) => PoolSpan.Add(_sum.AsSpan(0, Block.Padded), _cols.Tap(j));

    public readonly void Finish(RowWindow row, Span<T> output, Span<int> indices) =>
        PoolSpan.Divide<T>(_sum.AsSpan(0, output.Length), _divisors.For(row), output);
}
