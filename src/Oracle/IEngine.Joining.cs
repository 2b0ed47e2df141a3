namespace Autograd.Oracle;

/// <summary>Joining and splitting (torch.cat, stack, split, chunk, narrow, unbind, expand, repeat, flip, roll).</summary>
public partial interface IEngine
{
    EngineTensor Cat(EngineTensor[] tensors, int dim = 0);
    EngineTensor Stack(EngineTensor[] tensors, int dim = 0);
    EngineTensor[] Split(EngineTensor x, int splitSize, int dim = 0);
    EngineTensor[] Split(EngineTensor x, int[] sections, int dim = 0);
    EngineTensor[] Chunk(EngineTensor x, int chunks, int dim = 0);
    EngineTensor Narrow(EngineTensor x, int dim, int start, int length);
    EngineTensor[] Unbind(EngineTensor x, int dim = 0);
    EngineTensor Expand(EngineTensor x, int[] sizes);
    EngineTensor Repeat(EngineTensor x, int[] repeats);
    EngineTensor Flip(EngineTensor x, int[] dims);

    /// <summary>torch.roll(x, shifts, dims); an empty <paramref name="dims"/> with one shift rolls the flattened tensor.</summary>
    EngineTensor Roll(EngineTensor x, int[] shifts, int[] dims);
}
