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
        a.RequireFloating("matmul", "input");
        b.RequireFloating("matmul", "other");
        var p = MatmulPlan.Create(a, b);
        var y = Tensor.Empty(a.DType, p.OutShape);
        if (a.DType == DType.Float32) p.Forward<float>(a.Array<float>(), b.Array<float>(), y.Array<float>());
        else p.Forward<double>(a.Array<double>(), b.Array<double>(), y.Array<double>());
        if (!Node.NeedsGrad([a, b])) return y;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(y, p.NodeName, [a, b], g =>
        {
            if (GradMode.IsEnabled) return MatmulGrad(g, a, b, ga, gb);   // createGraph: recorded ops
            Tensor? da = null, db = null;
            if (ga) da = Tensor.Empty(a.DType, a.Dims);
            if (gb) db = Tensor.Empty(b.DType, b.Dims);
            if (a.DType == DType.Float32) p.Backward<float>(g.Array<float>(), a.Array<float>(), b.Array<float>(), da?.Array<float>(), db?.Array<float>());
            else p.Backward<double>(g.Array<double>(), a.Array<double>(), b.Array<double>(), da?.Array<double>(), db?.Array<double>());
            return [da, db];
        }, saved: [gb ? a : null, ga ? b : null], differentiable: true);
    }

    /// <summary>
    /// The matmul gradients written with recorded ops (Note [Double backward]): a 1-D operand becomes a
    /// 1×k row or k×1 column, dA = dY·Bᵀ and dB = Aᵀ·dY per batch, summed down to the operand's batch
    /// dims and viewed back to its shape. 1-D · 1-D and 2-D · 1-D take the products PyTorch uses there
    /// (dot: g·b and g·a; mv: the outer product g ⊗ b and Aᵀ·g), so the nodes are named as in PyTorch.
    /// </summary>
    private static Tensor?[] MatmulGrad(Tensor g, Tensor a, Tensor b, bool ga, bool gb)
    {
        if (a.Rank == 1 && b.Rank == 1) return [ga ? Mul(g, b) : null, gb ? Mul(g, a) : null];
        int[] a2 = a.Rank == 1 ? [1, a.Dims[0]] : a.Dims, b2 = b.Rank == 1 ? [b.Dims[0], 1] : b.Dims;
        var ma = a.Rank == 1 ? AsShape(a, a2) : a;
        var mb = b.Rank == 1 ? AsShape(b, b2) : b;
        int batchRank = g.Rank - (a.Rank == 1 ? 0 : 1) - (b.Rank == 1 ? 0 : 1);
        var mg = a.Rank == 1 || b.Rank == 1 ? AsShape(g, [.. g.Dims[..batchRank], a2[^2], b2[^1]]) : g;
        Tensor? da = null, db = null;
        if (ga)
            da = a.Rank == 2 && b.Rank == 1
                ? Mul(mg, AsShape(b, [1, b.Dims[0]]))   // outer product g ⊗ b
                : Back(SumToSize(Matmul(mg, Transpose(mb, -1, -2)), a2), a);
        if (gb)
            db = a.Rank == 2 && b.Rank == 1
                ? Matmul(Transpose(a, 0, 1), g)   // Aᵀ·g, a matrix-vector product as in PyTorch
                : Back(SumToSize(Matmul(Transpose(ma, -1, -2), mg), b2), b);
        return [da, db];

        static Tensor Back(Tensor d, Tensor x) => x.Rank == 1 ? AsShape(d, x.Dims) : d;
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

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Matmul ops in <see cref="F"/>.</summary>
public static class TensorMatmulExtensions
{
    extension(Tensor a)
    {
        /// <summary>tensor.matmul(other).</summary>
        public Tensor Matmul(Tensor b) => F.Matmul(a, b);
    }
}
