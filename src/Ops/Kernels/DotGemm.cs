using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

/// <summary>Rows of an operand that run along the depth: row f, depth [p0, p0+count), contiguous.</summary>
internal unsafe interface IRowSource<T> where T : unmanaged
{
    /// <summary>Number of rows.</summary>
    int Rows { get; }

    /// <summary>A pointer to the count contiguous values of row f from depth p0: in place, or written to scratch.</summary>
    T* Row(int f, int p0, int count, T* scratch);
}

/// <summary>A row-major matrix read in place: row f at ptr + f·stride.</summary>
internal readonly unsafe struct MatrixRows<T>(T* ptr, long stride, int rows) : IRowSource<T> where T : unmanaged
{
    public int Rows => rows;
    public T* Row(int f, int p0, int count, T* scratch) => ptr + f * stride + p0;
}

// Note [Dot-product GEMM]
// C = A·Bᵀ with both operands contiguous along the depth (conv2d's weight gradient dY·colᵀ: both run
// over output positions) is computed as 4×4 blocks of dot products, vectorised along the depth, so
// neither operand is ever transposed or packed; a column-matrix row is cut from the image straight
// into a small scratch. Depth is taken in blocks of DepthBlock, each block's 16 vector sums reduced
// to scalars and added to C in block order: the result depends only on the shapes, never on threads.

/// <summary>C[m×n] (+)= A[m×k]·B[n×k]ᵀ for depth-contiguous operands (Note [Dot-product GEMM]).</summary>
internal static unsafe class DotGemm
{
    internal const int DepthBlock = 1024;

