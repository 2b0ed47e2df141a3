using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Kernels;

// Note [conv2d batch chunks]
// The batch is cut into chunks whose number depends only on the shapes (never on the machine's
// thread count or Threading.NumThreads); each chunk owns one rented column buffer (input gradient) and, for the weight gradient, one partial
// sum that it accumulates over its images in order. The partials are then added in chunk order. So
// forward, input gradient and weight gradient are bit-for-bit the same whether the chunks run on one
// thread or many (Note [Deterministic parallelism]). Small problems use a single chunk and run inline.
internal static unsafe class ConvKernels
{
    /// <summary>Upper bound on chunks (and so on weight-gradient partial buffers).</summary>
    private const int MaxChunks = 16;

    /// <summary>Budget, in elements, for all weight-gradient partial buffers together.</summary>
    private const long PartialBudget = 1L << 24;

    private static int Chunks(in ConvGeometry g, int partialSize)
    {
        long work = (long)g.N * g.OutC * g.K * g.P;
        if (g.N < 2 || work < Parallelism.MinParallelWork) return 1;
        long byMemory = partialSize == 0 ? MaxChunks : Math.Max(1, PartialBudget / partialSize);
        return (int)Math.Min(Math.Min(g.N, MaxChunks), byMemory);
    }

    private static (int Start, int End) ChunkRange(int chunk, int chunks, int n)
        => ((int)((long)chunk * n / chunks), (int)((long)(chunk + 1) * n / chunks));

    private static void ForEachChunk(int chunks, in ConvGeometry g, Action<int> body)
        => Parallelism.For(chunks, (long)g.N * g.OutC * g.K * g.P, body);

