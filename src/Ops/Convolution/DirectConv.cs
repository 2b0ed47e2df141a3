using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Autograd.Kernels;

namespace Autograd;

// Note [Direct convolution]
// With few input channels per group (conv2d 3→16 5×5, or 8 per group) the column matrix is many
// times larger than the image and writing it costs more than the arithmetic, so forward and input
// gradient correlate zero-padded planes directly: out[o, oy, ox..ox+2V) += w[o, t]·plane_t[oy + row_t,
// ox + col_t ..], vectorised along ox, four output channels per pass (8 accumulators, 2 loads and 4
// broadcasts per tap). A stride s is removed by splitting the padded input into s×s phase planes
// (each tap then reads one phase at unit stride); the input gradient of a strided convolution is
// computed per output phase (the sub-pixel decomposition: phase (ry, rx) of dX only meets the taps
// i with (ry + padTop − i·dH) divisible by s) and interleaved back. Every output element is one
// sum over taps in a fixed order, so results do not depend on threads.

/// <summary>One tap of a correlation: read plane Plane at (oy + Row, ox + Col).</summary>
internal readonly record struct ConvTap(int Plane, int Row, int Col);

/// <summary>Zero-padded planes, each Rows × Pitch, stored one after another, with vector slack at the end.</summary>
internal readonly record struct PlaneStack(int Count, int Rows, int Pitch)
{
    public long PlaneSize => (long)Rows * Pitch;

    /// <summary>Elements to allocate: the planes plus a row of slack, as vector loads may run past a row.</summary>
    public int Length => checked((int)(Count * PlaneSize + Pitch + 64));
}

internal static unsafe class DirectConv
{
    /// <summary>
    /// Whether the direct kernel beats im2col + GEMM: few taps per output (K), and rows wide enough
    /// that vectors of 2·lanes are mostly filled.
    /// </summary>
    internal static bool Suits<T>(int taps, int outWidth) where T : unmanaged
    {
        if (taps > 160) return false;
        long block = 2 * Lanes<T>();   // long: a row of 2^31 / 10 outputs would wrap
        return outWidth * 10L >= (outWidth + block - 1) / block * block * 6;
    }

    private static int Lanes<T>() where T : unmanaged => Simd.Best switch
    {
        Simd.Width.V512 => Vector512<T>.Count,
        Simd.Width.V256 => Vector256<T>.Count,
        _ => Vector128<T>.Count,
    };

    /// <summary>
    /// Fills the planes with src planes (srcRows × srcCols each, count = stack count / (sy·sx)), placed
    /// so that plane (p, ry, rx)[ty, tx] = src[p, ty·sy + ry − offY, tx·sx + rx − offX], zero outside.
    /// </summary>
    internal static void Fill<T>(T* src, int srcRows, int srcCols, int sy, int sx, int offY, int offX, PlaneStack stack, T* dst) where T : unmanaged
    {
        new Span<T>(dst + stack.Count * stack.PlaneSize, stack.Length - (int)(stack.Count * stack.PlaneSize)).Clear();
        if (sx == 2)
        {
            FillPairs(src, srcRows, srcCols, sy, offY, offX, stack, dst);
            return;
        }
        for (int plane = 0; plane < stack.Count; plane++)
        {
            int p = plane / (sy * sx), ry = plane / sx % sy, rx = plane % sx;
            T* s = src + (long)p * srcRows * srcCols;
            T* d = dst + plane * stack.PlaneSize;
            // Columns tx whose source column tx·sx + rx − offX lies in [0, srcCols).
            int lo = Math.Max(0, CeilDiv(offX - rx, sx)), hi = Math.Min(stack.Pitch, CeilDiv(srcCols + offX - rx, sx));
            for (int ty = 0; ty < stack.Rows; ty++, d += stack.Pitch)
            {
                int y = ty * sy + ry - offY;
                if ((uint)y >= (uint)srcRows || lo >= hi) { new Span<T>(d, stack.Pitch).Clear(); continue; }
                new Span<T>(d, lo).Clear();
                T* row = s + (long)y * srcCols + rx - offX;
                if (sx == 1) new ReadOnlySpan<T>(row + lo, hi - lo).CopyTo(new Span<T>(d + lo, hi - lo));
                else for (int tx = lo; tx < hi; tx++) d[tx] = row[(long)tx * sx];
                new Span<T>(d + hi, stack.Pitch - hi).Clear();
            }
        }
    }

