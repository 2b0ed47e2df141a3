using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

public sealed partial class TorchSharpEngine
{
    public EngineTensor Cat(EngineTensor[] tensors, int dim = 0) => Op(() => TorchApi.cat(tensors.Select(U).ToList(), dim));
    public EngineTensor Stack(EngineTensor[] tensors, int dim = 0) => Op(() => TorchApi.stack(tensors.Select(U).ToList(), dim));
    public EngineTensor[] Split(EngineTensor x, int splitSize, int dim = 0) => Ops(() => U(x).split(splitSize, dim));
    public EngineTensor[] Split(EngineTensor x, int[] sections, int dim = 0) => Ops(() => U(x).split(Longs(sections), dim));
    public EngineTensor[] Chunk(EngineTensor x, int chunks, int dim = 0) => Ops(() => U(x).chunk(chunks, dim));
    public EngineTensor Narrow(EngineTensor x, int dim, int start, int length) => Op(() => U(x).narrow(dim, start, length));
    public EngineTensor[] Unbind(EngineTensor x, int dim = 0) => Ops(() => U(x).unbind(dim));
    public EngineTensor Expand(EngineTensor x, int[] sizes) => Op(() => U(x).expand(Longs(sizes)));
    public EngineTensor Repeat(EngineTensor x, int[] repeats) => Op(() => U(x).repeat(Longs(repeats)));
    public EngineTensor Flip(EngineTensor x, int[] dims) => Op(() => U(x).flip(Longs(dims)));
    public EngineTensor Roll(EngineTensor x, int[] shifts, int[] dims) => Op(() => U(x).roll(Longs(shifts), Longs(dims)));

    private EngineTensor[] Ops(Func<TorchTensor[]> call) => Run(call).Select(Wrap).ToArray();
}