    /// <summary>y[n, o] = Σ W[o]·col(x[n]) + b[o] for every image, group by group.</summary>
    internal static void Forward<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // An empty batch has nothing to compute (and its per-image sizes need not fit an int).
        if (g.N == 0) return;
        if (BoundedConv.Suits(g))
        {
            BoundedConv.Forward(g, x, w, b, y);   // Note [Bounded convolution]
            return;
        }
        int chunks = Chunks(g, 0);
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        var table = g.Pointwise ? null : new Im2ColTable(g);   // Note [Implicit im2col]
        var direct = g.Pointwise ? null : new DirectConvPlan(g, wantForward: true, wantInputGradient: false);
        if (direct is { Forward: false }) direct = null;        // Note [Direct convolution]
        var padded = direct is null && PaddedIm2Col.Suits(g) ? new PaddedIm2Col(g) : null;   // Note [Padded im2col]
        ForEachChunk(chunks, g, chunk =>
        {
            var (start, end) = ChunkRange(chunk, chunks, g.N);
            T[]? phased = direct is not null ? ArrayPool<T>.Shared.Rent(direct.ScratchLength)
                        : padded is not null ? (padded.NeedsCopy ? ArrayPool<T>.Shared.Rent(padded.Length) : null)
                        : table is { Phased: true } ? ArrayPool<T>.Shared.Rent(table.PhasedLength) : null;
            if (padded is not null) phased?.AsSpan(0, padded.Length).Clear();   // the border, once per chunk
            try
            {
                for (int n = start; n < end; n++)
                {
                    var yn = y.AsSpan(n * yImage, yImage);
                    if (b is not null)
                        for (int o = 0; o < g.OutC; o++) yn.Slice(o * g.P, g.P).Fill(b[o]);
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        if (table is null)
                        {
                            Gemm.Run<T>(false, false, g.Og, g.P, g.K, w.AsSpan(grp * wGroup, wGroup), g.K, x.AsSpan(n * xImage + grp * xGroup, xGroup), g.P,
                                yn.Slice(grp * yGroup, yGroup), g.P, accumulate: b is not null);
                            continue;
                        }
                        // Y_g[Og, P] (+)= W_g[Og, K] · col[K, P], col packed straight from the image.
                        fixed (T* xp = x, wp = w, yp = y, ph = phased)
                            if (direct is not null)
                                direct.RunForward(xp + n * xImage + grp * xGroup, wp + grp * wGroup, yp + n * yImage + grp * yGroup, b is not null, ph);
                            else if (padded is not null) Gemm.Run<T, MatrixSource<T>, PaddedIm2ColSource<T>>(g.Og, g.P, g.K,
                                new MatrixSource<T>(wp + grp * wGroup, g.K, 1, g.Og),
                                new PaddedIm2ColSource<T>(padded, padded.Planes(xp + n * xImage + grp * xGroup, ph)),
                                yp + n * yImage + grp * yGroup, g.P, accumulate: b is not null);
                            else Gemm.Run<T, MatrixSource<T>, Im2ColSource<T>>(g.Og, g.P, g.K,
                                new MatrixSource<T>(wp + grp * wGroup, g.K, 1, g.Og),
                                new Im2ColSource<T>(table, ImageGroup(table, xp + n * xImage + grp * xGroup, ph)),
                                yp + n * yImage + grp * yGroup, g.P, accumulate: b is not null);
                    }
                }
            }
            finally { if (phased is not null) ArrayPool<T>.Shared.Return(phased); }
        });
    }

    /// <summary>The image-group as the column sources read it: phase-split into <paramref name="phased"/> for strided convolutions.</summary>
    private static T* ImageGroup<T>(Im2ColTable table, T* x, T* phased) where T : unmanaged
    {
        if (!table.Phased) return x;
        table.SplitPhases(x, phased);
        return phased;
    }

    /// <summary>
    /// dX[n] = col2im(Wᵀ·dY[n]) into dx (when not null; or as a convolution of dY, Note [Input gradient
    /// as a convolution]), dW = Σₙ dY[n]·col(x[n])ᵀ into dw (when not null),
    /// group by group. dw arrives zeroed; dx is overwritten (each image-group is cleared, while in cache,
    /// where col2im adds into it). Only dx reads w and only dw reads x, so the other may be empty
    /// (ConvInputGrad and ConvWeightGrad compute one of the two).
    /// </summary>
    internal static void Backward<T>(ConvGeometry g, T[] x, T[] w, T[] dy, T[]? dx, T[]? dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.N == 0) return;   // dx is empty, dw arrived zeroed
        if (BoundedConv.Suits(g))
        {
            BoundedConv.Backward(g, x, w, dy, dx, dw);   // Note [Bounded convolution]
            return;
        }
        int wSize = g.OutC * g.K;
        int chunks = Chunks(g, dw is null ? 0 : wSize);
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        // Chunk 0 accumulates straight into dw; the others into rented partials added afterwards in order.
        var partials = new T[]?[chunks];
        var table = g.Pointwise ? null : new Im2ColTable(g);
        var direct = g.Pointwise || dx is null ? null : new DirectConvPlan(g, wantForward: false, wantInputGradient: true);
        var hwc = dw is not null && HwcWeightGrad.Suits(g) ? new HwcWeightGrad(g, (g.N + chunks - 1) / chunks) : null;   // Note [Weight gradient as GEMM]
        bool batchedDw = hwc is null && table is { Phased: false } && g.P <= DotGemm.DepthBlock / 2;
        // ~512 kB of column block; K·OW·size in long (it may pass int), the block itself ≤ K·P ≤ int (BoundedConv.Suits).
        int blockRows = (int)Math.Clamp((1 << 19) / Math.Max(1, (long)g.K * g.OW * Unsafe.SizeOf<T>()), 1, Math.Max(1, g.OH));
        if (direct is { InputGradient: false }) direct = null;
        if (dx is not null && direct is null && InputGradConv.Suits(g))
        {
            InputGradConv.Run(g, w, dy, dx);   // Note [Input gradient as a convolution]
            dx = null;
        }
        if (dx is null && dw is null) return;
        try
        {
            if (dw is not null)
                for (int k = 1; k < chunks; k++) { partials[k] = ArrayPool<T>.Shared.Rent(wSize); partials[k].AsSpan(0, wSize).Clear(); }
            ForEachChunk(chunks, g, chunk =>
            {
                var (start, end) = ChunkRange(chunk, chunks, g.N);
                var dwPart = dw is null ? null : chunk == 0 ? dw : partials[chunk];
                T[]? col = g.Pointwise || dx is null || direct is not null ? null : ArrayPool<T>.Shared.Rent(g.K * blockRows * g.OW);
                T[]? scratch = direct is null ? null : ArrayPool<T>.Shared.Rent(direct.ScratchLength);
                T[]? phased = table is { Phased: true } && dwPart is not null && hwc is null ? ArrayPool<T>.Shared.Rent(table.PhasedLength) : null;
                // The HWC image's padding is cleared once here; each image rewrites only its interior.
                T[]? xh = hwc is null || dwPart is null ? null : ArrayPool<T>.Shared.Rent(hwc.BufferLength);
                T[]? dwPerm = xh is null ? null : ArrayPool<T>.Shared.Rent(wSize);
                xh?.AsSpan(0, hwc!.BufferLength).Clear();
                try
                {
                    // Note [Small images]: with few output positions per image the weight gradient's
                    // dot products run over the chunk's images together, so the depth is long enough
                    // to amortise the 4×4 reductions (and each call's overhead). Only for shapes the
                    // HWC GEMM below does not take (few channels).
                    if (batchedDw && dwPart is not null)
                        for (int grp = 0; grp < g.Groups; grp++)
                            fixed (T* xp = x, dyp = dy, dwp = dwPart)
                                DotGemm.Run<T, ImageRows<T>, Im2ColImageRows<T>>(g.Og, g.K, (end - start) * g.P,
                                    new ImageRows<T>(dyp + start * yImage + grp * yGroup, yImage, g.P, g.Og, g.P),
                                    new Im2ColImageRows<T>(table!, xp + start * xImage + grp * xGroup, xImage),
                                    dwp + grp * wGroup, g.K, accumulate: true);
                    // Note [Weight gradient as GEMM]: ImagesPerCall images per call, then permuted into dwPart
                    // (an empty batch's one chunk has no image: dwPerm would stay as rented).
                    if (hwc is not null && dwPerm is not null && end > start)
                        fixed (T* xp = x, dyp = dy, hp = xh, pp = dwPerm, dwp = dwPart)
                            for (int grp = 0; grp < g.Groups; grp++)
                            {
                                for (int n = start; n < end; n += hwc.ImagesPerCall)
                                    hwc.Accumulate(xp + n * xImage + grp * xGroup, xImage, dyp + n * yImage + grp * yGroup, yImage,
                                        Math.Min(hwc.ImagesPerCall, end - n), hp, pp + grp * wGroup, accumulate: n > start);
                                hwc.AddPermuted(pp + grp * wGroup, dwp + grp * wGroup);
                            }
                    for (int n = start; n < end; n++)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            ReadOnlySpan<T> dyg = dy.AsSpan(n * yImage + grp * yGroup, yGroup);
                            if (dwPart is not null && !batchedDw && hwc is null)
                            {
                                // dW_g[Og, K] += dY_g[Og, P] · col[K, P]ᵀ: dot products along P, col rows cut
                                // straight from the image (Note [Dot-product GEMM]).
                                if (table is null)
                                    Gemm.Run<T>(false, true, g.Og, g.K, g.P, dyg, g.P, x.AsSpan(n * xImage + grp * xGroup, xGroup), g.P, dwPart.AsSpan(grp * wGroup, wGroup), g.K, accumulate: true);
                                else
                                    fixed (T* xp = x, dyp = dy, dwp = dwPart, ph = phased)
                                        DotGemm.Run<T, MatrixRows<T>, Im2ColRows<T>>(g.Og, g.K, g.P,
                                            new MatrixRows<T>(dyp + n * yImage + grp * yGroup, g.P, g.Og),
                                            new Im2ColRows<T>(table, ImageGroup(table, xp + n * xImage + grp * xGroup, ph)),
                                            dwp + grp * wGroup, g.K, accumulate: true);
                            }
                            if (dx is not null)
                            {
                                var dxg = dx.AsSpan(n * xImage + grp * xGroup, xGroup);
                                ReadOnlySpan<T> wg = w.AsSpan(grp * wGroup, wGroup);
                                // dcol[K, P] = W_g[Og, K]ᵀ · dY_g[Og, P]; pointwise: dcol is dX itself.
                                if (direct is not null)
                                    fixed (T* dyp = dy, wp = w, dxp = dx, sp = scratch)
                                        direct.RunInputGradient(dyp + n * yImage + grp * yGroup, wp + grp * wGroup, dxp + n * xImage + grp * xGroup, sp);
                                else if (g.Pointwise) Gemm.Run<T>(true, false, g.K, g.P, g.Og, wg, g.K, dyg, g.P, dxg, g.P, accumulate: false);
                                else
                                {
                                    // Note [col2im blocks]: a few output rows at a time, so the column block
                                    // stays in L2 between the GEMM that writes it and col2im that reads it.
                                    dxg.Clear();
                                    for (int oy0 = 0; oy0 < g.OH; oy0 += blockRows)
                                    {
                                        int oy1 = Math.Min(g.OH, oy0 + blockRows), pb = (oy1 - oy0) * g.OW;
                                        Gemm.Run<T>(true, false, g.K, pb, g.Og, wg, g.K, dyg[(oy0 * g.OW)..], g.P, col, pb, accumulate: false);
                                        Im2Col.Backward<T>(col.AsSpan(0, g.K * pb), dxg, g, oy0, oy1);
                                    }
                                }
                            }
                        }
                }
                finally
                {
                    if (col is not null) ArrayPool<T>.Shared.Return(col);
                    if (xh is not null) ArrayPool<T>.Shared.Return(xh);
                    if (dwPerm is not null) ArrayPool<T>.Shared.Return(dwPerm);
                    if (phased is not null) ArrayPool<T>.Shared.Return(phased);
                    if (scratch is not null) ArrayPool<T>.Shared.Return(scratch);
                }
            });
            if (dw is not null)
                for (int k = 1; k < chunks; k++) TensorPrimitives.Add(dw, partials[k].AsSpan(0, wSize), dw);
        }
        finally
        {
            foreach (var p in partials) if (p is not null) ArrayPool<T>.Shared.Return(p);
        }
    }

    /// <summary>
    /// db[o] = Σₙ Σₚ dY[n, o, p], summed image by image in order. Channels are spread over threads; each
    /// is summed on one, in the same order, so the result does not depend on the thread count.
    /// </summary>
    internal static void BiasGrad<T>(in ConvGeometry g, T[] dy, T[] db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = g.N, outC = g.OutC, p = g.P;
        Parallelism.For(outC, (long)n * outC * p, o =>
        {
            T sum = db[o];
            for (int i = 0; i < n; i++) sum += TensorPrimitives.Sum<T>(dy.AsSpan((i * outC + o) * p, p));
            db[o] = sum;
        });
    }
}