    // Column stride 2: the padded source row u = 2·tx + rx (u − offX in the source) is laid out once
    // and split into the rx = 0 and rx = 1 planes with SSE shuffles (Kernels.Stride2).
    private static void FillPairs<T>(T* src, int srcRows, int srcCols, int sy, int offY, int offX, PlaneStack stack, T* dst) where T : unmanaged
    {
        int pitch = stack.Pitch, n = 2 * pitch;
        T[] rowBuf = new T[n];
        fixed (T* r = rowBuf)
            for (int pry = 0; pry < stack.Count / 2; pry++)
            {
                int p = pry / sy, ry = pry % sy;
                T* s = src + (long)p * srcRows * srcCols;
                T* even = dst + 2 * pry * stack.PlaneSize, odd = even + stack.PlaneSize;
                int lo = Math.Clamp(offX, 0, n), hi = Math.Clamp(srcCols + offX, lo, n);
                for (int ty = 0; ty < stack.Rows; ty++, even += pitch, odd += pitch)
                {
                    int y = ty * sy + ry - offY;
                    if ((uint)y >= (uint)srcRows)
                    {
                        new Span<T>(even, pitch).Clear();
                        new Span<T>(odd, pitch).Clear();
                        continue;
                    }
                    new Span<T>(r, lo).Clear();
                    new ReadOnlySpan<T>(s + (long)y * srcCols + lo - offX, hi - lo).CopyTo(new Span<T>(r + lo, hi - lo));
                    new Span<T>(r + hi, n - hi).Clear();
                    int m = Stride2.Deinterleave(ref r[0], ref even[0], ref odd[0], n);
                    for (; m < pitch; m++) { even[m] = r[2 * m]; odd[m] = r[2 * m + 1]; }
                }
            }
    }

