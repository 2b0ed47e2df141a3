using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// One operand of <see cref="Gemm"/>, seen as a matrix of elements (f, p): f is the operand's free
/// index (a row of op(A), a column of op(B)), p the depth shared with the other operand. Sources are
/// structs so the GEMM driver is specialised per source; conv2d supplies one that reads its column
/// matrix straight from the image (<see cref="Im2ColSource{T}"/>) instead of materialising it.
/// </summary>
internal unsafe interface IGemmSource<T> where T : unmanaged
{
    /// <summary>Size of the free dimension.</summary>
    int Extent { get; }

    /// <summary>
    /// Writes elements f in [f0, f0+width), p in [p0, p0+kc) to dst, one row of width values per p,
    /// rows ld apart (dst[(p−p0)·ld + f−f0], ld ≥ width); f past <see cref="Extent"/> is written as zero.
    /// </summary>
    void Pack(int f0, int width, int p0, int kc, T* dst, int ld);

    /// <summary>
    /// When element (f, p) is at ptr[f + p·stride] (free index contiguous), a pointer to (f0, p0) and the
    /// stride, so the kernel can read full panels in place; otherwise null.
    /// </summary>
    T* InPlace(int f0, int p0, out long stride);
}

/// <summary>A strided matrix operand: element (f, p) at ptr[f·fStride + p·pStride].</summary>
internal readonly unsafe struct MatrixSource<T>(T* ptr, long fStride, long pStride, int extent) : IGemmSource<T> where T : unmanaged
{
    public int Extent => extent;

    public void Pack(int f0, int width, int p0, int kc, T* dst, int ld)
    {
        int valid = Math.Min(width, extent - f0);
        if (fStride == 1)
        {
            // Free index contiguous: each p is a straight copy of a row segment.
            for (int p = 0; p < kc; p++)
            {
                var d = new Span<T>(dst + (long)p * ld, width);
                new ReadOnlySpan<T>(ptr + (p0 + p) * pStride + f0, valid).CopyTo(d);
                d[valid..].Clear();
            }
            return;
        }
        // Depth contiguous: a transposing copy. Whole 8-row float32 panels go through 8×8 register
        // transposes (Note [Transposing pack]); the rest four source rows at a time, so each step writes four
        // adjacent packed elements and reads four streams that stay in L1.
        int kc8 = 0;
        if (typeof(T) == typeof(float) && width == 8 && valid == 8 && ld == 8 && Avx.IsSupported)
        {
            kc8 = kc & ~7;
            TransposePanel8((float*)ptr + f0 * fStride + p0 * pStride, fStride, kc8, (float*)dst);
            if (kc8 == kc) return;
        }
        int f4 = valid & ~3;
        for (int f = 0; f < f4; f += 4)
        {
            T* s0 = ptr + (f0 + f) * fStride + p0 * pStride, s1 = s0 + fStride, s2 = s1 + fStride, s3 = s2 + fStride;
            T* d = dst + f + (long)kc8 * ld;
            for (int p = kc8; p < kc; p++, d += ld)
            {
                d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p];
            }
        }
        for (int f = f4; f < width; f++)
        {
            T* d = dst + f;
            if (f >= valid) { for (int p = 0; p < kc; p++) d[(long)p * ld] = default; continue; }
            T* s = ptr + (f0 + f) * fStride + p0 * pStride;
            for (int p = kc8; p < kc; p++) d[(long)p * ld] = s[p];
        }
    }

    public T* InPlace(int f0, int p0, out long stride)
    {
        stride = pStride;
        return fStride == 1 ? ptr + f0 + p0 * pStride : null;
    }

    // Note [Transposing pack]
    // Packing an 8-row A panel whose depth is contiguous (matmul's A, dY in conv2d's weight gradient) is a
    // transpose: packed[p·8 + r] = row_r[p]. Element by element that is a load and a store each, ~1.5–2 ms of
    // a 1024³ matmul. Eight depth steps at a time it is eight 8-wide loads (one per row), the 24-shuffle 8×8
    // transpose, and eight 8-wide stores that fill 64 contiguous packed elements. Only data moves, so the
    // packed panel is the same bits either way (GemmTests compare the products against the naive one).
    private static void TransposePanel8(float* src, long rowStride, int kc8, float* dst)
    {
        for (int p = 0; p < kc8; p += 8, dst += 64)
        {
            float* s = src + p;
            Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + rowStride), r2 = Avx.LoadVector256(s + 2 * rowStride),
                r3 = Avx.LoadVector256(s + 3 * rowStride), r4 = Avx.LoadVector256(s + 4 * rowStride), r5 = Avx.LoadVector256(s + 5 * rowStride),
                r6 = Avx.LoadVector256(s + 6 * rowStride), r7 = Avx.LoadVector256(s + 7 * rowStride);
            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(dst + 8, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(dst + 16, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(dst + 24, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(dst + 32, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(dst + 40, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(dst + 48, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(dst + 56, Avx.Permute2x128(u3, u7, 0x31));
        }
    }
}

// Note [Prepacked weights]
// conv2d runs one GEMM per image (and group) with the same weight matrix W as A, and Gemm packs A into
// MR-row panels on every call: a transposing copy of W (Og × K, depth contiguous) per image, ~8 % of a
// 64×32×14² → 64 forward. PackedPanels packs W once per call into the layout Blocked reads (panel i,
// depth p at [i·MR·K + p·MR + r]); each GEMM's A "pack" is then one contiguous copy of the block it asks for.

/// <summary>
/// An operand packed once into MR-row panels over its whole depth (Note [Prepacked weights]): Pack copies
/// the requested (panel, depth block) contiguously. Only for Gemm's A, which asks for whole panels.
/// </summary>
internal readonly unsafe struct PackedPanels<T>(T* panels, int extent, int depth, int mr) : IGemmSource<T> where T : unmanaged
{
    public int Extent => extent;

    /// <summary>The panels themselves (panel i, depth p at [i·MR·depth + p·MR + r]), for kernels that read them in place.</summary>
    public T* Panels => panels;

    /// <summary>Elements <see cref="PackInto"/> writes for an operand of <paramref name="extent"/> rows, <paramref name="depth"/> deep.</summary>
    public static int Length(int extent, int depth, int mr) => (extent + mr - 1) / mr * mr * depth;

    /// <summary>Packs <paramref name="source"/> (extent × depth) into <paramref name="dst"/> (<see cref="Length"/> elements).</summary>
    public static void PackInto<TS>(TS source, int depth, int mr, T* dst) where TS : struct, IGemmSource<T>
    {
        // Panels split over the threads when this is not already inside a parallel loop (dY of a batch of one image).
        int panels = (source.Extent + mr - 1) / mr;
        Parallelism.ForCopy(panels, (long)panels * mr * depth, i => source.Pack(i * mr, mr, 0, depth, dst + (long)i * mr * depth, mr));
    }

    public void Pack(int f0, int width, int p0, int kc, T* dst, int ld)
    {
        if (width != mr || ld != mr || f0 % mr != 0)
            throw new InvalidOperationException($"gemm: a prepacked operand is read by whole {mr}-row panels, asked for {width} rows at {f0} (ld {ld})");
        new ReadOnlySpan<T>(panels + (long)f0 * depth + (long)p0 * mr, kc * mr).CopyTo(new Span<T>(dst, kc * mr));
    }

    public T* InPlace(int f0, int p0, out long stride) { stride = 0; return null; }
}
