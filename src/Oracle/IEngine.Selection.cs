namespace Autograd.Oracle;

// Selection ops (src/Ops/Selection): where, masked_fill, index_select, gather, scatter, scatter_add,
// argmax/argmin, topk, sort, any/all and clamp with tensor bounds; plus int64 and bool leaves to build
// index tensors and masks identically on both engines.
public partial interface IEngine
{
    /// <summary>An int64 tensor (indices) holding <paramref name="data"/>.</summary>
    EngineTensor FromInt64(long[] data, int[] shape);

    /// <summary>An int32 tensor holding <paramref name="data"/> (to check which ops accept int32 indices).</summary>
    EngineTensor FromInt32(int[] data, int[] shape);

    /// <summary>A bool tensor (a mask or condition) holding <paramref name="data"/>.</summary>
    EngineTensor FromBool(bool[] data, int[] shape);

    EngineTensor Where(EngineTensor cond, EngineTensor a, EngineTensor b);
    EngineTensor MaskedFill(EngineTensor x, EngineTensor mask, double value);

    /// <summary>masked_fill with a 0-dim tensor value (differentiable in the value).</summary>
    EngineTensor MaskedFill(EngineTensor x, EngineTensor mask, EngineTensor value);

    EngineTensor IndexSelect(EngineTensor x, int dim, EngineTensor index);
    EngineTensor Gather(EngineTensor x, int dim, EngineTensor index);
    EngineTensor Scatter(EngineTensor x, int dim, EngineTensor index, EngineTensor src);
    EngineTensor Scatter(EngineTensor x, int dim, EngineTensor index, double value);
    EngineTensor ScatterAdd(EngineTensor x, int dim, EngineTensor index, EngineTensor src);

    /// <summary>torch.argmax: an int64 tensor.</summary>
    EngineTensor Argmax(EngineTensor x, int? dim = null, bool keepDim = false);

    /// <summary>torch.argmin: an int64 tensor.</summary>
    EngineTensor Argmin(EngineTensor x, int? dim = null, bool keepDim = false);

    (EngineTensor Values, EngineTensor Indices) Topk(EngineTensor x, int k, int dim = -1, bool largest = true, bool sorted = true);
    (EngineTensor Values, EngineTensor Indices) Sort(EngineTensor x, int dim = -1, bool descending = false, bool stable = false);

    /// <summary>torch.any over everything (dim null) or one dim: a bool tensor.</summary>
    EngineTensor Any(EngineTensor x, int? dim = null, bool keepDim = false);

    /// <summary>torch.all over everything (dim null) or one dim: a bool tensor.</summary>
    EngineTensor All(EngineTensor x, int? dim = null, bool keepDim = false);

    /// <summary>torch.clamp with tensor bounds (broadcast with x); at least one must be given.</summary>
    EngineTensor Clamp(EngineTensor x, EngineTensor? min, EngineTensor? max);
}