    /// <summary>Each tap's offset from the output position's base in the plane stack.</summary>
    internal static long[] Offsets(ConvTap[] taps, PlaneStack stack) =>
        taps.Select(t => t.Plane * stack.PlaneSize + (long)t.Row * stack.Pitch + t.Col).ToArray();

    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);

    /// <summary>
    /// out[o, oy, ox] (+)= Σ_t w[o·taps + t] · planes[t.Plane][(oy + t.Row)·pitch + ox + t.Col] for o &lt;
    /// outC, oy &lt; oh, ox &lt; ow; out rows are outPitch apart, channels outPlane apart.
    /// </summary>
    internal static void Correlate<T>(int outC, int oh, int ow, T* output, int outPitch, long outPlane,
        T* planes, PlaneStack stack, long[] offsets, T* w, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (outC == 0 || oh == 0 || ow == 0) return;
        switch (Simd.Best)
        {
            case Simd.Width.V512: Run<T, Vector512<T>, Simd512<T>>(outC, oh, ow, output, outPitch, outPlane, planes, stack.Pitch, offsets, w, accumulate); break;
            case Simd.Width.V256: Run<T, Vector256<T>, Simd256<T>>(outC, oh, ow, output, outPitch, outPlane, planes, stack.Pitch, offsets, w, accumulate); break;
            default: Run<T, Vector128<T>, Simd128<T>>(outC, oh, ow, output, outPitch, outPlane, planes, stack.Pitch, offsets, w, accumulate); break;
        }
    }

    private static void Run<T, TV, S>(int outC, int oh, int ow, T* output, int outPitch, long outPlane,
        T* planes, int pitch, long[] offsets, T* w, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
    {
        int l = S.Lanes, nt = offsets.Length;
        T* edge = stackalloc T[4 * 2 * 16];
        T* wpad = stackalloc T[4 * nt];   // a ragged last block of channels, padded with zero weights
        fixed (long* off = offsets)
            for (int o0 = 0; o0 < outC; o0 += 4)
            {
                int no = Math.Min(4, outC - o0);
                T* wb = w + (long)o0 * nt;
                if (no < 4)
                {
                    new Span<T>(wpad, 4 * nt).Clear();
                    new ReadOnlySpan<T>(wb, no * nt).CopyTo(new Span<T>(wpad, no * nt));
                    wb = wpad;
                }
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox += 2 * l)
                    {
                        T* bas = planes + (long)oy * pitch + ox;
                        T* dst = output + o0 * outPlane + (long)oy * outPitch + ox;
                        int valid = Math.Min(2 * l, ow - ox);
                        if (valid == 2 * l && no == 4)
                        {
                            Block<T, TV, S>(nt, bas, off, wb, dst, outPlane, accumulate);
                            continue;
                        }
                        // A ragged run: the vectors go to a scratch tile, whole vectors of it are stored
                        // with vector moves and only the last partial vector element by element.
                        Block<T, TV, S>(nt, bas, off, wb, edge, 2 * l, accumulate: false);
                        for (int r = 0; r < no; r++)
                        {
                            T* d = dst + r * outPlane, src = edge + r * 2 * l;
                            int q = 0;
                            if (valid >= l)
                            {
                                TV v = S.Load(ref src[0]);
                                if (accumulate) v = S.Add(S.Load(ref d[0]), v);
                                S.Store(v, ref d[0]);
                                q = l;
                            }
                            if (accumulate) for (; q < valid; q++) d[q] += src[q];
                            else for (; q < valid; q++) d[q] = src[q];
                        }
                    }
            }
    }

    // The 4 channels × 2 vectors of one output run, stored (or added) at dst + r·rowStride.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<T, TV, S>(int nt, T* bas, long* off, T* w, T* dst, long rowStride, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
    {
        int l = S.Lanes;
        TV a00 = S.Zero, a01 = S.Zero, a10 = S.Zero, a11 = S.Zero, a20 = S.Zero, a21 = S.Zero, a30 = S.Zero, a31 = S.Zero;
        for (int t = 0; t < nt; t++)
        {
            T* s = bas + off[t];
            TV v0 = S.Load(ref s[0]), v1 = S.Load(ref s[l]);
            TV c = S.Splat(w[t]); a00 = S.MulAdd(c, v0, a00); a01 = S.MulAdd(c, v1, a01);
            c = S.Splat(w[nt + t]); a10 = S.MulAdd(c, v0, a10); a11 = S.MulAdd(c, v1, a11);
            c = S.Splat(w[2 * nt + t]); a20 = S.MulAdd(c, v0, a20); a21 = S.MulAdd(c, v1, a21);
            c = S.Splat(w[3 * nt + t]); a30 = S.MulAdd(c, v0, a30); a31 = S.MulAdd(c, v1, a31);
        }
        Put<T, TV, S>(dst, l, a00, a01, accumulate);
        Put<T, TV, S>(dst + rowStride, l, a10, a11, accumulate);
        Put<T, TV, S>(dst + 2 * rowStride, l, a20, a21, accumulate);
        Put<T, TV, S>(dst + 3 * rowStride, l, a30, a31, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<T, TV, S>(T* d, int l, TV v0, TV v1, bool accumulate)
        where T : unmanaged where TV : struct where S : ISimd<TV, T>
    {
        if (accumulate)
        {
            v0 = S.Add(S.Load(ref d[0]), v0);
            v1 = S.Add(S.Load(ref d[l]), v1);
        }
        S.Store(v0, ref d[0]);
        S.Store(v1, ref d[l]);
    }
}
