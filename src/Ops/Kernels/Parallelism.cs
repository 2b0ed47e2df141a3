namespace Autograd
{
    /// <summary>
    /// The number of threads the kernels may use (torch.get_num_threads / torch.set_num_threads).
    /// Defaults to the processor count. Results do not depend on it: every kernel computes each output
    /// element on one thread in a fixed order, so 1 and N threads give bit-identical tensors.
    /// </summary>
    public static class Threading
    {
        private static int _numThreads = Environment.ProcessorCount;

        /// <summary>Maximum degree of parallelism of every kernel; at least 1.</summary>
        public static int NumThreads
        {
            get => _numThreads;
            set
            {
                if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, $"set_num_threads: expected a positive number of threads, got {value}");
                _numThreads = value;
            }
        }
    }
}

namespace Autograd.Kernels
{
    // Note [Deterministic parallelism]
    // Kernels split work into items whose outputs are disjoint (GEMM tiles, N·C planes), and each item
    // computes its outputs in a fixed order; which thread runs an item never changes the arithmetic.
    // Reductions across items (weight gradients) use per-item partial results combined afterwards in
    // item order. So results are identical for any Threading.NumThreads. Small work runs inline:
    // starting a loop costs a few microseconds, which only pays off above ~0.1 ms of work.

    /// <summary>The one place kernels go parallel; honours <see cref="Threading.NumThreads"/>.</summary>
    internal static class Parallelism
    {
        /// <summary>Work (roughly, multiply-adds or elements touched) below which a loop runs inline.</summary>
        internal const long MinParallelWork = 1 << 17;

        /// <summary>Whether a loop of this much total work should be split over threads.</summary>
        internal static bool Worth(int count, long totalWork) =>
            count > 1 && Threading.NumThreads > 1 && totalWork >= MinParallelWork && !_inParallelLoop;

        /// <summary>
        /// Runs <paramref name="body"/> for every i in [0, count): in parallel on up to NumThreads threads
        /// when <paramref name="totalWork"/> is worth it, otherwise inline in ascending order.
        /// </summary>
        internal static void For(int count, long totalWork, Action<int> body)
        {
            if (!Worth(count, totalWork) || _inParallelLoop)
            {
                for (int i = 0; i < count; i++) body(i);
                return;
            }
            _inParallelLoop = true;
            try
            {
                // Note [Spinning worker team]: the team when it is free, the thread pool when another loop holds it.
                if (WorkerTeam.TryRun(count, Threading.NumThreads, body)) return;
                System.Threading.Tasks.Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Threading.NumThreads }, i =>
                {
                    bool outer = _inParallelLoop;
                    _inParallelLoop = true;
                    try { body(i); }
                    finally { _inParallelLoop = outer; }
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            finally
            {
                _inParallelLoop = false;
            }
        }

        // Note [Parallel copies]
        // A loop that only moves memory (a copy into padded planes, a fill, a panel pack, a scatter) gains little from a
        // second thread while its data is in cache, and its lines then live in the other core's cache for the next
        // phase to fetch back. Measured on the Zen 5 VM (2 vCPUs, 2026-12-03), conv2d 1×64×28² k3 at batch one, each
        // phase at 1 / 2 threads: weight pack 2.8 / 21.5 µs, padded planes 11.8 / 49, bias fill 2.0 / 9.1, scatter
        // 5.2 / 11.5, against the GEMM's 286 / 234. So these loops split only from MinParallelCopy elements (1 MiB
        // of float32: a 1×32×224² image's planes, 1.6M elements, still go parallel, where they halved a 8.8 ms pass).
        internal const long MinParallelCopy = 1 << 18;

        /// <summary><see cref="For"/> for a loop that only moves <paramref name="elements"/> elements (Note [Parallel copies]).</summary>
        internal static void ForCopy(int count, long elements, Action<int> body)
            => For(count, elements >= MinParallelCopy ? Math.Max(elements, MinParallelWork) : 0, body);

        /// <summary>Zeroes a[0, length) in blocks over the threads (inline when small or nested).</summary>
        internal static void Clear<T>(T[] a, int length)
        {
            const int Block = 1 << 16;
            int blocks = (length + Block - 1) / Block;
            ForCopy(blocks, length, i => a.AsSpan(i * Block, Math.Min(Block, length - i * Block)).Clear());
        }

        // Note [Nested parallel loops]: a kernel called from inside another kernel's parallel loop (the
        // GEMM inside conv2d's batch chunks) runs its own loops inline: the outer, coarser split already
        // occupies every thread, and nesting would only add scheduling overhead and oversubscription.
        [ThreadStatic] private static bool _inParallelLoop;

        /// <summary>A team worker only ever runs loop items: everything it calls runs its own loops inline.</summary>
        internal static void MarkWorkerThread() => _inParallelLoop = true;

        /// <summary>True on a thread currently running an item of a parallel loop.</summary>
        internal static bool InParallelLoop => _inParallelLoop;
    }
}
