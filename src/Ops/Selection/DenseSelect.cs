using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Autograd;

// where's common case: a condition of the result's size, each operand of that size or one element (a number).
// The select is a bit blend, branch-free: a condition from a comparison is close to random, and a branch per
// element mispredicts half the time (more than twice libtorch's time; docs/speed.md, Measurements behind the code). The
// condition bytes are compared with 0 and sign-extended to the element's width (0 or all ones), then each lane
// is taken from a or b whole, so NaN or ±∞ on the side not taken never leaks in. Blocks of 16K elements run on
// the pool's threads; each writes only its own range, so the result does not depend on the thread count.
internal static class DenseSelect
{
    private const int Block = 1 << 14;

    /// <summary>r[i] = cond[i] ? x[i or 0] : y[i or 0] (an operand of one element is read throughout).</summary>
    internal static void Run<T>(bool[] cond, T[] x, T[] y, T[] r) where T : unmanaged
    {
        int n = r.Length, blocks = (n + Block - 1) / Block;
        Kernels.Parallelism.For(blocks, n, b =>
        {
            int start = b * Block, len = Math.Min(Block, n - start);
            var m = MemoryMarshal.AsBytes(cond.AsSpan(start, len));
            var xs = x.Length == 1 ? x.AsSpan() : x.AsSpan(start, len);
            var ys = y.Length == 1 ? y.AsSpan() : y.AsSpan(start, len);
            var rs = r.AsSpan(start, len);
            if (Unsafe.SizeOf<T>() == 4) Select32(m, MemoryMarshal.Cast<T, uint>(xs), MemoryMarshal.Cast<T, uint>(ys), MemoryMarshal.Cast<T, uint>(rs));
            else if (Unsafe.SizeOf<T>() == 8) Select64(m, MemoryMarshal.Cast<T, ulong>(xs), MemoryMarshal.Cast<T, ulong>(ys), MemoryMarshal.Cast<T, ulong>(rs));
            else SelectScalar(m, xs, ys, rs);
        });
    }

    private static void Select32(ReadOnlySpan<byte> m, ReadOnlySpan<uint> x, ReadOnlySpan<uint> y, Span<uint> r)
    {
        int n = r.Length, i = 0;
        bool sx = x.Length == 1 && n > 1, sy = y.Length == 1 && n > 1;
        ref byte pm = ref MemoryMarshal.GetReference(m);
        ref uint px = ref MemoryMarshal.GetReference(x), py = ref MemoryMarshal.GetReference(y), pr = ref MemoryMarshal.GetReference(r);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<uint> cx = Vector512.Create(px), cy = Vector512.Create(py);
            for (; i <= n - 64; i += 64)
            {
                var off = Vector512.Equals(Vector512.LoadUnsafe(ref pm, (nuint)i), Vector512<byte>.Zero).AsSByte();   // -1: take y
                var (s0, s1) = Vector512.Widen(off);
                var (w0, w1) = Vector512.Widen(s0);
                var (w2, w3) = Vector512.Widen(s1);
                Blend(w0.AsUInt32(), ref px, ref py, ref pr, i, sx, sy, cx, cy);
                Blend(w1.AsUInt32(), ref px, ref py, ref pr, i + 16, sx, sy, cx, cy);
                Blend(w2.AsUInt32(), ref px, ref py, ref pr, i + 32, sx, sy, cx, cy);
                Blend(w3.AsUInt32(), ref px, ref py, ref pr, i + 48, sx, sy, cx, cy);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<uint> cx = Vector256.Create(px), cy = Vector256.Create(py);
            for (; i <= n - 32; i += 32)
            {
                var off = Vector256.Equals(Vector256.LoadUnsafe(ref pm, (nuint)i), Vector256<byte>.Zero).AsSByte();
                var (s0, s1) = Vector256.Widen(off);
                var (w0, w1) = Vector256.Widen(s0);
                var (w2, w3) = Vector256.Widen(s1);
                Blend(w0.AsUInt32(), ref px, ref py, ref pr, i, sx, sy, cx, cy);
                Blend(w1.AsUInt32(), ref px, ref py, ref pr, i + 8, sx, sy, cx, cy);
                Blend(w2.AsUInt32(), ref px, ref py, ref pr, i + 16, sx, sy, cx, cy);
                Blend(w3.AsUInt32(), ref px, ref py, ref pr, i + 24, sx, sy, cx, cy);
            }
        }
        for (; i < n; i++)
        {
            uint keep = 0u - (uint)(Unsafe.Add(ref pm, i) != 0 ? 1 : 0);
            uint a = Unsafe.Add(ref px, sx ? 0 : i), b = Unsafe.Add(ref py, sy ? 0 : i);
            Unsafe.Add(ref pr, i) = (a & keep) | (b & ~keep);
        }
    }