    internal static void Run<T, TA, TB>(int m, int n, int k, TA a, TB b, T* c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TA : struct, IRowSource<T> where TB : struct, IRowSource<T>
    {
        if (m == 0 || n == 0) return;
        if (!accumulate) for (int i = 0; i < m; i++) new Span<T>(c + (long)i * ldc, n).Clear();
        if (k == 0) return;
        switch (Simd.Best)
        {
            case Simd.Width.V512: Blocks<T, Vector512<T>, Simd512<T>, TA, TB>(m, n, k, a, b, c, ldc); break;
            case Simd.Width.V256: Blocks<T, Vector256<T>, Simd256<T>, TA, TB>(m, n, k, a, b, c, ldc); break;
            default: Blocks<T, Vector128<T>, Simd128<T>, TA, TB>(m, n, k, a, b, c, ldc); break;
        }
    }

    private static void Blocks<T, TV, S, TA, TB>(int m, int n, int k, TA a, TB b, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
        where TA : struct, IRowSource<T> where TB : struct, IRowSource<T>
    {
        // Groups of 4-column blocks on the pool's threads: each C element is summed by one item over the
        // depth blocks in order, so the result does not depend on the split (Note [Deterministic parallelism]).
        int colBlocks = (n + 3) / 4;
        int items = Math.Min(colBlocks, 4 * Threading.NumThreads);
        Parallelism.For(items, (long)m * n * k, item =>
            Columns<T, TV, S, TA, TB>(m, n, k, a, b, c, ldc, 4 * (int)((long)colBlocks * item / items), 4 * (int)((long)colBlocks * (item + 1) / items)));
    }

    private static void Columns<T, TV, S, TA, TB>(int m, int n, int k, TA a, TB b, T* c, int ldc, int jStart, int jEnd)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
        where TA : struct, IRowSource<T> where TB : struct, IRowSource<T>
    {
        int blockLen = Math.Min(DepthBlock, k);
        T* scratchB = stackalloc T[4 * blockLen];
        T* scratchA = stackalloc T[4 * blockLen];
        T* sums = stackalloc T[16];
        for (int q0 = 0; q0 < k; q0 += DepthBlock)
        {
            int qc = Math.Min(DepthBlock, k - q0);
            for (int j0 = jStart; j0 < Math.Min(jEnd, n); j0 += 4)
            {
                int nj = Math.Min(4, n - j0);
                // Missing rows of a ragged edge repeat row 0; their sums are never stored.
                T* b0 = b.Row(j0, q0, qc, scratchB);
                T* b1 = nj > 1 ? b.Row(j0 + 1, q0, qc, scratchB + blockLen) : b0;
                T* b2 = nj > 2 ? b.Row(j0 + 2, q0, qc, scratchB + 2 * blockLen) : b0;
                T* b3 = nj > 3 ? b.Row(j0 + 3, q0, qc, scratchB + 3 * blockLen) : b0;
                for (int i0 = 0; i0 < m; i0 += 4)
                {
                    int ni = Math.Min(4, m - i0);
                    T* a0 = a.Row(i0, q0, qc, scratchA);
                    T* a1 = ni > 1 ? a.Row(i0 + 1, q0, qc, scratchA + blockLen) : a0;
                    T* a2 = ni > 2 ? a.Row(i0 + 2, q0, qc, scratchA + 2 * blockLen) : a0;
                    T* a3 = ni > 3 ? a.Row(i0 + 3, q0, qc, scratchA + 3 * blockLen) : a0;
                    Tile<T, TV, S>(qc, a0, a1, a2, a3, b0, b1, b2, b3, sums);
                    for (int r = 0; r < ni; r++)
                        for (int s = 0; s < nj; s++) c[(long)(i0 + r) * ldc + j0 + s] += sums[r * 4 + s];
                }
            }
        }
    }

    // sums[r·4 + s] = Σ_p a_r[p]·b_s[p]: lanes accumulate p ≡ lane (mod width), reduced once, then the
    // tail past the last whole vector added in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T, TV, S>(int len, T* a0, T* a1, T* a2, T* a3, T* b0, T* b1, T* b2, T* b3, T* sums)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : ISimd<TV, T>
    {
        int l = S.Lanes, p = 0;
        TV s00 = S.Zero, s01 = S.Zero, s02 = S.Zero, s03 = S.Zero, s10 = S.Zero, s11 = S.Zero, s12 = S.Zero, s13 = S.Zero;
        TV s20 = S.Zero, s21 = S.Zero, s22 = S.Zero, s23 = S.Zero, s30 = S.Zero, s31 = S.Zero, s32 = S.Zero, s33 = S.Zero;
        for (; p <= len - l; p += l)
        {
            TV y0 = S.Load(ref b0[p]), y1 = S.Load(ref b1[p]), y2 = S.Load(ref b2[p]), y3 = S.Load(ref b3[p]);
            TV x = S.Load(ref a0[p]);
            s00 = S.MulAdd(x, y0, s00); s01 = S.MulAdd(x, y1, s01); s02 = S.MulAdd(x, y2, s02); s03 = S.MulAdd(x, y3, s03);
            x = S.Load(ref a1[p]);
            s10 = S.MulAdd(x, y0, s10); s11 = S.MulAdd(x, y1, s11); s12 = S.MulAdd(x, y2, s12); s13 = S.MulAdd(x, y3, s13);
            x = S.Load(ref a2[p]);
            s20 = S.MulAdd(x, y0, s20); s21 = S.MulAdd(x, y1, s21); s22 = S.MulAdd(x, y2, s22); s23 = S.MulAdd(x, y3, s23);
            x = S.Load(ref a3[p]);
            s30 = S.MulAdd(x, y0, s30); s31 = S.MulAdd(x, y1, s31); s32 = S.MulAdd(x, y2, s32); s33 = S.MulAdd(x, y3, s33);
        }
        sums[0] = S.Sum(s00); sums[1] = S.Sum(s01); sums[2] = S.Sum(s02); sums[3] = S.Sum(s03);
        sums[4] = S.Sum(s10); sums[5] = S.Sum(s11); sums[6] = S.Sum(s12); sums[7] = S.Sum(s13);
        sums[8] = S.Sum(s20); sums[9] = S.Sum(s21); sums[10] = S.Sum(s22); sums[11] = S.Sum(s23);
        sums[12] = S.Sum(s30); sums[13] = S.Sum(s31); sums[14] = S.Sum(s32); sums[15] = S.Sum(s33);
        for (; p < len; p++)
        {
            T x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
            T z0 = b0[p], z1 = b1[p], z2 = b2[p], z3 = b3[p];
            sums[0] += x0 * z0; sums[1] += x0 * z1; sums[2] += x0 * z2; sums[3] += x0 * z3;
            sums[4] += x1 * z0; sums[5] += x1 * z1; sums[6] += x1 * z2; sums[7] += x1 * z3;
            sums[8] += x2 * z0; sums[9] += x2 * z1; sums[10] += x2 * z2; sums[11] += x2 * z3;
            sums[12] += x3 * z0; sums[13] += x3 * z1; sums[14] += x3 * z2; sums[15] += x3 * z3;
        }
    }
}
