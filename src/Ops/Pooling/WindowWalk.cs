using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

/// <summary>
/// A reduction over pooling windows, applied separably (Note [Pool window tables]): first the input
/// rows a window row covers are folded column by column into a row buffer (SIMD over the whole input
/// row), then the buffer's columns are folded tap by tap into one value per output (SIMD over outputs).
/// Implementations are structs so the JIT specialises <see cref="WindowWalk.Forward{T,TFold}"/> per
/// reduction with no virtual calls; one instance per worker holds that worker's scratch buffers.
/// </summary>
internal interface IWindowFold<T, TSelf>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TSelf : struct, IWindowFold<T, TSelf>
{
    /// <summary>A fold with its own scratch buffers for planes of this geometry.</summary>
    static abstract TSelf Create(PoolGeometry geo);

    /// <summary>The fold's column block (ColumnBlock), which the walk loads block by block.</summary>
    ColumnBlock Block { get; }

    /// <summary>Starts the row buffer from input row <paramref name="row"/>, the window's real row tap k.</summary>
    void FirstRow(ReadOnlySpan<T> row, int k);

    /// <summary>Folds a later input row (real row taps arrive in increasing k) into the row buffer.</summary>
    void NextRow(ReadOnlySpan<T> row, int k);

    /// <summary>Every kernel row of this output row is padding: the row buffer holds the identity.</summary>
    void NoRows();

    /// <summary>The rows of this output row are done: make the row buffer's taps readable (ColumnBuffer.Prepare).</summary>
    void PrepareColumns();

    /// <summary>Starts each output of the loaded block from its column tap 0.</summary>
    void FirstColumn();

    /// <summary>Folds column tap j (increasing) of each output's window of the loaded block into the output.</summary>
    void NextColumn(int j);

    /// <summary>Writes the loaded block's outputs of output row <paramref name="row"/> (and, for max folds, their flat H·W argmax indices).</summary>
    void Finish(RowWindow row, Span<T> output, Span<int> indices);
}

/// <summary>Output row Oh and its window's real input rows First + k·dH for k in [0, Count), computed once per output row.</summary>
internal readonly record struct RowWindow(int Oh, int First, int Count)
{
    public static RowWindow Of(PoolAxis rows, int oh)
    {
        var (first, count) = rows.Window(oh);
        return new RowWindow(oh, first, count);
    }
}

/// <summary>The one window-walking loop of the pooling ops, and the transposed walk of their sums' backward.</summary>
internal static class WindowWalk
{
    /// <summary>
    /// Pools every plane of <paramref name="input"/> into <paramref name="output"/> (and the argmax
    /// <paramref name="indices"/> when given), planes split over threads (Note [Deterministic parallelism]).
    /// </summary>
    public static void Forward<T, TFold>(PoolGeometry geo, T[] input, T[] output, int[]? indices)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFold : struct, IWindowFold<T, TFold>
    {
        int planes = geo.Planes, inPlane = geo.H * geo.W;
        if (planes == 0 || geo.OH == 0 || geo.OW == 0) return;
        int outPlane = geo.OH * geo.OW;   // planes ≥ 1, so within the output's int numel
        int chunks = Chunks(geo);
        Kernels.Parallelism.For(chunks, geo.Work, c =>
        {
            var fold = TFold.Create(geo);
            var (p0, p1) = PlaneRange(c, chunks, planes);
            for (int p = p0; p < p1; p++)
                Plane(ref fold, geo, input.AsSpan(p * inPlane, inPlane), output.AsSpan(p * outPlane, outPlane),
                      indices is null ? default : indices.AsSpan(p * outPlane, outPlane));
        });
    }