    private static void Select64(ReadOnlySpan<byte> m, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> r)
    {
        int n = r.Length, i = 0;
        bool sx = x.Length == 1 && n > 1, sy = y.Length == 1 && n > 1;
        ref byte pm = ref MemoryMarshal.GetReference(m);
        ref ulong px = ref MemoryMarshal.GetReference(x), py = ref MemoryMarshal.GetReference(y), pr = ref MemoryMarshal.GetReference(r);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> cx = Vector256.Create(px), cy = Vector256.Create(py);
            for (; i <= n - 32; i += 32)
            {
                var off = Vector256.Equals(Vector256.LoadUnsafe(ref pm, (nuint)i), Vector256<byte>.Zero).AsSByte();
                var (s0, s1) = Vector256.Widen(off);
                var (w0, w1) = Vector256.Widen(s0);
                var (w2, w3) = Vector256.Widen(s1);
                var (l0, l1) = Vector256.Widen(w0);
                var (l2, l3) = Vector256.Widen(w1);
                var (l4, l5) = Vector256.Widen(w2);
                var (l6, l7) = Vector256.Widen(w3);
                Blend(l0.AsUInt64(), ref px, ref py, ref pr, i, sx, sy, cx, cy);
                Blend(l1.AsUInt64(), ref px, ref py, ref pr, i + 4, sx, sy, cx, cy);
                Blend(l2.AsUInt64(), ref px, ref py, ref pr, i + 8, sx, sy, cx, cy);
                Blend(l3.AsUInt64(), ref px, ref py, ref pr, i + 12, sx, sy, cx, cy);
                Blend(l4.AsUInt64(), ref px, ref py, ref pr, i + 16, sx, sy, cx, cy);
                Blend(l5.AsUInt64(), ref px, ref py, ref pr, i + 20, sx, sy, cx, cy);
                Blend(l6.AsUInt64(), ref px, ref py, ref pr, i + 24, sx, sy, cx, cy);
                Blend(l7.AsUInt64(), ref px, ref py, ref pr, i + 28, sx, sy, cx, cy);
            }
        }
        for (; i < n; i++)
        {
            ulong keep = 0ul - (ulong)(Unsafe.Add(ref pm, i) != 0 ? 1 : 0);
            ulong a = Unsafe.Add(ref px, sx ? 0 : i), b = Unsafe.Add(ref py, sy ? 0 : i);
            Unsafe.Add(ref pr, i) = (a & keep) | (b & ~keep);
        }
    }

    /// <summary>r[at..] = takeY ? y : x lane by lane (x, y: a vector of their one element when sx, sy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend<T>(Vector512<T> takeY, ref T px, ref T py, ref T pr, int at, bool sx, bool sy, Vector512<T> cx, Vector512<T> cy)
    {
        var vx = sx ? cx : Vector512.LoadUnsafe(ref px, (nuint)at);
        var vy = sy ? cy : Vector512.LoadUnsafe(ref py, (nuint)at);
        Vector512.ConditionalSelect(takeY, vy, vx).StoreUnsafe(ref pr, (nuint)at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend<T>(Vector256<T> takeY, ref T px, ref T py, ref T pr, int at, bool sx, bool sy, Vector256<T> cx, Vector256<T> cy)
    {
        var vx = sx ? cx : Vector256.LoadUnsafe(ref px, (nuint)at);
        var vy = sy ? cy : Vector256.LoadUnsafe(ref py, (nuint)at);
        Vector256.ConditionalSelect(takeY, vy, vx).StoreUnsafe(ref pr, (nuint)at);
    }

    private static void SelectScalar<T>(ReadOnlySpan<byte> m, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> r) where T : unmanaged
    {
        bool sx = x.Length == 1 && r.Length > 1, sy = y.Length == 1 && r.Length > 1;
        for (int i = 0; i < r.Length; i++) r[i] = m[i] != 0 ? x[sx ? 0 : i] : y[sy ? 0 : i];
    }
}
