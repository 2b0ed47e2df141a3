using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Autograd.Kernels
{
    // Note [Spinning worker team]
    // Parallelism.For used to hand every loop to Parallel.For on the .NET thread pool. The pool's idle workers
    // spin ~70 iterations and then block, so a kernel that runs 0.1–1 ms (an elementwise pass over 6 MB, a
    // GEMM's next panel loop) first waits for a blocked thread to be woken, which on a VM takes tens to
    // hundreds of µs: at 2 threads our gelu gained 0.96× from the second thread where libtorch gained 1.8×
    // (docs/speed.md, issue 14). libtorch's OpenMP workers spin between parallel regions instead. This team
    // does the same, without touching the application's thread pool:
    //  * NumThreads − 1 dedicated background threads; the caller is the team's other member and runs chunks
    //    of its own loop, so a loop never waits for a worker that is slow to come: it only waits for chunks
    //    a worker has actually claimed.
    //  * After a loop a worker spins for SpinMicroseconds (default 500 µs, env AUTOGRAD_WORKER_SPIN_US;
    //    0 = block at once) watching for the next loop, then blocks on its semaphore (no CPU while idle).
    //  * One loop at a time: a second thread that calls For while the team is busy (two user threads
    //    running ops at once) gets Parallel.For as before, so concurrent callers never wait on each other.
    //  * Chunks are claimed from a shared counter, so the split is dynamic as Parallel.For's; results do not
    //    depend on it (Note [Deterministic parallelism]).
    //  * The caller's ExecutionContext flows into the workers (TensorScope and grad mode are AsyncLocals
    //    that kernel bodies read when they allocate), as it did through Parallel.For.
    //  * The first exception a body throws is rethrown on the caller, unwrapped (Parallel.For's
    //    AggregateException is unwrapped too when it holds one); the chunks not yet started are skipped.
    internal static class WorkerTeam
    {
        /// <summary>How long an idle worker watches for the next loop before it blocks.</summary>
        internal static readonly long SpinTicks = ReadSpin() * Stopwatch.Frequency / 1_000_000;

        private static long ReadSpin() =>
            long.TryParse(Environment.GetEnvironmentVariable("AUTOGRAD_WORKER_SPIN_US"), out long us) && us >= 0 ? Math.Min(us, 1_000_000) : 500;

        private sealed class Job(Action<int> body, int count, int chunk, int helpers, ExecutionContext? context)
        {
            internal readonly Action<int> Body = body;
            internal readonly int Count = count, Chunk = chunk, Helpers = helpers;
            internal readonly ExecutionContext? Context = context;
            internal long Next;
            internal int Done;
            internal Exception? Error;

            internal void Work()
            {
                while (true)
                {
                    long start = Interlocked.Add(ref Next, Chunk) - Chunk;
                    if (start >= Count) return;
                    int end = (int)Math.Min(start + Chunk, Count);
                    if (Volatile.Read(ref Error) is null)
                    {
                        try { for (int i = (int)start; i < end; i++) Body(i); }
                        catch (Exception e) { Interlocked.CompareExchange(ref Error, e, null); }
                    }
                    Interlocked.Add(ref Done, end - (int)start);
                }
            }
        }

        private sealed class Worker
        {
            internal readonly int Index;
            internal readonly SemaphoreSlim Wake = new(0);
            internal int Sleeping;

            internal Worker(int index)
            {
                Index = index;
                new Thread(Loop) { IsBackground = true, Name = $"Autograd worker {index + 1}" }.Start();
            }

            private void Loop()
            {
                Parallelism.MarkWorkerThread();
                long seen = 0;
                while (true)
                {
                    long generation = WaitForLoop(seen);
                    if (generation == seen) continue;
                    seen = generation;
                    var job = Volatile.Read(ref _job);
                    if (job is null || Index >= job.Helpers) continue;
                    if (job.Context is null) job.Work();
                    else ExecutionContext.Run(job.Context, static j => ((Job)j!).Work(), job);
                }
            }

            // Spins for SpinTicks watching the generation, then blocks until a caller wakes this worker.
            // Returns the generation seen (== seen after a wake-up that raced with a spin that found work).
            private long WaitForLoop(long seen)
            {
                long generation = Volatile.Read(ref _generation);
                if (generation != seen) return generation;
                long start = Stopwatch.GetTimestamp();
                for (int spins = 0; ; spins++)
                {
                    Thread.SpinWait(8);
                    generation = Volatile.Read(ref _generation);
                    if (generation != seen) return generation;
                    if ((spins & 31) == 31 && Stopwatch.GetTimestamp() - start > SpinTicks) break;
                }
                // Announce the sleep, then look once more: a caller bumps the generation before it reads
                // Sleeping, so either it sees Sleeping = 1 and releases, or this read sees its generation.
                Interlocked.Exchange(ref Sleeping, 1);
                if (Volatile.Read(ref _generation) == seen)
                {
                    Wake.Wait();
                    return Volatile.Read(ref _generation);
                }
                // Work arrived between the spin and the announcement. If a caller already took the flag, it
                // has released (or is about to release) the semaphore once: consume that so it is not left over.
                if (Interlocked.Exchange(ref Sleeping, 0) == 0) Wake.Wait();
                return Volatile.Read(ref _generation);
            }
        }

        private static readonly object Grow = new();
        private static Worker[] _workers = [];
        private static Job? _job;
        private static long _generation;
        private static int _busy;

        /// <summary>
        /// Runs body(i) for i in [0, count) on the caller and up to threads − 1 workers; false (nothing run)
        /// when another loop holds the team.
        /// </summary>
        internal static bool TryRun(int count, int threads, Action<int> body)
        {
            if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
            Job job;
            try
            {
                int helpers = Math.Min(threads, count) - 1;
                var workers = EnsureWorkers(helpers);
                // About four chunks per thread: dynamic enough for uneven items, few claims for many small ones.
                int chunk = Math.Max(1, count / ((helpers + 1) * 4));
                job = new Job(body, count, chunk, helpers, ExecutionContext.Capture());
                Volatile.Write(ref _job, job);
                Interlocked.Increment(ref _generation);
                for (int w = 0; w < helpers; w++)
                    if (Interlocked.Exchange(ref workers[w].Sleeping, 0) == 1) workers[w].Wake.Release();
                job.Work();
                var wait = new SpinWait();
                while (Volatile.Read(ref job.Done) < count) wait.SpinOnce(sleep1Threshold: -1);
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
            if (job.Error is { } error) ExceptionDispatchInfo.Capture(error).Throw();
            return true;
        }

        private static Worker[] EnsureWorkers(int n)
        {
            var workers = Volatile.Read(ref _workers);
            if (workers.Length >= n) return workers;
            lock (Grow)
            {
                workers = _workers;
                if (workers.Length < n)
                {
                    var grown = new Worker[n];
                    Array.Copy(workers, grown, workers.Length);
                    for (int w = workers.Length; w < n; w++) grown[w] = new Worker(w);
                    Volatile.Write(ref _workers, grown);
                    workers = grown;
                }
                return workers;
            }
        }
    }
}