    private static void Plane<T, TFold>(ref TFold fold, PoolGeometry geo, ReadOnlySpan<T> x, Span<T> y, Span<int> indices)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFold : struct, IWindowFold<T, TFold>
    {
        PoolAxis rows = geo.Rows;
        int w = geo.W, ow = geo.OW, dh = rows.Dilation;
        var block = fold.Block;
        for (int oh = 0; oh < geo.OH; oh++)
        {
            var window = RowWindow.Of(rows, oh);
            if (window.Count == 0) fold.NoRows();
            for (int k = 0; k < window.Count; k++)
            {
                var row = x.Slice((window.First + k * dh) * w, w);
                if (k == 0) fold.FirstRow(row, k);
                else fold.NextRow(row, k);
            }
            fold.PrepareColumns();
            for (int b = 0; b < block.Count; b++)
            {
                block.Load(b);
                fold.FirstColumn();
                for (int j = 1; j < block.Taps; j++) fold.NextColumn(j);
                int at = oh * ow + block.O0;
                fold.Finish(window, y.Slice(at, block.Length), indices.IsEmpty ? default : indices.Slice(at, block.Length));
            }
        }
    }

    /// <summary>
    /// Backward of a windowed sum with per-window scale: dX[i] = Σ over windows w ∋ i of dY[w] / divisor[w].
    /// The transpose of <see cref="Forward{T,TFold}"/>: each output row's scaled gradient is scattered
    /// through the column taps into a row buffer (ColumnBuffer.Scatter, SIMD per tap in the uniform layout), which is then
    /// added to every input row of the window. Each plane is owned by one worker, so the scatter-adds
    /// never collide; the plane is cleared while it is in cache rather than the whole result up front.
    /// </summary>
    public static T[] SumBackward<T>(PoolGeometry geo, T[] gradOutput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = geo.Planes, inPlane = geo.H * geo.W;
        var gradInput = TensorStorage.Allocate<T>(planes * inPlane, zeroed: false);
        if (geo.OH == 0 || geo.OW == 0) { Array.Clear(gradInput); return gradInput; }
        if (planes == 0) return gradInput;
        int outPlane = geo.OH * geo.OW;   // planes ≥ 1, so within the output's int numel
        int chunks = Chunks(geo);
        Kernels.Parallelism.For(chunks, geo.Work, c =>
        {
            var block = new ColumnBlock(geo.Cols, divisors: geo.DivisorOverride is null, geo.CountIncludePad);
            var row = new ColumnBuffer<T>(geo.Cols, block, geo.W, T.Zero);
            var divisors = new DivisorRows<T>(geo, block);
            var g = new T[block.Capacity];
            var (p0, p1) = PlaneRange(c, chunks, planes);
            for (int p = p0; p < p1; p++)
                SumBackwardPlane(geo, gradOutput.AsSpan(p * outPlane, outPlane), gradInput.AsSpan(p * inPlane, inPlane), block, row, divisors, g);
        });
        return gradInput;
    }

    private static void SumBackwardPlane<T>(PoolGeometry geo, ReadOnlySpan<T> dy, Span<T> dx, ColumnBlock block, ColumnBuffer<T> row, DivisorRows<T> divisors, T[] g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        PoolAxis rows = geo.Rows;
        int w = geo.W, ow = geo.OW, dh = rows.Dilation;
        dx.Clear();
        for (int oh = 0; oh < geo.OH; oh++)
        {
            var window = RowWindow.Of(rows, oh);
            if (window.Count == 0) continue;   // a row of padding only receives nothing
            row.ClearForScatter();
            for (int b = 0; b < block.Count; b++)
            {
                block.Load(b);
                var gb = g.AsSpan(0, block.Length);
                PoolSpan.Divide(dy.Slice(oh * ow + block.O0, block.Length), divisors.For(window), gb);
                row.Scatter(gb);
            }
            row.GatherScattered();
            var contribution = row.Interior;
            for (int k = 0; k < window.Count; k++) PoolSpan.Add(dx.Slice((window.First + k * dh) * w, w), contribution);
        }
    }

    /// <summary>Work items: 1 when the call is too small to be worth threads, else a few per thread.</summary>
    internal static int Chunks(PoolGeometry geo) =>
        Kernels.Parallelism.Worth(geo.Planes, geo.Work) ? Math.Min(geo.Planes, Threading.NumThreads * 4) : 1;

    internal static (int Start, int End) PlaneRange(int chunk, int chunks, int planes) =>
        ((int)((long)planes * chunk / chunks), (int)((long)planes * (chunk + 1) / chunks));
}
