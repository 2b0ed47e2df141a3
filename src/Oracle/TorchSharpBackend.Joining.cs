using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

public sealed partial class TorchSharpBackend
{
    /// <summary>
    /// torch.cat. TorchSharp answers a one-tensor list with an alias, without libtorch's checks (a bad dim
    /// passes); a 1-D [0] tensor, which libtorch's cat skips, makes the call reach libtorch with the same meaning.
    /// </summary>
    public OracleTensor Cat(OracleTensor[] tensors, int dim = 0) => Op(() =>
    {
        var list = NonEmpty(tensors, "cat");
        if (list.Count > 1) return TorchApi.cat(list, dim);
        using var skipped = TorchApi.zeros([0], dtype: list[0].dtype);
        return TorchApi.cat([list[0], skipped], dim);
    });
    public OracleTensor Stack(OracleTensor[] tensors, int dim = 0) => Op(() => TorchApi.stack(NonEmpty(tensors, "stack"), dim));
    public OracleTensor[] Split(OracleTensor x, int splitSize, int dim = 0) => Ops(() => U(x).split(splitSize, dim));
    public OracleTensor[] Split(OracleTensor x, int[] sections, int dim = 0) => Ops(() => U(x).split(Longs(sections), dim));
    public OracleTensor[] Chunk(OracleTensor x, int chunks, int dim = 0) => Ops(() => U(x).chunk(chunks, dim));
    public OracleTensor Narrow(OracleTensor x, int dim, int start, int length) => Op(() => U(x).narrow(dim, start, length));
    public OracleTensor[] Unbind(OracleTensor x, int dim = 0) => Ops(() => U(x).unbind(dim));
    public OracleTensor Expand(OracleTensor x, int[] sizes) => Op(() => U(x).expand(Longs(sizes)));
    public OracleTensor Repeat(OracleTensor x, int[] repeats) => Op(() => U(x).repeat(Longs(repeats)));
    public OracleTensor Flip(OracleTensor x, int[] dims) => Op(() => U(x).flip(Longs(dims)));
    public OracleTensor Roll(OracleTensor x, int[] shifts, int[] dims) => Op(() => U(x).roll(Longs(shifts), Longs(dims)));

    /// <summary>TorchSharp throws its own ArgumentException on an empty list before libtorch sees it; PyTorch rejects it too.</summary>
    private List<TorchTensor> NonEmpty(OracleTensor[] tensors, string op) => tensors.Length > 0 ? tensors.Select(U).ToList()
        : throw new OracleGuardException($"oracle guard: torch.{op} of an empty list: PyTorch rejects it, and TorchSharp refuses it itself",
            $"{op} of an empty list: TorchSharp refuses it before libtorch", libtorchRejects: true);

    private OracleTensor[] Ops(Func<TorchTensor[]> call) => Run(call).Select(Wrap).ToArray();
}
