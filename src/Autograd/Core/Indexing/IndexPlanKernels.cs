using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Autograd;

/// <summary>
/// The element moves of indexing through an <see cref="IndexPlan"/> (Note [Index plans]), generic over the
/// storage element type so they serve every dtype: gather (the read), put (index_put_), add (index_put_ with
/// accumulate, and the read's gradient when indices may repeat) and zero (the gradient of index_put_'s self).
/// The walk visits the plan's innermost axis as one run, copied as a block where it is contiguous.
/// </summary>
internal static class IndexPlanKernels
{
    private interface IRun
    {
        /// <summary>One run of the innermost axis: source offsets <paramref name="at"/> + inner[j], result positions <paramref name="dst"/> + j.</summary>
        void Run(int at, int[] inner, bool contiguous, int dst);
    }

    private static readonly int[] Single = [0];

    private static void Walk<TRun>(IndexPlan p, ref TRun run) where TRun : struct, IRun
    {
        if (p.Count == 0) return;
        if (p.Axes.Length == 0) { run.Run(p.Base, Single, true, 0); return; }
        WalkRange(p, ref run, 0, p.Count / p.Axes[^1].Length);
    }

    // Note [Parallel index walks]
    // A gather (index tensors or not), or a put whose positions are distinct (no index tensors), writes each destination element
    // once, so its outer runs can be split over the threads (the kernels' loop, handed in as
    // Engine.ParallelFor) without changing any result. A slice view's first read is such a gather (Note
    // [Slice views]): a 3 MB strided read took 0.20 ms on one thread. Below MinParallelElements, or with index
    // tensors (a put may then write a position twice, or add into it), the walk stays on one thread.
    private const int MinParallelElements = 1 << 18;

    // Note [Sums over unread views]
    // A whole-tensor sum of a slice view whose copy was never gathered (or is stale) reads the view's runs in
    // the source instead: gathering first wrote and re-read every element (x[:, 1:-1, ::2].Sum() took 1.0x
    // libtorch's strided sum, which reads once). The runs are summed in fixed groups of whole runs (about
    // 2^16 elements, the number depending only on the plan), each group in run order, the groups' sums added
    // in order: the same bits for any thread count (Note [Blocked reductions]), though not necessarily the
    // bits of the same sum over a contiguous copy, whose blocks fall elsewhere (PyTorch's strided and
    // contiguous sums differ in rounding too).
    private struct SumRun<T>(T[] src) : IRun where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Total = T.Zero;

