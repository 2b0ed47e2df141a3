namespace Autograd.Oracle;

// The selection ops on our engine.
public sealed partial class AutogradBackend
{
    public OracleTensor FromInt64(long[] data, int[] shape) => Wrap(Tensor.From(data, shape));
    public OracleTensor FromInt32(int[] data, int[] shape) => Wrap(Tensor.From(data, shape));
    public OracleTensor FromBool(bool[] data, int[] shape) => Wrap(Tensor.From(data, shape));

    public OracleTensor Where(OracleTensor cond, OracleTensor a, OracleTensor b) => Wrap(F.Where(U(cond), U(a), U(b)));
    public OracleTensor MaskedFill(OracleTensor x, OracleTensor mask, double value) => Wrap(F.MaskedFill(U(x), U(mask), value));
    public OracleTensor MaskedFill(OracleTensor x, OracleTensor mask, OracleTensor value) => Wrap(F.MaskedFill(U(x), U(mask), U(value)));
    public OracleTensor IndexSelect(OracleTensor x, int dim, OracleTensor index) => Wrap(F.IndexSelect(U(x), dim, U(index)));
    public OracleTensor Gather(OracleTensor x, int dim, OracleTensor index) => Wrap(F.Gather(U(x), dim, U(index)));
    public OracleTensor Scatter(OracleTensor x, int dim, OracleTensor index, OracleTensor src) => Wrap(F.Scatter(U(x), dim, U(index), U(src)));
    public OracleTensor Scatter(OracleTensor x, int dim, OracleTensor index, double value) => Wrap(F.Scatter(U(x), dim, U(index), value));
    public OracleTensor ScatterAdd(OracleTensor x, int dim, OracleTensor index, OracleTensor src) => Wrap(F.ScatterAdd(U(x), dim, U(index), U(src)));
    public OracleTensor Argmax(OracleTensor x, int? dim = null, bool keepDim = false) => Wrap(F.Argmax(U(x), dim, keepDim));
    public OracleTensor Argmin(OracleTensor x, int? dim = null, bool keepDim = false) => Wrap(F.Argmin(U(x), dim, keepDim));

    public (OracleTensor Values, OracleTensor Indices) Topk(OracleTensor x, int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        var (v, i) = F.Topk(U(x), k, dim, largest, sorted);
        return (Wrap(v), Wrap(i));
    }

    public (OracleTensor Values, OracleTensor Indices) Sort(OracleTensor x, int dim = -1, bool descending = false, bool stable = false)
    {
        var (v, i) = F.Sort(U(x), dim, descending, stable);
        return (Wrap(v), Wrap(i));
    }

    public OracleTensor Any(OracleTensor x, int? dim = null, bool keepDim = false) => Wrap(dim is { } d ? F.Any(U(x), d, keepDim) : F.Any(U(x)));
    public OracleTensor All(OracleTensor x, int? dim = null, bool keepDim = false) => Wrap(dim is { } d ? F.All(U(x), d, keepDim) : F.All(U(x)));
    public OracleTensor Clamp(OracleTensor x, OracleTensor? min, OracleTensor? max) => Wrap(F.Clamp(U(x), Opt(min), Opt(max)));
}
