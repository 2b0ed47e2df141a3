using TorchApi = TorchSharp.torch;
using TorchIndex = TorchSharp.torch.TensorIndex;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

// Indexing on libtorch: our TensorIndex translated to TorchSharp's (at::indexing::TensorIndex, so libtorch's
// own __getitem__/__setitem__ rules apply: applySlicing, then index / index_put_).
public sealed partial class TorchSharpBackend
{
    public OracleTensor Index(OracleTensor x, TensorIndex[] indices) => Op(() => Guard(() => U(x).index(Translate(indices))));

    public OracleTensor SetIndex(OracleTensor x, TensorIndex[] indices, OracleTensor values)
    {
        Keep(Run(() => Guard(() => U(x).index_put_(U(values), Translate(indices)))));
        return x;
    }

    public OracleTensor SetIndex(OracleTensor x, TensorIndex[] indices, double value)
    {
        Keep(Run(() => Guard(() => U(x).index_put_(value, Translate(indices)))));
        return x;
    }

    public OracleTensor IndexPut_(OracleTensor x, Tensor[] indices, OracleTensor values, bool accumulate = false)
    {
        var t = U(x);
        var idx = indices.Select(Own).ToArray();
        if (!accumulate)
        {
            Keep(Run(() => Guard(() => t.index_put_(U(values), idx.Select(TorchIndex.Tensor).ToArray()))));
            return x;
        }
        // index_put_(accumulate=True) as index_add_ over the flat positions the index tensors pick
        long[] shape = t.shape;
        Keep(Run(() => Guard(() =>
        {
            TorchTensor flat, src;
            if (idx.Length == 1)
            {
                long[] rest = shape[1..];
                flat = Keep(idx[0].flatten());
                src = Keep(Keep(U(values).expand([.. idx[0].shape, .. rest])).reshape([-1, .. rest]));
                return t.index_add_(0, flat, src, 1);
            }
            if (idx.Length != shape.Length) throw new NotSupportedException("IndexPut_ with accumulate: one index tensor, or one per dim");
            flat = Keep(TorchApi.zeros(1, TorchApi.ScalarType.Int64));
            long stride = 1;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                flat = Keep(flat.add(Keep(Keep(idx[d].remainder(shape[d])).mul(stride))));
                stride *= shape[d];
            }
            src = Keep(Keep(U(values).expand(flat.shape)).reshape(-1));
            var view = Keep(t.view(-1));
            return view.index_add_(0, Keep(flat.reshape(-1)), src, 1);
        })));
        return x;
    }

    private TorchIndex[] Translate(TensorIndex[] indices)
    {
        // libtorch's slice asserts on a step that is not positive and TorchSharp does not catch it (the process
        // terminates); PyTorch's Python layer rejects it first: "step must be greater than zero".
        if (indices.Any(ix => ix.IndexKind == TensorIndex.Kind.Slice && ix.Step <= 0))
            throw new OracleGuardException("oracle guard: a slice step that is not positive; PyTorch rejects it (step must be greater than zero), and TorchSharp would terminate the process",
                "slice step <= 0: PyTorch rejects it, TorchSharp terminates on it", libtorchRejects: true);
        return indices.Select(ix => ix.IndexKind switch
    {
        TensorIndex.Kind.Single => TorchIndex.Single(ix.FromEnd ? -ix.Value : ix.Value),
        TensorIndex.Kind.Slice => TorchIndex.Slice(Bound(ix.Start, ix.StartFromEnd, start: true), Bound(ix.Stop, ix.StopFromEnd, start: false), ix.Step),
        TensorIndex.Kind.None => TorchIndex.None,
        TensorIndex.Kind.Ellipsis => TorchIndex.Ellipsis,
        _ => TorchIndex.Tensor(Own(ix.Indices!)),
    }).ToArray();
    }

    // ^0 is the size: no stop at all, or a start past the end (libtorch clamps it).
    private static long? Bound(long? v, bool fromEnd, bool start) => v is not { } b ? null : !fromEnd ? b : b != 0 ? -b : start ? long.MaxValue : null;

    /// <summary>A libtorch copy of one of our index tensors (int64, int32, bool, uint8, or a float one for the error cases).</summary>
    private TorchTensor Own(Tensor t)
    {
        long[] s = Longs(t.Dims);
        var r = t.DType switch
        {
            DType.Int64 => TorchApi.tensor(t.ToArray<long>(), s),
            DType.Int32 => TorchApi.tensor(t.ToArray<int>(), s),
            DType.Bool => TorchApi.tensor(t.ToArray<bool>(), s),
            DType.UInt8 => TorchApi.tensor(t.ToArray<byte>(), s),
            DType.Float32 => TorchApi.tensor(t.ToArray<float>(), s),
            _ => TorchApi.tensor(t.ToArray<double>(), s),
        };
        return Keep(r);
    }

    private TorchTensor Keep(TorchTensor t)
    {
        _owned.Add(t);
        return t;
    }

    /// <summary>Any rejection on TorchSharp's side (its own argument checks as well as libtorch's) as a TorchException.</summary>
    private static TorchTensor Guard(Func<TorchTensor> call)
    {
        try { return call(); }
        catch (Exception e) when (e is not TorchException and not System.Runtime.InteropServices.ExternalException and not NotSupportedException and not OracleGuardException) { throw new TorchException(e.Message); }
    }
}
