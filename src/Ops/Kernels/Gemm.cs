using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Kernels;

/// <summary>
/// General matrix multiply on row-major buffers: C[m×n] = op(A)[m×k] · op(B)[k×n] (+ C when
/// accumulating), op = transpose when the flag is set. Shared by matmul, linear and conv2d.
/// </summary>
internal static class Gemm
{
    internal static void Run<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!accumulate)
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        if (m == 0 || n == 0 || k == 0) return;

        // Rows of B must be contiguous for the inner axpy; a transposed B is packed once.
        T[]? packed = null;
        if (transB)
        {
            packed = new T[k * n];
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) packed[p * n + j] = b[j * ldb + p];
            b = packed;
            ldb = n;
        }
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            for (int p = 0; p < k; p++)
            {
                T aip = transA ? a[p * lda + i] : a[i * lda + p];
                if (aip == T.Zero) continue;
                TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), aip, ci, ci);
            }
        }
    }
}
