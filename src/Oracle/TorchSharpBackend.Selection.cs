using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

// The selection ops on libtorch. TorchSharp 0.107 has no scatter(dim, index, value) and no masked_fill with
// a tensor value: they are sent as scatter with a src full of the value (the same result and gradient of x)
// and as where(mask, value, x) (the same result and gradients), the way PyTorch's own decompositions do.
public sealed partial class TorchSharpBackend
{
    public OracleTensor FromInt64(long[] data, int[] shape) => Wrap(TorchApi.tensor((long[])data.Clone(), Longs(shape), TorchApi.ScalarType.Int64));
    public OracleTensor FromInt32(int[] data, int[] shape) => Wrap(TorchApi.tensor((int[])data.Clone(), Longs(shape), TorchApi.ScalarType.Int32));
    public OracleTensor FromBool(bool[] data, int[] shape) => Wrap(TorchApi.tensor((bool[])data.Clone(), Longs(shape), TorchApi.ScalarType.Bool));

    public OracleTensor Where(OracleTensor cond, OracleTensor a, OracleTensor b)
    {
        // TorchSharp refuses a non-bool condition itself (an ArgumentException); libtorch's own check says the same.
        if (U(cond).dtype != TorchApi.ScalarType.Bool)
            throw new TorchException($"where expected condition to be a boolean tensor, but got a tensor with dtype {U(cond).dtype}");
        return Op(() => TorchApi.where(U(cond), U(a), U(b)));
    }
    public OracleTensor MaskedFill(OracleTensor x, OracleTensor mask, double value) => Op(() => U(x).masked_fill(U(mask), value));

    public OracleTensor MaskedFill(OracleTensor x, OracleTensor mask, OracleTensor value)
    {
        var v = U(value);
        if (v.dim() != 0) throw new TorchException($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {v.dim()} dimension(s).");
        return Op(() => TorchApi.where(U(mask), v, U(x)));
    }

    public OracleTensor IndexSelect(OracleTensor x, int dim, OracleTensor index) => Op(() => U(x).index_select(dim, U(index)));
    public OracleTensor Gather(OracleTensor x, int dim, OracleTensor index) => Op(() => U(x).gather(dim, U(index)));
    public OracleTensor Scatter(OracleTensor x, int dim, OracleTensor index, OracleTensor src) => Op(() => U(x).scatter(dim, U(index), U(src)));

    public OracleTensor Scatter(OracleTensor x, int dim, OracleTensor index, double value)
    {
        var t = U(x);
        var full = Wrap(TorchApi.full(U(index).shape, value, t.dtype));
        return Op(() => t.scatter(dim, U(index), U(full)));
    }

    public OracleTensor ScatterAdd(OracleTensor x, int dim, OracleTensor index, OracleTensor src) => Op(() => U(x).scatter_add(dim, U(index), U(src)));
    public OracleTensor Argmax(OracleTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).argmax(d, keepDim) : Flat(U(x), keepDim, t => t.argmax()));
    public OracleTensor Argmin(OracleTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).argmin(d, keepDim) : Flat(U(x), keepDim, t => t.argmin()));

    public (OracleTensor Values, OracleTensor Indices) Topk(OracleTensor x, int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        var (v, i) = Run(() => U(x).topk(k, dim, largest, sorted));
        return (Wrap(v), Wrap(i));
    }

    public (OracleTensor Values, OracleTensor Indices) Sort(OracleTensor x, int dim = -1, bool descending = false, bool stable = false)
    {
        var (v, i) = Run(() => U(x).sort(dim, descending, stable));
        return (Wrap(v), Wrap(i));
    }

    public OracleTensor Any(OracleTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).any(d, keepDim) : U(x).any());
    public OracleTensor All(OracleTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).all(d, keepDim) : U(x).all());
    public OracleTensor Clamp(OracleTensor x, OracleTensor? min, OracleTensor? max) => Op(() => TorchApi.clamp(U(x), Opt(min)!, Opt(max)!));

    /// <summary>argmax/argmin without a dim; keepdim gives the all-ones shape, as PyTorch's argmax(keepdim=True).</summary>
    private static TorchTensor Flat(TorchTensor x, bool keepDim, Func<TorchTensor, TorchTensor> f)
    {
        var r = f(x);
        if (!keepDim) return r;
        using (r) return r.reshape(x.shape.Select(_ => 1L).ToArray());
    }

    /// <summary>Our dtype of any TorchSharp dtype we have (index and mask results too).</summary>
    private static DType AnyDTypeOf(TorchApi.ScalarType t) => t switch
    {
        TorchApi.ScalarType.Int64 => DType.Int64,
        TorchApi.ScalarType.Int32 => DType.Int32,
        TorchApi.ScalarType.Bool => DType.Bool,
        TorchApi.ScalarType.Byte => DType.UInt8,
        _ => TorchConversions.DTypeOf(t, "TorchSharpBackend"),
    };

    /// <summary>The values as double, for integer and bool tensors too (true is 1).</summary>
    private static double[] AnyValues(TorchTensor t)
    {
        if (t.dtype is TorchApi.ScalarType.Float32 or TorchApi.ScalarType.Float64 or TorchApi.ScalarType.Int64) return TorchConversions.ReadDoubles(t);
        using var wide = t.to(TorchApi.ScalarType.Int64);
        return TorchConversions.ReadDoubles(wide);
    }
}
