using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Kernels;

// Note [conv2d batch chunks]
// The batch is cut into chunks whose number depends only on the shapes (never on the machine's
// thread count or Threading.NumThreads); each chunk owns one rented scratch buffer and, for the weight gradient, one partial
// sum that it accumulates over its images in order. The partials are then added in chunk order. So
// forward, input gradient and weight gradient are bit-for-bit the same whether the chunks run on one
// thread or many (Note [Deterministic parallelism]). Small problems use a single chunk and run inline.
//
// Which kernel runs for each pass is the geometry's ConvPlan (Note [Conv plan]); this class runs it,
// one method per path (the forward's here, the gradients' in ConvKernels.Backward.cs).
internal static unsafe partial class ConvKernels
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

    /// <summary>One image of a chunk, with the chunk's scratch (null when none was asked for).</summary>
    private delegate void ImageBody<T>(int n, T* scratch) where T : unmanaged;

    /// <summary>
    /// Runs <paramref name="body"/> for every image, the batch cut into chunks (Note [conv2d batch
    /// chunks]); each chunk rents <paramref name="scratchLength"/> elements (cleared once when
    /// <paramref name="clear"/>: a border its images never write).
    /// </summary>
    private static void ForEachImage<T>(in ConvGeometry g, int scratchLength, bool clear, ImageBody<T> body) where T : unmanaged
    {
        int chunks = Chunks(g, 0), n = g.N;
        ForEachChunk(chunks, g, chunk =>
        {
            var (start, end) = ChunkRange(chunk, chunks, n);
            T[]? scratch = scratchLength > 0 ? ArrayPool<T>.Shared.Rent(scratchLength) : null;
            if (clear && scratch is not null) Parallelism.Clear(scratch, scratchLength);
            try
            {
                fixed (T* sp = scratch)
                    for (int i = start; i < end; i++) body(i, sp);
            }
            finally { if (scratch is not null) ArrayPool<T>.Shared.Return(scratch); }
        });
    }

    /// <summary>y[n, o] = Σ W[o]·col(x[n]) + b[o] for every image, group by group, on the plan's forward path.</summary>
    internal static void Forward<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // An empty batch has nothing to compute (and its per-image sizes need not fit an int).
        if (g.N == 0) return;
        Forward(ConvPlan.For(g, inputGrad: false, weightGrad: false).Forward, g, x, w, b, y);
    }

    /// <summary>The forward on a given path (tests compare paths on one geometry; the path must suit it).</summary>
    internal static void Forward<T>(ConvForwardPath path, ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.N == 0) return;
        switch (path)
        {
            case ConvForwardPath.Bounded: BoundedConv.Forward(g, x, w, b, y); break;   // Note [Bounded convolution]
            case ConvForwardPath.PointwiseGemm: ForwardPointwise(g, x, w, b, y); break;
            case ConvForwardPath.Direct: ForwardDirect(g, x, w, b, y); break;
            case ConvForwardPath.WideRowGemm: ForwardWideRows(g, x, w, b, y); break;
            case ConvForwardPath.PaddedIm2ColGemm: ForwardPaddedIm2Col(g, x, w, b, y); break;
            default: ForwardIm2Col(g, x, w, b, y); break;
        }
    }

    /// <summary>y[n] = b, broadcast over each output plane (the paths then accumulate); nothing without a bias.</summary>
    private static void FillBias<T>(in ConvGeometry g, T[]? b, T* y) where T : unmanaged
    {
        if (b is null) return;
        for (int o = 0; o < g.OutC; o++) new Span<T>(y + (long)o * g.P, g.P).Fill(b[o]);
    }

    /// <summary>1×1, unit stride, no padding: Y_g = W_g · X_g, the image-group itself the column matrix.</summary>
    private static void ForwardPointwise<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        ForEachImage<T>(g, 0, false, (n, _) =>
        {
            fixed (T* yp = y) FillBias(g, b, yp + n * yImage);
            var yn = y.AsSpan(n * yImage, yImage);
            for (int grp = 0; grp < g.Groups; grp++)
                Gemm.Run<T>(false, false, g.Og, g.P, g.K, w.AsSpan(grp * wGroup, wGroup), g.K, x.AsSpan(n * xImage + grp * xGroup, xGroup), g.P,
                    yn.Slice(grp * yGroup, yGroup), g.P, accumulate: b is not null);
        });
    }

    /// <summary>Few taps on wide rows: the direct kernel over phase-split padded planes (Note [Direct convolution]).</summary>
    private static void ForwardDirect<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P, wGroup = g.Og * g.K;
        var direct = new DirectConvPlan(g);
        ForEachImage<T>(g, direct.ScratchLength, false, (n, scratch) =>
        {
            fixed (T* xp = x, wp = w, yp = y)
            {
                FillBias(g, b, yp + n * yImage);
                for (int grp = 0; grp < g.Groups; grp++)
                    direct.RunForward(xp + n * xImage + grp * xGroup, wp + grp * wGroup, yp + n * yImage + grp * yGroup, b is not null, scratch);
            }
        });
    }

    /// <summary>
    /// Unit strides: Y_g (+)= W_g · col with col read in place from zero-padded planes, over wide rows
    /// (Note [Wide-row convolution]). Inside a chunk's parallel loop each image runs inline; a single chunk splits its columns (OffsetGemm).
    /// </summary>
    private static void ForwardWideRows<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (RowSlabs(g) is > 1 and var slabs)
        {
            ForwardWideRowSlabs(g, x, w, b, y, slabs);
            return;
        }
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P;
        var wide = new WideRowConv(g);
        var weights = new PackedWeights<T>(g, w);
        try
        {
            ForEachImage<T>(g, wide.ScratchLength, false, (n, scratch) =>   // Planes clears what it needs
            {
                fixed (T* xp = x, wp = weights.Panels, yp = y)
                    for (int grp = 0; grp < g.Groups; grp++)
                        wide.Run(xp + n * xImage + grp * xGroup, (long)g.H * g.W, weights.Group(wp, grp).Panels, b, grp * g.Og,
                            yp + n * yImage + grp * yGroup, g.P, scratch);
            });
        }
        finally { weights.Dispose(); }
    }

    // Note [Row slabs at batch one]
    // One image on several threads used to run as phases, each split over the threads: the weight pack, the padded
    // planes, the bias fill, the offset GEMM (by column panels), the scatter. Each phase's data then sits in whichever
    // core wrote it, and the next phase's other thread fetches it back: on the Zen 5 VM (2 vCPUs) conv2d of 1×64×28²,
    // k3, took 2.8 / 21.5 µs for the pack at 1 / 2 threads, 11.8 / 49 for the planes, 5.2 / 11.5 for the scatter, and
    // the GEMM 286 / 234 µs: two threads were no faster than one. Instead the output rows are cut into one slab per
    // thread, and each slab runs every phase on its own thread as a convolution of its own: the input rows it reads
    // (its halo included, the image's padding only where the slab meets the image's edge), planes and wide block in
    // its own scratch, and for a small weight (≤ 64K elements) its own packed copy. Nothing crosses between cores
    // but the input and the weight, read once. Each output element is the same sum in the same order (the same depth
    // blocks over the same K), so the result is bit for bit the unsplit one's (RowSlabTests).
    private const long PrivatePackLimit = 1 << 16;

    /// <summary>How many row slabs a batch-one wide-row forward runs as (1: not split; Note [Row slabs at batch one]).</summary>
    internal static int RowSlabs(in ConvGeometry g)
    {
        int threads = Threading.NumThreads;
        if (g.N != 1 || threads < 2 || Parallelism.InParallelLoop || !Parallelism.Worth(threads, (long)g.OutC * g.K * g.P)) return 1;
        int slabs = Math.Min(threads, g.OH / 4);   // at least four output rows a slab
        for (int s = 0; s < slabs; s++)
        {
            var (_, _, lo, hi) = Slab(g, s, slabs);
            if (hi <= lo) return 1;   // a slab of padding only (huge paddings take the bounded loops anyway)
        }
        return slabs;
    }

    /// <summary>Slab <paramref name="s"/> of <paramref name="slabs"/>: output rows from <c>R0</c>, as a one-image convolution of input rows [lo, hi).</summary>
    private static (ConvGeometry Sub, int R0, long Lo, long Hi) Slab(in ConvGeometry g, int s, int slabs)
    {
        int r0 = (int)((long)s * g.OH / slabs), r1 = (int)((long)(s + 1) * g.OH / slabs);
        long first = (long)r0 * g.StrideH - g.PadTop, last = (long)(r1 - 1) * g.StrideH - g.PadTop + (long)(g.KH - 1) * g.DilationH;
        long lo = Math.Max(0, first), hi = Math.Min(g.H, last + 1);
        var sub = g with { Batched = false, N = 1, H = (int)Math.Max(0, hi - lo), PadTop = lo - first, PadBottom = last + 1 - Math.Max(hi, lo), OH = r1 - r0 };
        return (sub, r0, lo, hi);
    }

    private static void ForwardWideRowSlabs<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y, int slabs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool own = (long)g.OutC * g.K <= PrivatePackLimit;
        PackedWeights<T>? shared = own ? null : new PackedWeights<T>(g, w);
        try
        {
            Parallelism.For(slabs, long.MaxValue, s =>
            {
                var (sub, r0, lo, _) = Slab(g, s, slabs);
                var wide = new WideRowConv(sub);
                var weights = shared ?? new PackedWeights<T>(g, w);   // packed inline: this is inside the loop
                T[] scratch = ArrayPool<T>.Shared.Rent(wide.ScratchLength);
                try
                {
                    long xGroup = (long)g.Cg * g.H * g.W, yGroup = (long)g.Og * g.P;
                    fixed (T* xp = x, wp = weights.Panels, yp = y, sp = scratch)
                        for (int grp = 0; grp < g.Groups; grp++)
                            wide.Run(xp + grp * xGroup + lo * g.W, (long)g.H * g.W, weights.Group(wp, grp).Panels, b, grp * g.Og,
                                yp + grp * yGroup + (long)r0 * g.OW, g.P, sp);
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(scratch);
                    if (shared is null) weights.Dispose();
                }
            });
        }
        finally { shared?.Dispose(); }
    }

    /// <summary>Column stride 1: Y_g (+)= W_g · col, col packed from zero-padded planes (Note [Padded im2col]).</summary>
    private static void ForwardPaddedIm2Col<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var padded = new PaddedIm2Col(g);
        // The border is cleared once per chunk; each image rewrites only the interior.
        ForwardColumns<T, PaddedIm2ColSource<T>>(g, x, w, b, y, padded.NeedsCopy ? padded.Length : 0, true,
            (image, scratch) => new PaddedIm2ColSource<T>(padded, padded.Planes(image, scratch)));
    }

    /// <summary>Y_g (+)= W_g · col, col packed straight from the (phase-split) image (Notes [Implicit im2col], [Strided im2col]).</summary>
    private static void ForwardIm2Col<T>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var table = new Im2ColTable(g);
        ForwardColumns<T, Im2ColSource<T>>(g, x, w, b, y, table.Phased ? table.PhasedLength : 0, false,
            (image, scratch) => new Im2ColSource<T>(table, ImageGroup(table, image, scratch)));
    }

    /// <summary>The column source of one image-group (given with its chunk's scratch).</summary>
    private delegate TB ColumnSource<T, TB>(T* imageGroup, T* scratch) where T : unmanaged;

    /// <summary>
    /// Y_g (+)= W_g · col for every image and group, W packed once (Note [Prepacked weights]), col from
    /// <paramref name="source"/>; each chunk rents <paramref name="scratchLength"/> elements for it.
    /// </summary>
    private static void ForwardColumns<T, TB>(ConvGeometry g, T[] x, T[] w, T[]? b, T[] y, int scratchLength, bool clear, ColumnSource<T, TB> source)
        where T : unmanaged, IFloatingPointIeee754<T> where TB : struct, IGemmSource<T>
    {
        int xImage = g.C * g.H * g.W, yImage = g.OutC * g.P, xGroup = g.Cg * g.H * g.W, yGroup = g.Og * g.P;
        var weights = new PackedWeights<T>(g, w);
        try
        {
            ForEachImage<T>(g, scratchLength, clear, (n, scratch) =>
            {
                fixed (T* xp = x, wp = weights.Panels, yp = y)
                {
                    FillBias(g, b, yp + n * yImage);
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Run<T, PackedPanels<T>, TB>(g.Og, g.P, g.K, weights.Group(wp, grp), source(xp + n * xImage + grp * xGroup, scratch),
                            yp + n * yImage + grp * yGroup, g.P, accumulate: b is not null);
                }
            });
        }
        finally { weights.Dispose(); }
    }

    /// <summary>
    /// The weight of every group packed once into the GEMM's A panels (Note [Prepacked weights]), in a pooled
    /// buffer: each image's product then copies its panels instead of transposing W again.
    /// </summary>
    private readonly struct PackedWeights<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly int _og, _k, _mr, _groupLength;
        public readonly T[] Panels;

        public PackedWeights(in ConvGeometry g, T[] w)
        {
            (_og, _k, _mr) = (g.Og, g.K, Gemm.PanelRows<T>());
            _groupLength = PackedPanels<T>.Length(_og, _k, _mr);
            Panels = ArrayPool<T>.Shared.Rent(Math.Max(1, g.Groups * _groupLength));
            fixed (T* wp = w, pp = Panels)
                for (int grp = 0; grp < g.Groups; grp++)
                    PackedPanels<T>.PackInto(new MatrixSource<T>(wp + (long)grp * _og * _k, _k, 1, _og), _k, _mr, pp + (long)grp * _groupLength);
        }

        /// <summary>Group <paramref name="grp"/>'s panels as a GEMM operand (<paramref name="panels"/>: <see cref="Panels"/> pinned).</summary>
        public PackedPanels<T> Group(T* panels, int grp) => new(panels + (long)grp * _groupLength, _og, _k, _mr);

        public void Dispose() => ArrayPool<T>.Shared.Return(Panels);
    }

    /// <summary>The image-group as the column sources read it: phase-split into <paramref name="phased"/> for strided convolutions.</summary>
    private static T* ImageGroup<T>(Im2ColTable table, T* x, T* phased) where T : unmanaged
    {
        if (!table.Phased) return x;
        table.SplitPhases(x, phased);
        return phased;
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
