using System.Numerics;

namespace Autograd;

// Note [Pool divisors]
// avg_pool2d divides each window's sum by divisor_override, else by rowCount(oh) · colCount(ow)
// (PoolAxis.DivisorCount). Like ATen, the product is taken in 64-bit integers and only then converted
// to T (correctly rounded), and the sum is divided once: 46341 × 46341 overflows int, and a product
// of the factors in float32 would round three times. The factors are per axis and the rows of
// divisors per output row are computed when needed and cached for the few distinct row counts of a
// plane (a fixed window's row count differs from k only in the border rows), never stored per output
// cell: a table of OH·OW divisors is as large as the output itself.

/// <summary>An output row's divisors over the loaded ColumnBlock (Note [Pool divisors]); one per worker.</summary>
internal sealed class DivisorRows<T> where T : unmanaged, INumberBase<T>
{
    private const int Slots = 4;   // top border, interior, bottom border, and one for ceil mode's clipped last row

    private readonly PoolGeometry _geo;
    private readonly ColumnBlock _block;
    private readonly T[][] _rows = new T[Slots][];
    private readonly (int Block, int RowCount)[] _keys = new (int, int)[Slots];
    private int _next;

    public DivisorRows(PoolGeometry geo, ColumnBlock block)
    {
        _geo = geo;
        _block = block;
        for (int s = 0; s < Slots; s++)
        {
            _rows[s] = new T[block.Capacity];
            _keys[s] = (-1, 0);
        }
        if (geo.DivisorOverride is int d) Array.Fill(_rows[0], T.CreateTruncating(d));
    }

    /// <summary>The divisors of the outputs of <paramref name="row"/> in the loaded block (Length values).</summary>
    public ReadOnlySpan<T> For(RowWindow row)
    {
        int n = _block.Length;
        if (_geo.DivisorOverride is not null) return _rows[0].AsSpan(0, n);
        // An adaptive window's factor is its real row count, known already (PoolAxis.DivisorCount would divide again).
        int rc = _geo.Rows.IsAdaptive ? row.Count : _geo.Rows.DivisorCount(row.Oh, _geo.CountIncludePad);
        var key = (_block.Index, rc);
        for (int s = 0; s < Slots; s++)
            if (_keys[s] == key) return _rows[s].AsSpan(0, n);
        int slot = _next;
        _next = (_next + 1) % Slots;
        var divisors = _rows[slot];
        var cc = _block.DivisorCount;
        for (int i = 0; i < n; i++) divisors[i] = T.CreateTruncating((long)rc * cc[i]);
        _keys[slot] = key;
        return divisors.AsSpan(0, n);
    }
}
