using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Autograd.Kernels;

// conv2d's input and weight gradients, one method per path of the plan (Note [Conv plan]).
internal static unsafe partial class ConvKernels
{
    /// <summary>
    /// dX[n] = col2im(Wᵀ·dY[n]) into dx (when not null), dW = Σₙ dY[n]·col(x[n])ᵀ into dw (when not
    /// null), group by group, on the plan's paths. dw arrives zeroed; dx is overwritten. Only dx reads
    /// w and only dw reads x, so the other may be empty (ConvInputGrad and ConvWeightGrad compute one of the two).
    /// </summary>
    internal static void Backward<T>(ConvGeometry g, T[] x, T[] w, T[] dy, T[]? dx, T[]? dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.N == 0) return;   // dx is empty, dw arrived zeroed
        var plan = ConvPlan.For(g, forward: false, inputGrad: dx is not null, weightGrad: dw is not null);
        if (dx is not null) InputGrad(plan.InputGrad, g, w, dy, dx);
        if (dw is not null) WeightGrad(plan.WeightGrad, g, x, dy, dw);
    }

    /// <summary>
    /// conv_transpose2d's forward (Note [conv_transpose2d as an input gradient]): y = dX of <paramref name="g"/> with its
    /// input <paramref name="x"/> as dY, plus <paramref name="bias"/> (g.C values, or none) on every channel of y. The
    /// output-phase path starts its blocks from the bias; any other path adds it afterwards.
    /// </summary>
    internal static void TransposedForward<T>(ConvGeometry g, T[] w, T[] x, T[]? bias, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.N == 0) return;
        var path = ConvPlan.For(g, forward: false, inputGrad: true, weightGrad: false).InputGrad;
        if (path == ConvInputGradPath.Phases) { InputGradPhases(g, w, x, y, bias); return; }
        InputGrad(path, g, w, x, y);
        if (bias is not null) AddChannelBias(y, bias, g.N, g.H * g.W);
    }

    /// <summary>y[n, c, ·] += b[c] for every image of (N, C, P) data.</summary>
    internal static void AddChannelBias<T>(T[] y, T[] b, int n, int p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = b.Length;
        for (int i = 0; i < n; i++)
            for (int o = 0; o < c; o++)
                TensorPrimitives.Add(y.AsSpan((i * c + o) * p, p), b[o], y.AsSpan((i * c + o) * p, p));
    }

    private static void InputGrad<T>(ConvInputGradPath path, ConvGeometry g, T[] w, T[] dy, T[] dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (path)
        {
            case ConvInputGradPath.Bounded: BoundedConv.InputGrad(g, w, dy, dx); break;   // Note [Bounded convolution]
            case ConvInputGradPath.PointwiseGemm: InputGradPointwise(g, w, dy, dx); break;
            case ConvInputGradPath.Direct: InputGradDirect(g, w, dy, dx); break;
            case ConvInputGradPath.AsConvolution: InputGradConv.Run(g, w, dy, dx); break;   // Note [Input gradient as a convolution]
            case ConvInputGradPath.Phases: InputGradPhases(g, w, dy, dx); break;
            default: InputGradCol2Im(g, w, dy, dx); break;
        }
    }

    /// <summary>1×1, unit stride, no padding: dX_g = W_gᵀ · dY_g (the column gradient is dX itself).</summary>
    private static void InputGradPointwise<T>(ConvGeometry g, T[] w, T[] dy, T[] dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        ForEachImage<T>(g, 0, false, (n, _) =>
        {
            for (int grp = 0; grp < g.Groups; grp++)
                Gemm.Run<T>(true, false, g.K, g.P, g.Og, w.AsSpan(grp * wGroup, wGroup), g.K, dy.AsSpan(n * yImage + grp * yGroup, yGroup), g.P,
                    dx.AsSpan(n * xImage + grp * xGroup, xGroup), g.P, accumulate: false);
        });
    }

    /// <summary>The direct kernel per phase of dX (Note [Direct convolution]).</summary>
    private static void InputGradDirect<T>(ConvGeometry g, T[] w, T[] dy, T[] dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        var direct = new DirectConvPlan(g);
        ForEachImage<T>(g, direct.ScratchLength, false, (n, scratch) =>
        {
            fixed (T* dyp = dy, wp = w, dxp = dx)
                for (int grp = 0; grp < g.Groups; grp++)
                    direct.RunInputGradient(dyp + n * yImage + grp * yGroup, wp + grp * wGroup, dxp + n * xImage + grp * xGroup, scratch);
        });
    }

    /// <summary>Strided: each output phase of dX as a wide-row GEMM over dY (Note [Input gradient by output phases]).</summary>
    private static void InputGradPhases<T>(ConvGeometry g, T[] w, T[] dy, T[] dx, T[]? bias = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P;
        var phases = new PhaseInputGrad(g);
        T[] packed = ArrayPool<T>.Shared.Rent(Math.Max(1, phases.WeightLength));
        try
        {
            fixed (T* pp = packed) phases.PackWeights(w, pp);
            ForEachImage<T>(g, phases.PlanesLength + phases.BlockLength, true, (n, scratch) =>
            {
                fixed (T* dyp = dy, dxp = dx, pk = packed, bp = bias)
                    for (int grp = 0; grp < g.Groups; grp++)
                        phases.Run(dyp + n * yImage + grp * yGroup, pk, grp, scratch, scratch + phases.PlanesLength, dxp + n * xImage + grp * xGroup,
                            bp is null ? null : bp + grp * g.Cg);
            });
        }
        finally { ArrayPool<T>.Shared.Return(packed); }
    }

    // Note [col2im blocks]: the im2col input gradient runs a few output rows at a time, so the column
    // block stays in L2 between the GEMM that writes it and col2im that reads it.
    /// <summary>
    /// dcol[K, P] = W_gᵀ · dY_g, then col2im into dX, a few output rows at a time (see the note above).
    /// Each image-group is cleared, while in cache, where col2im adds into it.
    /// </summary>
    private static void InputGradCol2Im<T>(ConvGeometry g, T[] w, T[] dy, T[] dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        // ~512 kB of column block; K·OW·size in long (it may pass int), the block itself ≤ K·P ≤ int (BoundedConv.Suits).
        int blockRows = (int)Math.Clamp((1 << 19) / Math.Max(1, (long)g.K * g.OW * Unsafe.SizeOf<T>()), 1, Math.Max(1, g.OH));
        int colLength = g.K * blockRows * g.OW;
        ForEachImage<T>(g, colLength, false, (n, colp) =>
        {
            var col = new Span<T>(colp, colLength);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                var dxg = dx.AsSpan(n * xImage + grp * xGroup, xGroup);
                ReadOnlySpan<T> wg = w.AsSpan(grp * wGroup, wGroup), dyg = dy.AsSpan(n * yImage + grp * yGroup, yGroup);
                dxg.Clear();
                for (int oy0 = 0; oy0 < g.OH; oy0 += blockRows)
                {
                    int oy1 = Math.Min(g.OH, oy0 + blockRows), pb = (oy1 - oy0) * g.OW;
                    Gemm.Run<T>(true, false, g.K, pb, g.Og, wg, g.K, dyg[(oy0 * g.OW)..], g.P, col, pb, accumulate: false);
                    Im2Col.Backward<T>(col[..(g.K * pb)], dxg, g, oy0, oy1);
                }
            }
        });
    }

    private static void WeightGrad<T>(ConvWeightGradPath path, ConvGeometry g, T[] x, T[] dy, T[] dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (path)
        {
            case ConvWeightGradPath.Bounded: BoundedConv.WeightGrad(g, x, dy, dw); break;   // Note [Bounded convolution]
            case ConvWeightGradPath.HwcGemm: WeightGradHwc(g, x, dy, dw); break;
            case ConvWeightGradPath.BatchedDot: WeightGradBatchedDot(g, x, dy, dw); break;
            default: WeightGradDot(g, x, dy, dw, path == ConvWeightGradPath.PointwiseGemm); break;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, end, partial) per chunk of images: chunk 0 accumulates straight
    /// into dw, the others into rented zeroed partials added afterwards in chunk order (Note [conv2d batch chunks]).
    /// </summary>
    private static void ForEachChunkPartial<T>(in ConvGeometry g, T[] dw, Action<int, int, T[]> body) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int wSize = g.OutC * g.K, chunks = Chunks(g, wSize), n = g.N;
        var partials = new T[]?[chunks];
        try
        {
            for (int k = 1; k < chunks; k++) { partials[k] = ArrayPool<T>.Shared.Rent(wSize); partials[k].AsSpan(0, wSize).Clear(); }
            ForEachChunk(chunks, g, chunk =>
            {
                var (start, end) = ChunkRange(chunk, chunks, n);
                body(start, end, chunk == 0 ? dw : partials[chunk]!);
            });
            for (int k = 1; k < chunks; k++) TensorPrimitives.Add(dw, partials[k].AsSpan(0, wSize), dw);
        }
        finally
        {
            foreach (var p in partials) if (p is not null) ArrayPool<T>.Shared.Return(p);
        }
    }

    /// <summary>
    /// dW_g[Og, K] += dY_g[Og, P] · col[K, P]ᵀ per image: dot products along P, col rows cut straight from
    /// the (phase-split) image (Note [Dot-product GEMM]); pointwise, col is the image itself.
    /// </summary>
    private static void WeightGradDot<T>(ConvGeometry g, T[] x, T[] dy, T[] dw, bool pointwise) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        var table = pointwise ? null : new Im2ColTable(g);
        ForEachChunkPartial(g, dw, (start, end, dwPart) =>
        {
            T[]? phased = table is { Phased: true } ? ArrayPool<T>.Shared.Rent(table.PhasedLength) : null;
            try
            {
                for (int n = start; n < end; n++)
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        if (table is null)
                            Gemm.Run<T>(false, true, g.Og, g.K, g.P, dy.AsSpan(n * yImage + grp * yGroup, yGroup), g.P, x.AsSpan(n * xImage + grp * xGroup, xGroup), g.P,
                                dwPart.AsSpan(grp * wGroup, wGroup), g.K, accumulate: true);
                        else
                            fixed (T* xp = x, dyp = dy, dwp = dwPart, ph = phased)
                                DotGemm.Run<T, MatrixRows<T>, Im2ColRows<T>>(g.Og, g.K, g.P,
                                    new MatrixRows<T>(dyp + n * yImage + grp * yGroup, g.P, g.Og),
                                    new Im2ColRows<T>(table, ImageGroup(table, xp + n * xImage + grp * xGroup, ph)),
                                    dwp + grp * wGroup, g.K, accumulate: true);
                    }
            }
            finally { if (phased is not null) ArrayPool<T>.Shared.Return(phased); }
        });
    }

    /// <summary>
    /// Note [Small images]: with few output positions per image the weight gradient's dot products run
    /// over the chunk's images together, so the depth is long enough to amortise the 4×4 reductions
    /// (and each call's overhead). Only for shapes the HWC GEMM does not take (few channels).
    /// </summary>
    private static void WeightGradBatchedDot<T>(ConvGeometry g, T[] x, T[] dy, T[] dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        var table = new Im2ColTable(g);
        ForEachChunkPartial(g, dw, (start, end, dwPart) =>
        {
            for (int grp = 0; grp < g.Groups; grp++)
                fixed (T* xp = x, dyp = dy, dwp = dwPart)
                    DotGemm.Run<T, ImageRows<T>, Im2ColImageRows<T>>(g.Og, g.K, (end - start) * g.P,
                        new ImageRows<T>(dyp + start * yImage + grp * yGroup, yImage, g.P, g.Og, g.P),
                        new Im2ColImageRows<T>(table, xp + start * xImage + grp * xGroup, xImage),
                        dwp + grp * wGroup, g.K, accumulate: true);
        });
    }

    /// <summary>
    /// Note [Weight gradient as GEMM]: ImagesPerCall images per packed GEMM call over an HWC copy, into the
    /// chunk's permuted partial dW'; the partials are summed in chunk order, still permuted, and the sum is
    /// permuted back into dw once (a permutation commutes with the sums: the values of adding each chunk's
    /// permuted partial, as ForEachChunkPartial does, at one permutation instead of one per chunk). The HWC
    /// image's padding is cleared once per chunk.
    /// </summary>
    private static void WeightGradHwc<T>(ConvGeometry g, T[] x, T[] dy, T[] dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        int wSize = g.OutC * g.K, chunks = Chunks(g, wSize), n = g.N;
        var hwc = new HwcWeightGrad(g, (g.N + chunks - 1) / chunks);
        T[] perms = ArrayPool<T>.Shared.Rent(chunks * wSize);   // chunk k's dW' at k·wSize
        try
        {
            ForEachChunk(chunks, g, chunk =>
            {
                var (start, end) = ChunkRange(chunk, chunks, n);
                if (end <= start) { perms.AsSpan(chunk * wSize, wSize).Clear(); return; }   // an empty chunk adds nothing
                T[] xh = ArrayPool<T>.Shared.Rent(hwc.BufferLength);
                Parallelism.Clear(xh, hwc.BufferLength);
                try
                {
                    fixed (T* xp = x, dyp = dy, hp = xh, pp = perms)
                        for (int grp = 0; grp < g.Groups; grp++)
                            for (int i = start; i < end; i += hwc.ImagesPerCall)
                                hwc.Accumulate(xp + i * xImage + grp * xGroup, xImage, dyp + i * yImage + grp * yGroup, yImage,
                                    Math.Min(hwc.ImagesPerCall, end - i), hp, pp + (long)chunk * wSize + grp * wGroup, accumulate: i > start);
                }
                finally { ArrayPool<T>.Shared.Return(xh); }
            });
            var sum = perms.AsSpan(0, wSize);
            for (int k = 1; k < chunks; k++) TensorPrimitives.Add(sum, perms.AsSpan(k * wSize, wSize), sum);
            fixed (T* pp = perms, dwp = dw)
                for (int grp = 0; grp < g.Groups; grp++) hwc.AddPermuted(pp + grp * wGroup, dwp + grp * wGroup);
        }
        finally { ArrayPool<T>.Shared.Return(perms); }
    }
}
