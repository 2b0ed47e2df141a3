using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Autograd;

// Note [Max pooling order]
// PyTorch (ATen's cpu_max_pool, cpu_adaptive_max_pool) scans each window in row-major order, starting
// from maxval = −∞ and maxindex = the first in-bounds cell, and replaces when `val > maxval ||
// isnan(val)`. So: the FIRST cell holding the maximum wins; the LAST NaN in row-major order wins over
// everything; a window of −∞ reports its first real cell.
// Folding rows first (per column) and then columns must give the same cell. Each column keeps its
// winner's row tap k as a tag (k counts the window's real rows, so it grows with the row position);
// the column fold then compares (value, k) pairs, taking column taps in increasing position too:
//  * no NaN: the maximum value, and among equal values the smallest k; equal k means the same row,
//    and the column scanned first (leftmost) stays. That is the first maximum in row-major order.
//  * NaN: the column fold kept each column's last NaN row; a NaN replaces a non-NaN, and a NaN
//    replaces a NaN when its k is >= (a later row, or the same row further right): the last NaN.
// Padding cells (the row buffer's padding and identity cells, and columns with no real row) carry
// value −∞ and tag +∞, so a real −∞ beats them on the tag and they never win unless the whole window
// is padding. Both layouts of Note [Compact pool axes] visit the taps in this order.
// Note [Window of padding only]
// A dilated window can hold only padding (e.g. H = 2, k = 2, d = 3, p = 1: the window reads rows −1
// and 2). PyTorch outputs −∞ there, and libtorch's CPU kernel, with no input cell to pick, records an
// index outside the plane: 1.13 records −1, 2.10 the window's first clipped position (6 in a 2×2 plane
// for that example). Its backward then scatters the gradient through that index, into another plane's
// gradient or past the buffer, corrupting the heap (1.13's process died later, somewhere else). Such a
// configuration is valid, so we handle it: −∞ with index −1, and the gradient goes nowhere; max_unpool2d
// rejects −1 as an invalid index, as PyTorch rejects any index outside the output. It is tested on our
// side alone: the oracle's MaxPoolGuard keeps it from libtorch (src/Oracle/MaxPoolGuard.cs).

