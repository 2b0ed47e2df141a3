namespace Autograd.Oracle;

// Selection ops (src/Ops/Selection): where, masked_fill, index_select, gather, scatter, scatter_add,
// argmax/argmin, topk, sort, any/all and clamp with tensor bounds; plus int64 and bool leaves to build
// index tensors and masks identically on both engines.
public partial interface IOracleBackend
{
    /// <summary>An int64 tensor (indices) holding <paramref name="data"/>.</summary>
    OracleTensor FromInt64(long[] data, int[] shape);

    /// <summary>An int32 tensor holding <paramref name="data"/> (to check which ops accept int32 indices).</summary>
    OracleTensor FromInt32(int[] data, int[] shape);

    /// <summary>A bool tensor (a mask or condition) holding <paramref name="data"/>.</summary>
    OracleTensor FromBool(bool[] data, int[] shape);

    OracleTensor Where(OracleTensor cond, OracleTensor a, OracleTensor b);
    OracleTensor MaskedFill(OracleTensor x, OracleTensor mask, double value);

    /// <summary>masked_fill with a 0-dim tensor value (differentiable in the value).</summary>
    OracleTensor MaskedFill(OracleTensor x, OracleTensor mask, OracleTensor value);

    OracleTensor IndexSelect(OracleTensor x, int dim, OracleTensor index);
    OracleTensor Gather(OracleTensor x, int dim, OracleTensor index);
    OracleTensor Scatter(OracleTensor x, int dim, OracleTensor index, OracleTensor src);
    OracleTensor Scatter(OracleTensor x, int dim, OracleTensor index, double value);
    OracleTensor ScatterAdd(OracleTensor x, int dim, OracleTensor index, OracleTensor src);

    /// <summary>torch.argmax: an int64 tensor.</summary>
    OracleTensor Argmax(OracleTensor x, int? dim = null, bool keepDim = false);

    /// <summary>torch.argmin: an int64 tensor.</summary>
    OracleTensor Argmin(OracleTensor x, int? dim = null, bool keepDim = false);

    (OracleTensor Values, OracleTensor Indices) Topk(OracleTensor x, int k, int dim = -1, bool largest = true, bool sorted = true);
    (OracleTensor Values, OracleTensor Indices) Sort(OracleTensor x, int dim = -1, bool descending = false, bool stable = false);

    /// <summary>torch.any over everything (dim null) or one dim: a bool tensor.</summary>
    OracleTensor Any(OracleTensor x, int? dim = null, bool keepDim = false);

    /// <summary>torch.all over everything (dim null) or one dim: a bool tensor.</summary>
    OracleTensor All(OracleTensor x, int? dim = null, bool keepDim = false);

    /// <summary>torch.clamp with tensor bounds (broadcast with x); at least one must be given.</summary>
    OracleTensor Clamp(OracleTensor x, OracleTensor? min, OracleTensor? max);
}
