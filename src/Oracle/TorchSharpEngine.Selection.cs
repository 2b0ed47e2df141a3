using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

// The selection ops on libtorch. TorchSharp 0.107 has no scatter(dim, index, value) and no masked_fill with
// a tensor value: they are sent as scatter with a src full of the value (the same result and gradient of x)
// and as where(mask, value, x) (the same result and gradients), the way PyTorch's own decompositions do.
public sealed partial class TorchSharpEngine
{
    public EngineTensor FromInt64(long[] data, int[] shape) => Wrap(TorchApi.tensor((long[])data.Clone(), Longs(shape), TorchApi.ScalarType.Int64));
    public EngineTensor FromInt32(int[] data, int[] shape) => Wrap(TorchApi.tensor((int[])data.Clone(), Longs(shape), TorchApi.ScalarType.Int32));
    public EngineTensor FromBool(bool[] data, int[] shape) => Wrap(TorchApi.tensor((bool[])data.Clone(), Longs(shape), TorchApi.ScalarType.Bool));

    public EngineTensor Where(EngineTensor cond, EngineTensor a, EngineTensor b)
    {
        // TorchSharp refuses a non-bool condition itself (an ArgumentException); libtorch's own check says the same.
        if (U(cond).dtype != TorchApi.ScalarType.Bool)
            throw new TorchException($"where expected condition to be a boolean tensor, but got a tensor with dtype {U(cond).dtype}");
        return Op(() => TorchApi.where(U(cond), U(a), U(b)));
    }
    public EngineTensor MaskedFill(EngineTensor x, EngineTensor mask, double value) => Op(() => U(x).masked_fill(U(mask), value));

    public EngineTensor MaskedFill(EngineTensor x, EngineTensor mask, EngineTensor value)
    {
        var v = U(value);
        if (v.dim() != 0) throw new TorchException($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {v.dim()} dimension(s).");
        return Op(() => TorchApi.where(U(mask), v, U(x)));
    }

    public EngineTensor IndexSelect(EngineTensor x, int dim, EngineTensor index) => Op(() => U(x).index_select(dim, U(index)));
    public EngineTensor Gather(EngineTensor x, int dim, EngineTensor index) => Op(() => U(x).gather(dim, U(index)));
    public EngineTensor Scatter(EngineTensor x, int dim, EngineTensor index, EngineTensor src) => Op(() => U(x).scatter(dim, U(index), U(src)));

    public EngineTensor Scatter(EngineTensor x, int dim, EngineTensor index, double value)
    {
        var t = U(x);
        var full = Wrap(TorchApi.full(U(index).shape, value, t.dtype));
        return Op(() => t.scatter(dim, U(index), U(full)));
    }

    public EngineTensor ScatterAdd(EngineTensor x, int dim, EngineTensor index, EngineTensor src) => Op(() => U(x).scatter_add(dim, U(index), U(src)));
    public EngineTensor Argmax(EngineTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).argmax(d, keepDim) : Flat(U(x), keepDim, t => t.argmax()));
    public EngineTensor Argmin(EngineTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).argmin(d, keepDim) : Flat(U(x), keepDim, t => t.argmin()));

    public (EngineTensor Values, EngineTensor Indices) Topk(EngineTensor x, int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        var (v, i) = Run(() => U(x).topk(k, dim, largest, sorted));
        return (Wrap(v), Wrap(i));
    }

    public (EngineTensor Values, EngineTensor Indices) Sort(EngineTensor x, int dim = -1, bool descending = false, bool stable = false)
    {
        var (v, i) = Run(() => U(x).sort(dim, descending, stable));
        return (Wrap(v), Wrap(i));
    }

    public EngineTensor Any(EngineTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).any(d, keepDim) : U(x).any());
    public EngineTensor All(EngineTensor x, int? dim = null, bool keepDim = false) => Op(() => dim is { } d ? U(x).all(d, keepDim) : U(x).all());
    public EngineTensor Clamp(EngineTensor x, EngineTensor? min, EngineTensor? max) => Op(() => TorchApi.clamp(U(x), Opt(min)!, Opt(max)!));

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
        _ => TorchConversions.DTypeOf(t, "TorchSharpEngine"),
    };

    /// <summary>The values as double, for integer and bool tensors too (true is 1).</summary>
    private static double[] AnyValues(TorchTensor t)
    {
        if (t.dtype is TorchApi.ScalarType.Float32 or TorchApi.ScalarType.Float64 or TorchApi.ScalarType.Int64) return TorchConversions.ReadDoubles(t);
        using var wide = t.to(TorchApi.ScalarType.Int64);
        return TorchConversions.ReadDoubles(wide);
    }
}
