namespace Autograd.Oracle;

public sealed partial class AutogradBackend
{
    public OracleTensor Cat(OracleTensor[] tensors, int dim = 0) => Wrap(F.Cat(tensors.Select(U).ToArray(), dim));
    public OracleTensor Stack(OracleTensor[] tensors, int dim = 0) => Wrap(F.Stack(tensors.Select(U).ToArray(), dim));
    public OracleTensor[] Split(OracleTensor x, int splitSize, int dim = 0) => All(F.Split(U(x), splitSize, dim));
    public OracleTensor[] Split(OracleTensor x, int[] sections, int dim = 0) => All(F.Split(U(x), sections, dim));
    public OracleTensor[] Chunk(OracleTensor x, int chunks, int dim = 0) => All(F.Chunk(U(x), chunks, dim));
    public OracleTensor Narrow(OracleTensor x, int dim, int start, int length) => Wrap(F.Narrow(U(x), dim, start, length));
    public OracleTensor[] Unbind(OracleTensor x, int dim = 0) => All(F.Unbind(U(x), dim));
    public OracleTensor Expand(OracleTensor x, int[] sizes) => Wrap(F.Expand(U(x), sizes));
    public OracleTensor Repeat(OracleTensor x, int[] repeats) => Wrap(F.Repeat(U(x), repeats));
    public OracleTensor Flip(OracleTensor x, int[] dims) => Wrap(F.Flip(U(x), dims));
    public OracleTensor Roll(OracleTensor x, int[] shifts, int[] dims) => Wrap(F.Roll(U(x), shifts, dims));

    private static OracleTensor[] All(Tensor[] pieces) => pieces.Select(Wrap).ToArray();
}