        public void Run(int at, int[] inner, bool contiguous, int dst)
            => Total += System.Numerics.Tensors.TensorPrimitives.Sum<T>(src.AsSpan(at + inner[0], inner.Length));
    }

    /// <summary>Σ src over the plan's positions, for a plan whose innermost axis is contiguous (Note [Sums over unread views]).</summary>
    internal static T SumRuns<T>(T[] src, IndexPlan p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.Count == 0) return T.Zero;
        if (p.Axes.Length == 0) return src[p.Base];
        int inner = p.Axes[^1].Length, outer = p.Count / inner;
        int per = Math.Max(1, (1 << 16) / inner);
        int groups = (outer + per - 1) / per;
        var partial = new T[groups];
        void Group(int g)
        {
            var run = new SumRun<T>(src);
            WalkRange(p, ref run, g * per, Math.Min(outer, (g + 1) * per));
            partial[g] = run.Total;
        }
        if (groups > 1 && Engine.ParallelFor is { } parallelFor) parallelFor(groups, p.Count, Group);
        else for (int g = 0; g < groups; g++) Group(g);
        T s = T.Zero;
        foreach (var v in partial) s += v;
        return s;
    }

    /// <summary><see cref="Walk"/> split over the threads when large; <paramref name="distinct"/>: each destination written once.</summary>
    private static void WalkParallel<TRun>(IndexPlan p, TRun run, bool distinct) where TRun : struct, IRun
    {
        if (p.Count < MinParallelElements || !distinct || p.Axes.Length == 0 || Engine.ParallelFor is not { } parallelFor)
        {
            Walk(p, ref run);
            return;
        }
        int outer = p.Count / p.Axes[^1].Length;
        int blocks = Math.Min(outer, 64);
        parallelFor(blocks, p.Count, k =>
        {
            var r = run;
            WalkRange(p, ref r, (int)((long)outer * k / blocks), (int)((long)outer * (k + 1) / blocks));
        });
    }

    /// <summary>The outer runs [from, to) of the plan's walk.</summary>
    private static void WalkRange<TRun>(IndexPlan p, ref TRun run, int from, int to) where TRun : struct, IRun
    {
        var axes = p.Axes;
        int n = axes.Length;
        var inner = axes[n - 1];
        var pos = new int[n - 1];
        for (int a = n - 2, rest = from; a >= 0; a--) { pos[a] = rest % axes[a].Length; rest /= axes[a].Length; }
        for (int o = from, dst = from * inner.Length; o < to; o++, dst += inner.Length)
        {
            int at = p.Base;
            for (int a = 0; a < n - 1; a++) at += axes[a][pos[a]];
            run.Run(at, inner, p.InnerContiguous, dst);
            for (int a = n - 2; a >= 0 && ++pos[a] == axes[a].Length; a--) pos[a] = 0;
        }
    }

    private struct GatherRun<T>(T[] src, T[] dst) : IRun
    {
        public readonly void Run(int at, int[] inner, bool contiguous, int d)
        {
            if (contiguous) { src.AsSpan(at + inner[0], inner.Length).CopyTo(dst.AsSpan(d, inner.Length)); return; }   // a memmove, without Array.Copy's per-call type checks
            // The plan's offsets were bounds-checked when it was built: read without checks (a mask's axis has ~n/2 of them).
            ref T s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(src), at);
            ref T r = ref MemoryMarshal.GetReference(dst.AsSpan(d, inner.Length));
            ref int o = ref MemoryMarshal.GetArrayDataReference(inner);
            for (int j = 0; j < inner.Length; j++) Unsafe.Add(ref r, j) = Unsafe.Add(ref s, Unsafe.Add(ref o, j));
        }
    }

    private struct PutRun<T>(T[] values, T[] dst) : IRun
    {
        public readonly void Run(int at, int[] inner, bool contiguous, int v)
        {
            if (contiguous) { values.AsSpan(v, inner.Length).CopyTo(dst.AsSpan(at + inner[0], inner.Length)); return; }
            for (int j = 0; j < inner.Length; j++) dst[at + inner[j]] = values[v + j];
        }
    }

    /// <summary>
    /// A put into a fresh (uninitialised) destination through a plan without index tensors, whose runs come in
    /// increasing, non-overlapping order: the gap before each run is cleared as the walk reaches it, so every
    /// element is written once (zeroing everything first, then putting, wrote the slice's part twice).
    /// </summary>
    private struct FreshPutRun<T>(T[] values, T[] dst) : IRun
    {
        internal int Next;   // the first position not yet written

        public void Run(int at, int[] inner, bool contiguous, int v)
        {
            int start = at + inner[0];
            System.Diagnostics.Debug.Assert(start >= Next, "a basic plan's runs increase");
            dst.AsSpan(Next, start - Next).Clear();
            if (contiguous)
            {
                values.AsSpan(v, inner.Length).CopyTo(dst.AsSpan(start, inner.Length));
                Next = start + inner.Length;
                return;
            }
            int end = at + inner[^1] + 1;
            dst.AsSpan(start, end - start).Clear();
            for (int j = 0; j < inner.Length; j++) dst[at + inner[j]] = values[v + j];
            Next = end;
        }
    }

    private static void PutFresh<T>(T[] values, T[] dst, IndexPlan p)
    {
        var r = new FreshPutRun<T>(values, dst);
        Walk(p, ref r);
        dst.AsSpan(r.Next).Clear();
    }

    /// <summary>
    /// dst = zeros with values written through <paramref name="p"/> (a plan without index tensors, so its
    /// positions are distinct and increasing), every element of dst written once: dst may be uninitialised.
    /// </summary>
    internal static void PutIntoZeros(Array values, Array dst, IndexPlan p)
    {
        if (p.HasAdvanced) throw new InvalidOperationException("PutIntoZeros: the plan has index tensors");
        switch (dst)
        {
            case float[] a: PutFresh((float[])values, a, p); break;
            case double[] a: PutFresh((double[])values, a, p); break;
            case long[] a: PutFresh((long[])values, a, p); break;
            case int[] a: PutFresh((int[])values, a, p); break;
            case bool[] a: PutFresh((bool[])values, a, p); break;
            default: PutFresh((byte[])values, (byte[])dst, p); break;
        }
    }

    private struct AddRun<T>(T[] values, T[] dst) : IRun where T : IAdditionOperators<T, T, T>
    {
        public readonly void Run(int at, int[] inner, bool contiguous, int v)
        {
            for (int j = 0; j < inner.Length; j++) dst[at + inner[j]] += values[v + j];
        }
    }

    private struct OrRun(bool[] values, bool[] dst) : IRun
    {
        public readonly void Run(int at, int[] inner, bool contiguous, int v)
        {
            for (int j = 0; j < inner.Length; j++) dst[at + inner[j]] |= values[v + j];
        }
    }

    private struct ZeroRun<T>(T[] dst) : IRun
    {
        public readonly void Run(int at, int[] inner, bool contiguous, int v)
        {
            if (contiguous) { Array.Clear(dst, at + inner[0], inner.Length); return; }
            for (int j = 0; j < inner.Length; j++) dst[at + inner[j]] = default!;
        }
    }

    /// <summary>dst[i] = src[plan offset of i] for every result position i.</summary>
    internal static void Gather(Array src, Array dst, IndexPlan p)
    {
        switch (src)
        {
            case float[] a: WalkParallel(p, new GatherRun<float>(a, (float[])dst), distinct: true); break;
            case double[] a: WalkParallel(p, new GatherRun<double>(a, (double[])dst), distinct: true); break;
            case long[] a: WalkParallel(p, new GatherRun<long>(a, (long[])dst), distinct: true); break;
            case int[] a: WalkParallel(p, new GatherRun<int>(a, (int[])dst), distinct: true); break;
            case bool[] a: WalkParallel(p, new GatherRun<bool>(a, (bool[])dst), distinct: true); break;
            default: WalkParallel(p, new GatherRun<byte>((byte[])src, (byte[])dst), distinct: true); break;
        }
    }

    /// <summary>dst[plan offset of i] = values[i] (or += with <paramref name="accumulate"/>; bools or together).</summary>
    internal static void Put(Array values, Array dst, IndexPlan p, bool accumulate)
    {
        switch (dst)
        {
            case float[] a when accumulate: { var r = new AddRun<float>((float[])values, a); Walk(p, ref r); break; }
            case double[] a when accumulate: { var r = new AddRun<double>((double[])values, a); Walk(p, ref r); break; }
            case long[] a when accumulate: { var r = new AddRun<long>((long[])values, a); Walk(p, ref r); break; }
            case int[] a when accumulate: { var r = new AddRun<int>((int[])values, a); Walk(p, ref r); break; }
            case bool[] a when accumulate: { var r = new OrRun((bool[])values, a); Walk(p, ref r); break; }
            case byte[] a when accumulate: { var r = new AddRun<byte>((byte[])values, a); Walk(p, ref r); break; }
            case float[] a: WalkParallel(p, new PutRun<float>((float[])values, a), !p.HasAdvanced); break;
            case double[] a: WalkParallel(p, new PutRun<double>((double[])values, a), !p.HasAdvanced); break;
            case long[] a: WalkParallel(p, new PutRun<long>((long[])values, a), !p.HasAdvanced); break;
            case int[] a: WalkParallel(p, new PutRun<int>((int[])values, a), !p.HasAdvanced); break;
            case bool[] a: WalkParallel(p, new PutRun<bool>((bool[])values, a), !p.HasAdvanced); break;
            default: WalkParallel(p, new PutRun<byte>((byte[])values, (byte[])dst), !p.HasAdvanced); break;
        }
    }

    /// <summary>dst[plan offset of i] = 0 for every result position i.</summary>
    internal static void Zero(Array dst, IndexPlan p)
    {
        switch (dst)
        {
            case float[] a: { var r = new ZeroRun<float>(a); Walk(p, ref r); break; }
            case double[] a: { var r = new ZeroRun<double>(a); Walk(p, ref r); break; }
            case long[] a: { var r = new ZeroRun<long>(a); Walk(p, ref r); break; }
            case int[] a: { var r = new ZeroRun<int>(a); Walk(p, ref r); break; }
            case bool[] a: { var r = new ZeroRun<bool>(a); Walk(p, ref r); break; }
            default: { var r = new ZeroRun<byte>((byte[])dst); Walk(p, ref r); break; }
        }
    }
}
