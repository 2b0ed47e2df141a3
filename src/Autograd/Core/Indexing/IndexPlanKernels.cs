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
        var axes = p.Axes;
        int n = axes.Length;
        if (n == 0) { run.Run(p.Base, Single, true, 0); return; }
        var inner = axes[n - 1];
        int outer = p.Count / inner.Length;
        var pos = new int[n - 1];
        for (int o = 0, dst = 0; o < outer; o++, dst += inner.Length)
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
            if (contiguous) { Array.Copy(src, at + inner[0], dst, d, inner.Length); return; }
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
            if (contiguous) { Array.Copy(values, v, dst, at + inner[0], inner.Length); return; }
            for (int j = 0; j < inner.Length; j++) dst[at + inner[j]] = values[v + j];
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
            case float[] a: { var r = new GatherRun<float>(a, (float[])dst); Walk(p, ref r); break; }
            case double[] a: { var r = new GatherRun<double>(a, (double[])dst); Walk(p, ref r); break; }
            case long[] a: { var r = new GatherRun<long>(a, (long[])dst); Walk(p, ref r); break; }
            case int[] a: { var r = new GatherRun<int>(a, (int[])dst); Walk(p, ref r); break; }
            case bool[] a: { var r = new GatherRun<bool>(a, (bool[])dst); Walk(p, ref r); break; }
            default: { var r = new GatherRun<byte>((byte[])src, (byte[])dst); Walk(p, ref r); break; }
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
            case float[] a: { var r = new PutRun<float>((float[])values, a); Walk(p, ref r); break; }
            case double[] a: { var r = new PutRun<double>((double[])values, a); Walk(p, ref r); break; }
            case long[] a: { var r = new PutRun<long>((long[])values, a); Walk(p, ref r); break; }
            case int[] a: { var r = new PutRun<int>((int[])values, a); Walk(p, ref r); break; }
            case bool[] a: { var r = new PutRun<bool>((bool[])values, a); Walk(p, ref r); break; }
            default: { var r = new PutRun<byte>((byte[])values, (byte[])dst); Walk(p, ref r); break; }
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
