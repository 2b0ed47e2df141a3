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
    //
    // Note [Shares by member]
    // Member k (the caller is 0, worker w is w + 1) owns the k-th contiguous share of a loop's indices and claims
    // chunks from it first; only when its share is done does it claim the unstarted chunks of the others' (so a
    // worker slow to wake still costs no more than its share's undone chunks). With free-for-all claiming, which
    // core read which part of a tensor changed from call to call, and on the Zen 5 VM the two vCPUs do not share
    // their last-level cache: a sum of the same 25.7 MB twice in a row took 0.17 ms when each thread summed the
    // same half as last time and 0.35 ms when the halves swapped (probe, medians of 200; libtorch's mean, whose
    // OpenMP split is static, 0.22 ms; our team's sum 0.38-0.68). Kernels that pass a tensor from op to op over
    // the same index range now also find each part in the cache of the core that wrote it.
    internal static class WorkerTeam
    {
        /// <summary>How long an idle worker watches for the next loop before it blocks.</summary>
        internal static readonly long SpinTicks = ReadSpin() * Stopwatch.Frequency / 1_000_000;

        private static long ReadSpin() =>
            long.TryParse(Environment.GetEnvironmentVariable("AUTOGRAD_WORKER_SPIN_US"), out long us) && us >= 0 ? Math.Min(us, 1_000_000) : 500;

        private sealed class Job
        {
            internal readonly Action<int> Body;
            internal readonly int Count, Chunk, Helpers;
            internal readonly ExecutionContext? Context;
            private readonly long[] _next;   // member k's next unclaimed index, at k * Pad (one cache line each)
            private readonly long[] _done;   // items member k has run, at k * Pad (Note [Counts by member])
            internal Exception? Error;
            private const int Pad = 16;

            internal Job(Action<int> body, int count, int chunk, int helpers, ExecutionContext? context)
            {
                Body = body; Count = count; Chunk = chunk; Helpers = helpers; Context = context;
                _next = new long[(helpers + 1) * Pad];
                _done = new long[(helpers + 1) * Pad];
                for (int k = 0; k <= helpers; k++) _next[k * Pad] = ShareStart(k);
            }

            // Note [Counts by member]
            // Each member counts the items it has run in its own cache line, and the caller adds the counts up
            // while it waits for the loop's end. One shared count, added to by every chunk of every member, moved
            // its cache line between the two cores once per chunk (~32 times a loop), across the Zen 5 VM's two
            // separate last-level caches. Probe (2026-12-04, 2 threads, medians of 20 000 loops of 98 near-empty
            // items, alternating builds): 4.9-8.6 us per loop before, 3.7-6.3 us after; a 25.7 MB sum did not move
            // beyond its run-to-run spread (p10 160-180 us in both).
            /// <summary>Whether every item has run (the members' counts summed).</summary>
            internal bool Finished()
            {
                long sum = 0;
                for (int k = 0; k <= Helpers; k++) sum += Volatile.Read(ref _done[k * Pad]);
                return sum >= Count;
            }

            // Note [Shares by member]: member k owns [ShareStart(k), ShareStart(k + 1)).
            private int ShareStart(int k) => (int)((long)Count * k / (Helpers + 1));

            /// <summary>Runs the chunks of <paramref name="member"/>'s own share, then claims what is left of the others'.</summary>
            internal void Work(int member)
            {
                int members = Helpers + 1;
                long done = 0;
                for (int s = 0; s < members; s++)
                {
                    int share = (member + s) % members;
                    int hi = ShareStart(share + 1);
                    while (true)
                    {
                        long start = Interlocked.Add(ref _next[share * Pad], Chunk) - Chunk;
                        if (start >= hi) break;
                        int end = (int)Math.Min(start + Chunk, hi);
                        if (Volatile.Read(ref Error) is null)
                        {
                            try { for (int i = (int)start; i < end; i++) Body(i); }
                            catch (Exception e) { Interlocked.CompareExchange(ref Error, e, null); }
                        }
                        done += end - (int)start;
                        Volatile.Write(ref _done[member * Pad], done);
                    }
                }
            }
        }

        private sealed class Worker
        {
            internal readonly int Index;
            internal readonly SemaphoreSlim Wake = new(0);
            internal int Sleeping;
            private Job? _running;   // the loop this worker is in (read only by this thread)

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
                    _running = job;   // the state for ExecutionContext.Run without a per-loop allocation
                    if (job.Context is null) job.Work(Index + 1);
                    else ExecutionContext.Run(job.Context, static w => { var self = (Worker)w!; self._running!.Work(self.Index + 1); }, this);
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
                // About sixteen chunks per share: dynamic enough for uneven items, few claims for many small ones, and
                // a member that finishes first takes little of another's share (Note [Shares by member]).
                int chunk = Math.Max(1, count / ((helpers + 1) * 16));
                job = new Job(body, count, chunk, helpers, ExecutionContext.Capture());
                Volatile.Write(ref _job, job);
                Interlocked.Increment(ref _generation);
                for (int w = 0; w < helpers; w++)
                    if (Interlocked.Exchange(ref workers[w].Sleeping, 0) == 1) workers[w].Wake.Release();
                job.Work(0);
                var wait = new SpinWait();
                while (!job.Finished()) wait.SpinOnce(sleep1Threshold: -1);
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
