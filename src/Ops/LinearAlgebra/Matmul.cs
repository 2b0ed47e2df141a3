using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Y = A · B per batch (batch dims broadcast):  dA = dY · Bᵀ,  dB = Aᵀ · dY,
// each summed over the batches its operand was broadcast across. A 1-D A is a 1×k row and a 1-D B a
// k×1 column whose added dim is dropped from the result, as in torch.matmul.
// Note [Matmul node names]
// PyTorch builds batched and vector cases out of several nodes (unsqueeze, mm, squeeze, unsafe views).
// Here one node covers the call, named after the kernel PyTorch would pick: DotBackward0 (1-D · 1-D),
// MvBackward0 (2-D · 1-D), MmBackward0 (2-D · 2-D and 1-D · 2-D), BmmBackward0 (anything batched).
public static partial class F
{
    /// <summary>torch.matmul: dot, matrix-vector, matrix-matrix or batched product with broadcast batch dims.</summary>
    public static Tensor Matmul(Tensor a, Tensor b)
    {
        var p = MatmulPlan.Create(a, b);
        var y = Tensor.Empty(a.DType, p.OutShape);
        if (a.DType == DType.Float32) p.Forward<float>(a.Array<float>(), b.Array<float>(), y.Array<float>());
        else p.Forward<double>(a.Array<double>(), b.Array<double>(), y.Array<double>());
        if (!Node.NeedsGrad([a, b])) return y;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(y, p.NodeName, [a, b], g =>
        {
            Tensor? da = null, db = null;
            if (ga) da = Tensor.Empty(a.DType, a.Dims);
            if (gb) db = Tensor.Empty(b.DType, b.Dims);
            if (a.DType == DType.Float32) p.Backward<float>(g.Array<float>(), a.Array<float>(), b.Array<float>(), da?.Array<float>(), db?.Array<float>());
            else p.Backward<double>(g.Array<double>(), a.Array<double>(), b.Array<double>(), da?.Array<double>(), db?.Array<double>());
            return [da, db];
        }, saved: [gb ? a : null, ga ? b : null]);
    }
}

/// <summary>Shapes, batch offsets and the GEMM calls of one matmul; immutable, shared by forward and backward.</summary>
internal sealed class MatmulPlan
{
    private readonly int _n, _k, _m;             // A is n×k, B is k×m in every batch
    private readonly int[] _offA, _offB;         // element offsets of each output batch's operands
    private readonly bool _aUnique, _bUnique;    // no batch of the operand is used twice (not broadcast)

    internal int[] OutShape { get; }
    internal string NodeName { get; }

    private MatmulPlan(Tensor a, Tensor b)
    {
        bool aVec = a.Rank == 1, bVec = b.Rank == 1;
        _n = aVec ? 1 : a.Dims[^2];
        _k = a.Dims[^1];
        int kb = bVec ? b.Dims[0] : b.Dims[^2];
        _m = bVec ? 1 : b.Dims[^1];
        if (_k != kb)
            throw new ArgumentException(aVec && bVec
                ? $"matmul: inconsistent tensor size, expected tensor [{_k}] and src [{kb}] to have the same number of elements, but got {_k} and {kb} elements respectively"
                : $"matmul: mat1 and mat2 shapes cannot be multiplied ({_n}x{_k} and {kb}x{_m}); shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)}");
        int[] batchA = a.Rank > 2 ? a.Dims[..^2] : [], batchB = b.Rank > 2 ? b.Dims[..^2] : [];
        int[] batch = ShapeUtil.Broadcast(batchA, batchB, "matmul");
        OutShape = [.. batch, .. aVec ? Array.Empty<int>() : [_n], .. bVec ? Array.Empty<int>() : [_m]];
        NodeName = batch.Length > 0 ? "BmmBackward0" : aVec && bVec ? "DotBackward0" : bVec ? "MvBackward0" : "MmBackward0";

        int count = ShapeUtil.Numel(batch);
        _offA = Offsets(batchA, batch, count, _n * _k);
        _offB = Offsets(batchB, batch, count, _k * _m);
        _aUnique = ShapeUtil.Numel(batchA) == count;
        _bUnique = ShapeUtil.Numel(batchB) == count;
    }

    /// <summary>Validates the operands (before any work) and plans the product.</summary>
    internal static MatmulPlan Create(Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"matmul: both arguments to matmul need to be at least 1D, but they are {a.Rank}D and {b.Rank}D");
        if (a.DType != b.DType)
            throw new ArgumentException($"matmul: expected both arguments to have the same dtype, but got {a.DType} and {b.DType}");
        return new MatmulPlan(a, b);
    }

    /// <summary>For each batch of the broadcast shape, the start of the operand's matrix.</summary>
    private static int[] Offsets(int[] own, int[] batch, int count, int matrixSize)
    {
        var strides = Broadcast.Strides(own, batch);
        var offs = new int[count];
        var idx = new int[batch.Length];
        for (int i = 0, off = 0; i < count; i++)
        {
            offs[i] = off * matrixSize;
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                idx[d]++; off += strides[d];
                if (idx[d] < batch[d]) break;
                off -= strides[d] * idx[d]; idx[d] = 0;
            }
        }
        return offs;
    }

    internal void Forward<T>(T[] a, T[] b, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length == 0) return;
        For(_offA.Length, disjoint: true, i =>
            Gemm.Run<T>(false, false, _n, _m, _k, a.AsSpan(_offA[i]), _k, b.AsSpan(_offB[i]), _m, y.AsSpan(i * _n * _m), _m, accumulate: false));
    }

    /// <summary>dA = dY · Bᵀ and dB = Aᵀ · dY per batch, accumulated where a batch was broadcast.</summary>
    internal void Backward<T>(T[] g, T[] a, T[] b, T[]? da, T[]? db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Buffers are zeroed; a broadcast operand's gradient sums over batches in order, one at a time,
        // so the result does not depend on the thread count.
        if (da is not null)
            For(_offA.Length, _aUnique, i =>
                Gemm.Run<T>(false, true, _n, _k, _m, g.AsSpan(i * _n * _m), _m, b.AsSpan(_offB[i]), _m, da.AsSpan(_offA[i]), _k, accumulate: true));
        if (db is not null)
            For(_offB.Length, _bUnique, i =>
                Gemm.Run<T>(true, false, _k, _m, _n, a.AsSpan(_offA[i]), _k, g.AsSpan(i * _n * _m), _m, db.AsSpan(_offB[i]), _m, accumulate: true));
    }

    /// <summary>
    /// Runs the batches over threads when they write disjoint memory and each product is too small for
    /// Gemm to go parallel by itself; otherwise in order (Note [Deterministic parallelism]).
    /// </summary>
    private void For(int count, bool disjoint, Action<int> body)
    {
        long perBatch = (long)_n * _k * _m;
        if (disjoint && perBatch < Parallelism.MinParallelWork) Parallelism.For(count, perBatch * count, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}

public static class TensorMatmulExtensions
{
    extension(Tensor a)
    {
        /// <summary>tensor.matmul(other).</summary>
        public Tensor Matmul(Tensor b) => F.Matmul(a, b);
    }
}
