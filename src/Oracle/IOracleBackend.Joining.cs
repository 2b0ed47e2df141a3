namespace Autograd.Oracle;

/// <summary>Joining and splitting (torch.cat, stack, split, chunk, narrow, unbind, expand, repeat, flip, roll).</summary>
public partial interface IOracleBackend
{
    OracleTensor Cat(OracleTensor[] tensors, int dim = 0);
    OracleTensor Stack(OracleTensor[] tensors, int dim = 0);
    OracleTensor[] Split(OracleTensor x, int splitSize, int dim = 0);
    OracleTensor[] Split(OracleTensor x, int[] sections, int dim = 0);
    OracleTensor[] Chunk(OracleTensor x, int chunks, int dim = 0);
    OracleTensor Narrow(OracleTensor x, int dim, int start, int length);
    OracleTensor[] Unbind(OracleTensor x, int dim = 0);
    OracleTensor Expand(OracleTensor x, int[] sizes);
    OracleTensor Repeat(OracleTensor x, int[] repeats);
    OracleTensor Flip(OracleTensor x, int[] dims);

    /// <summary>torch.roll(x, shifts, dims); an empty <paramref name="dims"/> with one shift rolls the flattened tensor.</summary>
    OracleTensor Roll(OracleTensor x, int[] shifts, int[] dims);
}
