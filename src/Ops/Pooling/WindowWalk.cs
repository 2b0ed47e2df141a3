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

    /// <summary>Starts the row buffer from input row <paramref name="row"/>, kernel row tap k.</summary>
    void FirstRow(ReadOnlySpan<T> row, int k);

    /// <summary>Folds a later input row (taps arrive in increasing k) into the row buffer.</summary>
    void NextRow(ReadOnlySpan<T> row, int k);

    /// <summary>Every kernel row of this output row is padding: the row buffer holds the identity.</summary>
    void NoRows();

    /// <summary>The rows of this output row are done: make the row buffer's taps readable (ColumnBuffer.Prepare).</summary>
    void PrepareColumns();

    /// <summary>Starts each output's value from its kernel column tap 0.</summary>
    void FirstColumn();

    /// <summary>Folds kernel column tap j (increasing) of each output's window into the output.</summary>
    void NextColumn(int j);

    /// <summary>Writes output row oh (and, for max folds, its flat H·W argmax indices).</summary>
    void Finish(int oh, Span<T> output, Span<int> indices);
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
        int planes = geo.Planes, inPlane = geo.H * geo.W, outPlane = geo.OH * geo.OW;
        if (planes == 0 || outPlane == 0) return;
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
        PoolAxis rows = geo.Rows, cols = geo.Cols;
        int h = geo.H, w = geo.W, ow = geo.OW;
        for (int oh = 0; oh < geo.OH; oh++)
        {
            bool any = false;
            for (int k = 0; k < rows.Taps; k++)
            {
                int ih = rows.At(k, oh);
                if (ih == h) continue;                       // padding row
                if (any) fold.NextRow(x.Slice(ih * w, w), k);
                else { fold.FirstRow(x.Slice(ih * w, w), k); any = true; }
            }
            if (!any) fold.NoRows();
            fold.PrepareColumns();
            fold.FirstColumn();
            for (int j = 1; j < cols.Taps; j++) fold.NextColumn(j);
            fold.Finish(oh, y.Slice(oh * ow, ow), indices.IsEmpty ? default : indices.Slice(oh * ow, ow));
        }
    }

    /// <summary>
    /// Backward of a windowed sum with per-window scale: dX[i] = Σ over windows w ∋ i of dY[w] / divisor[w].
    /// The transpose of <see cref="Forward{T,TFold}"/>: each output row's scaled gradient is scattered
    /// through the column taps into a row buffer (ColumnBuffer.ScatterTap, SIMD per tap), which is then
    /// added to every input row of the window. Each plane is owned by one worker, so the scatter-adds
    /// never collide; the plane is cleared while it is in cache rather than the whole result up front.
    /// </summary>
    public static T[] SumBackward<T>(PoolGeometry geo, T[] gradOutput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = geo.Planes, inPlane = geo.H * geo.W, outPlane = geo.OH * geo.OW;
        var gradInput = TensorStorage.Allocate<T>(planes * inPlane, zeroed: false);
        if (outPlane == 0) { Array.Clear(gradInput); return gradInput; }
        if (planes == 0) return gradInput;
        var scale = geo.Divisors<T>();
        int chunks = Chunks(geo);
        Kernels.Parallelism.For(chunks, geo.Work, c =>
        {
            var row = new ColumnBuffer<T>(geo.Cols, geo.W, T.Zero);
            var g = new T[geo.OW];
            var (p0, p1) = PlaneRange(c, chunks, planes);
            for (int p = p0; p < p1; p++)
                SumBackwardPlane(geo, gradOutput.AsSpan(p * outPlane, outPlane), scale, gradInput.AsSpan(p * inPlane, inPlane), row, g);
        });
        return gradInput;
    }

    private static void SumBackwardPlane<T>(PoolGeometry geo, ReadOnlySpan<T> dy, ReadOnlySpan<T> scale, Span<T> dx, ColumnBuffer<T> row, T[] g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        PoolAxis rows = geo.Rows, cols = geo.Cols;
        int h = geo.H, w = geo.W, ow = geo.OW;
        dx.Clear();
        for (int oh = 0; oh < geo.OH; oh++)
        {
            PoolSpan.Divide(dy.Slice(oh * ow, ow), scale.Slice(oh * ow, ow), g);
            row.ClearForScatter();
            for (int j = 0; j < cols.Taps; j++) row.ScatterTap(j, g);
            row.GatherScattered();
            var contribution = row.Interior;
            for (int k = 0; k < rows.Taps; k++)
            {
                int ih = rows.At(k, oh);
                if (ih == h) continue;
                PoolSpan.Add(dx.Slice(ih * w, w), contribution);
            }
        }
    }

    /// <summary>Work items: 1 when the call is too small to be worth threads, else a few per thread.</summary>
    internal static int Chunks(PoolGeometry geo) =>
        Kernels.Parallelism.Worth(geo.Planes, geo.Work) ? Math.Min(geo.Planes, Threading.NumThreads * 4) : 1;

    internal static (int Start, int End) PlaneRange(int chunk, int chunks, int planes) =>
        ((int)((long)planes * chunk / chunks), (int)((long)planes * (chunk + 1) / chunks));
}
