namespace Autograd.Oracle;

public sealed partial class AutogradEngine
{
    public EngineTensor Cat(EngineTensor[] tensors, int dim = 0) => Wrap(F.Cat(tensors.Select(U).ToArray(), dim));
    public EngineTensor Stack(EngineTensor[] tensors, int dim = 0) => Wrap(F.Stack(tensors.Select(U).ToArray(), dim));
    public EngineTensor[] Split(EngineTensor x, int splitSize, int dim = 0) => All(F.Split(U(x), splitSize, dim));
    public EngineTensor[] Split(EngineTensor x, int[] sections, int dim = 0) => All(F.Split(U(x), sections, dim));
    public EngineTensor[] Chunk(EngineTensor x, int chunks, int dim = 0) => All(F.Chunk(U(x), chunks, dim));
    public EngineTensor Narrow(EngineTensor x, int dim, int start, int length) => Wrap(F.Narrow(U(x), dim, start, length));
    public EngineTensor[] Unbind(EngineTensor x, int dim = 0) => All(F.Unbind(U(x), dim));
    public EngineTensor Expand(EngineTensor x, int[] sizes) => Wrap(F.Expand(U(x), sizes));
    public EngineTensor Repeat(EngineTensor x, int[] repeats) => Wrap(F.Repeat(U(x), repeats));
    public EngineTensor Flip(EngineTensor x, int[] dims) => Wrap(F.Flip(U(x), dims));
    public EngineTensor Roll(EngineTensor x, int[] shifts, int[] dims) => Wrap(F.Roll(U(x), shifts, dims));

    private static EngineTensor[] All(Tensor[] pieces) => pieces.Select(Wrap).ToArray();
}