/// <summary>The max-pool fold: values and their first-maximum tap (Note [Max pooling order]).</summary>
internal struct MaxFold<T> : IWindowFold<T, MaxFold<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private PoolGeometry _geo;
    private ColumnBuffer<T> _colVal, _colTag;  // per-column maximum over the rows so far and its row tap; padding (−∞, +∞)
    private T[] _val, _rowTap, _colTap;         // per output of the loaded block: maximum, its row tap and column tap
    private int[] _index;                        // per output of the loaded block: flat argmax index

    public static MaxFold<T> Create(PoolGeometry geo)
    {
        // Taps are carried as T so they blend in the same SIMD lanes as the values; float holds them exactly
        // below 2^24. Row taps count real rows only; column taps are the kernel's (uniform) or real (compact).
        if (typeof(T) == typeof(float) && Math.Max(geo.Rows.MaxReal, geo.Cols.Taps) >= 1 << 24)
            throw new NotSupportedException($"max pooling: float32 windows wider than 2^24 taps are not supported (got {geo.Rows.MaxReal}x{geo.Cols.Taps}); use float64");
        var block = new ColumnBlock(geo.Cols);
        int n = block.Capacity;
        return new MaxFold<T>
        {
            _geo = geo,
            Block = block,
            _colVal = new ColumnBuffer<T>(geo.Cols, block, geo.W, T.NegativeInfinity),
            _colTag = new ColumnBuffer<T>(geo.Cols, block, geo.W, T.PositiveInfinity),
            _val = new T[n], _rowTap = new T[n], _colTap = new T[n],
            _index = new int[n],
        };
    }

    public ColumnBlock Block { get; private init; }

    public readonly void FirstRow(ReadOnlySpan<T> row, int k)
    {
        row.CopyTo(_colVal.Interior);
        _colTag.Interior.Fill(T.CreateTruncating(k));
    }

    public readonly void NextRow(ReadOnlySpan<T> row, int k)
    {
        T kt = T.CreateTruncating(k);
        ref T x = ref MemoryMarshal.GetReference(row);
        ref T m = ref MemoryMarshal.GetReference(_colVal.Interior);
        ref T t = ref MemoryMarshal.GetReference(_colTag.Interior);
        int n = row.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var kv = new Vector<T>(kt);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = Vector.LoadUnsafe(ref x, (nuint)i);
                var mv = Vector.LoadUnsafe(ref m, (nuint)i);
                var replace = Vector.GreaterThan(v, mv) | ~Vector.Equals(v, v);
                Vector.ConditionalSelect(replace, v, mv).StoreUnsafe(ref m, (nuint)i);
                Vector.ConditionalSelect(replace, kv, Vector.LoadUnsafe(ref t, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref x, i);
            if (v > Unsafe.Add(ref m, i) || T.IsNaN(v)) { Unsafe.Add(ref m, i) = v; Unsafe.Add(ref t, i) = kt; }
        }
    }

    public readonly void NoRows()
    {
        _colVal.Clear();
        _colTag.Clear();
    }

    public readonly void PrepareColumns()
    {
        _colVal.Prepare();
        _colTag.Prepare();
    }

    public readonly void FirstColumn()
    {
        _colVal.Tap(0).CopyTo(_val);
        _colTag.Tap(0).CopyTo(_rowTap);
        Array.Clear(_colTap, 0, Block.Padded);
    }

    public readonly void NextColumn(int j)
    {
        var jv = new Vector<T>(T.CreateTruncating(j));
        ref T gv = ref MemoryMarshal.GetReference(_colVal.Tap(j));
        ref T gt = ref MemoryMarshal.GetReference(_colTag.Tap(j));
        ref T mv = ref MemoryMarshal.GetArrayDataReference(_val);
        ref T mt = ref MemoryMarshal.GetArrayDataReference(_rowTap);
        ref T mj = ref MemoryMarshal.GetArrayDataReference(_colTap);
        for (int i = 0; i < Block.Padded; i += Vector<T>.Count)   // Padded is a whole number of vectors
        {
            var v = Vector.LoadUnsafe(ref gv, (nuint)i);
            var t = Vector.LoadUnsafe(ref gt, (nuint)i);
            var m = Vector.LoadUnsafe(ref mv, (nuint)i);
            var mk = Vector.LoadUnsafe(ref mt, (nuint)i);
            var vNaN = ~Vector.Equals(v, v);
            var mNaN = ~Vector.Equals(m, m);
            var replace = (vNaN & (~mNaN | Vector.GreaterThanOrEqual(t, mk)))
                        | Vector.GreaterThan(v, m)
                        | (Vector.Equals(v, m) & Vector.LessThan(t, mk));
            Vector.ConditionalSelect(replace, v, m).StoreUnsafe(ref mv, (nuint)i);
            Vector.ConditionalSelect(replace, t, mk).StoreUnsafe(ref mt, (nuint)i);
            Vector.ConditionalSelect(replace, jv, Vector.LoadUnsafe(ref mj, (nuint)i)).StoreUnsafe(ref mj, (nuint)i);
        }
    }

    public readonly void Finish(RowWindow row, Span<T> output, Span<int> indices)
    {
        _val.AsSpan(0, output.Length).CopyTo(output);
        // index = (row.First + k·dH)·W + colBase[o] + j·dW, or −1 where the row tap is +∞ (Note [Window of padding only]).
        // k counts real rows from the window's first real row; j counts from Base (Note [Compact pool axes]).
        // Each term may wrap (a uniform Base is negative in the padding) but the sum is an index in the plane.
        PoolAxis rows = _geo.Rows, cols = _geo.Cols;
        int w = _geo.W, rowBase = row.First * w, rowStep = rows.Dilation * w, colStep = cols.Dilation;
        ref T rowTap = ref MemoryMarshal.GetArrayDataReference(_rowTap);
        ref T colTap = ref MemoryMarshal.GetArrayDataReference(_colTap);
        ref int colStart = ref MemoryMarshal.GetArrayDataReference(Block.Base);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(_index);
        int o = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vRowBase = new Vector<int>(rowBase);
            var vRowStep = new Vector<int>(rowStep);
            var vColStep = new Vector<int>(colStep);
            for (; o < Block.Padded; o += Vector<int>.Count)   // Padded is a whole number of int vectors
            {
                var (k, padding) = ToInt(ref Unsafe.Add(ref rowTap, o));
                var (j, _) = ToInt(ref Unsafe.Add(ref colTap, o));
                var idx = vRowBase + k * vRowStep + Vector.LoadUnsafe(ref colStart, (nuint)o) + j * vColStep;
                Vector.ConditionalSelect(padding, new Vector<int>(-1), idx).StoreUnsafe(ref dst, (nuint)o);
            }
        }
        for (; o < indices.Length; o++)
        {
            T k = Unsafe.Add(ref rowTap, o);
            Unsafe.Add(ref dst, o) = T.IsPositiveInfinity(k) ? -1
                : rowBase + int.CreateTruncating(k) * rowStep + Unsafe.Add(ref colStart, o) + int.CreateTruncating(Unsafe.Add(ref colTap, o)) * colStep;
        }
        _index.AsSpan(0, indices.Length).CopyTo(indices);
    }

    /// <summary>
    /// Vector&lt;int&gt;.Count taps held in T (whole numbers, or +∞ for padding) starting at <paramref name="src"/>,
    /// as ints, with a mask of the +∞ lanes. float has as many lanes as int; double takes two vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<int> Values, Vector<int> Infinite) ToInt(ref T src)
    {
        if (typeof(T) == typeof(float))
        {
            var v = Vector.LoadUnsafe(ref Unsafe.As<T, float>(ref src));
            var inf = Vector.Equals(v, new Vector<float>(float.PositiveInfinity));
            return (Vector.ConvertToInt32(Vector.ConditionalSelect(inf, Vector<float>.Zero, v)), inf);
        }
        ref double d = ref Unsafe.As<T, double>(ref src);
        var lo = Vector.LoadUnsafe(ref d);
        var hi = Vector.LoadUnsafe(ref d, (nuint)Vector<double>.Count);
        var infinity = new Vector<double>(double.PositiveInfinity);
        var infLo = Vector.Equals(lo, infinity);
        var infHi = Vector.Equals(hi, infinity);
        var values = Vector.Narrow(Vector.ConvertToInt64(Vector.ConditionalSelect(infLo, Vector<double>.Zero, lo)),
                                   Vector.ConvertToInt64(Vector.ConditionalSelect(infHi, Vector<double>.Zero, hi)));
        return (values, Vector.Narrow(infLo, infHi));
    }
}
