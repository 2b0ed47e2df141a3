namespace Autograd.Oracle;

// The selection ops on our engine.
public sealed partial class AutogradEngine
{
    public EngineTensor FromInt64(long[] data, int[] shape) => Wrap(Tensor.From(data, shape));
    public EngineTensor FromInt32(int[] data, int[] shape) => Wrap(Tensor.From(data, shape));
    public EngineTensor FromBool(bool[] data, int[] shape) => Wrap(Tensor.From(data, shape));

    public EngineTensor Where(EngineTensor cond, EngineTensor a, EngineTensor b) => Wrap(F.Where(U(cond), U(a), U(b)));
    public EngineTensor MaskedFill(EngineTensor x, EngineTensor mask, double value) => Wrap(F.MaskedFill(U(x), U(mask), value));
    public EngineTensor MaskedFill(EngineTensor x, EngineTensor mask, EngineTensor value) => Wrap(F.MaskedFill(U(x), U(mask), U(value)));
    public EngineTensor IndexSelect(EngineTensor x, int dim, EngineTensor index) => Wrap(F.IndexSelect(U(x), dim, U(index)));
    public EngineTensor Gather(EngineTensor x, int dim, EngineTensor index) => Wrap(F.Gather(U(x), dim, U(index)));
    public EngineTensor Scatter(EngineTensor x, int dim, EngineTensor index, EngineTensor src) => Wrap(F.Scatter(U(x), dim, U(index), U(src)));
    public EngineTensor Scatter(EngineTensor x, int dim, EngineTensor index, double value) => Wrap(F.Scatter(U(x), dim, U(index), value));
    public EngineTensor ScatterAdd(EngineTensor x, int dim, EngineTensor index, EngineTensor src) => Wrap(F.ScatterAdd(U(x), dim, U(index), U(src)));
    public EngineTensor Argmax(EngineTensor x, int? dim = null, bool keepDim = false) => Wrap(F.Argmax(U(x), dim, keepDim));
    public EngineTensor Argmin(EngineTensor x, int? dim = null, bool keepDim = false) => Wrap(F.Argmin(U(x), dim, keepDim));

    public (EngineTensor Values, EngineTensor Indices) Topk(EngineTensor x, int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        var (v, i) = F.Topk(U(x), k, dim, largest, sorted);
        return (Wrap(v), Wrap(i));
    }

    public (EngineTensor Values, EngineTensor Indices) Sort(EngineTensor x, int dim = -1, bool descending = false, bool stable = false)
    {
        var (v, i) = F.Sort(U(x), dim, descending, stable);
        return (Wrap(v), Wrap(i));
    }

    public EngineTensor Any(EngineTensor x, int? dim = null, bool keepDim = false) => Wrap(dim is { } d ? F.Any(U(x), d, keepDim) : F.Any(U(x)));
    public EngineTensor All(EngineTensor x, int? dim = null, bool keepDim = false) => Wrap(dim is { } d ? F.All(U(x), d, keepDim) : F.All(U(x)));
    public EngineTensor Clamp(EngineTensor x, EngineTensor? min, EngineTensor? max) => Wrap(F.Clamp(U(x), Opt(min), Opt(max)));
}
