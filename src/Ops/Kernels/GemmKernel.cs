using System.Numerics;
using System.Runtime.CompilerServices;

namespace Autograd.Kernels;

/// <summary>
/// The register-tiled inner kernel of <see cref="Gemm"/> and the packing that feeds it.
/// </summary>
internal static unsafe class GemmKernel
{
    /// <summary>Rows of the register tile. 6 rows × 2 vectors = 12 accumulators + 2 B vectors + 1
    /// broadcast fit the 16 vector registers of AVX2 (so the Vector256 path does not spill), and 12
    /// independent FMA chains cover the FMA latency × throughput of current cores.</summary>
    internal const int MR = 6;

    /// <summary>Columns of the register tile: two vectors.</summary>
    internal static int NR<T, TV, S>() where T : unmanaged where TV : struct where S : ISimd<TV, T> => 2 * S.Lanes;

    // C[MR×NR] (row stride ldc) = (add ? C : 0) + Σ_p a[p, 0..MR) ⊗ b[p, 0..NR): a is a packed panel
    // (MR values per p), b holds NR values per p, ldbp apart (NR when packed, B's own row stride when
    // read in place). Each element's sum runs over p in order, one FMA per p, so its value depends only
    // on the operands, never on the thread, the tile or whether B was packed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile<T, TV, S>(int kc, T* a, T* b, int ldbp, T* c, int ldc, bool add)
        where T : unmanaged, INumberBase<T> where TV : struct where S : ISimd<TV, T>
    {
        int l = S.Lanes;
        TV c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
        TV c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV b0 = S.Load(ref b[0]), b1 = S.Load(ref b[l]);
            TV av = S.Splat(a[0]); c00 = S.MulAdd(av, b0, c00); c01 = S.MulAdd(av, b1, c01);
            av = S.Splat(a[1]); c10 = S.MulAdd(av, b0, c10); c11 = S.MulAdd(av, b1, c11);
            av = S.Splat(a[2]); c20 = S.MulAdd(av, b0, c20); c21 = S.MulAdd(av, b1, c21);
            av = S.Splat(a[3]); c30 = S.MulAdd(av, b0, c30); c31 = S.MulAdd(av, b1, c31);
            av = S.Splat(a[4]); c40 = S.MulAdd(av, b0, c40); c41 = S.MulAdd(av, b1, c41);
            av = S.Splat(a[5]); c50 = S.MulAdd(av, b0, c50); c51 = S.MulAdd(av, b1, c51);
            a += MR;
            b += ldbp;
        }
        StoreRow<T, TV, S>(c, l, c00, c01, add);
        StoreRow<T, TV, S>(c + ldc, l, c10, c11, add);
        StoreRow<T, TV, S>(c + 2 * ldc, l, c20, c21, add);
        StoreRow<T, TV, S>(c + 3 * ldc, l, c30, c31, add);
        StoreRow<T, TV, S>(c + 4 * ldc, l, c40, c41, add);
        StoreRow<T, TV, S>(c + 5 * ldc, l, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T, TV, S>(T* c, int l, TV v0, TV v1, bool add)
        where T : unmanaged where TV : struct where S : ISimd<TV, T>
    {
        if (add)
        {
            v0 = S.Add(S.Load(ref c[0]), v0);
            v1 = S.Add(S.Load(ref c[l]), v1);
        }
        S.Store(v0, ref c[0]);
        S.Store(v1, ref c[l]);
    }

    /// <summary>
    /// Packs rows [i0, i0+MR) × cols [p0, p0+kc) of op(A) as MR values per p; rows past m are zero.
    /// </summary>
    internal static void PackA<T>(bool transA, T* a, int lda, int m, int i0, int p0, int kc, T* dst) where T : unmanaged
    {
        int rows = Math.Min(MR, m - i0);
        if (transA)
        {
            for (int p = 0; p < kc; p++)
            {
                T* src = a + (long)(p0 + p) * lda + i0;
                T* d = dst + p * MR;
                int r = 0;
                for (; r < rows; r++) d[r] = src[r];
                for (; r < MR; r++) d[r] = default;
            }
            return;
        }
        if (rows == MR)
        {
            // Six row streams read in step so the packed panel is written sequentially.
            T* s0 = a + (long)i0 * lda + p0, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda;
            for (int p = 0; p < kc; p++, dst += MR)
            {
                dst[0] = s0[p]; dst[1] = s1[p]; dst[2] = s2[p];
                dst[3] = s3[p]; dst[4] = s4[p]; dst[5] = s5[p];
            }
            return;
        }
        for (int r = 0; r < MR; r++)
        {
            T* d = dst + r;
            if (r >= rows) { for (int p = 0; p < kc; p++) d[p * MR] = default; continue; }
            T* src = a + (long)(i0 + r) * lda + p0;
            for (int p = 0; p < kc; p++) d[p * MR] = src[p];
        }
    }

    /// <summary>
    /// Packs rows [p0, p0+kc) × cols [j0, j0+nr) of op(B) as nr values per p; cols past n are zero.
    /// </summary>
    internal static void PackB<T>(bool transB, T* b, int ldb, int n, int j0, int p0, int kc, int nr, T* dst) where T : unmanaged
    {
        int cols = Math.Min(nr, n - j0);
        if (!transB)
        {
            for (int p = 0; p < kc; p++)
            {
                var d = new Span<T>(dst + p * nr, nr);
                new ReadOnlySpan<T>(b + (long)(p0 + p) * ldb + j0, cols).CopyTo(d);
                d[cols..].Clear();
            }
            return;
        }
        // Transposing pack: four source rows at a time, so each step writes four adjacent elements
        // of a packed row and reads four streams that stay in L1.
        int j4 = cols & ~3;
        for (int j = 0; j < j4; j += 4)
        {
            T* s0 = b + (long)(j0 + j) * ldb + p0, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
            T* d = dst + j;
            for (int p = 0; p < kc; p++, d += nr)
            {
                d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p];
            }
        }
        for (int j = j4; j < nr; j++)
        {
            T* d = dst + j;
            if (j >= cols) { for (int p = 0; p < kc; p++) d[p * nr] = default; continue; }
            T* src = b + (long)(j0 + j) * ldb + p0;
            for (int p = 0; p < kc; p++) d[p * nr] = src[p];
        }
    }
}
