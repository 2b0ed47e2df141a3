using static Autograd.TensorIndex;
using TorchApi = TorchSharp.torch;
using TorchIndex = TorchSharp.torch.TensorIndex;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Indexing (issue 14): a strided basic slice and a bool-mask read, forward and forward+backward, against
// libtorch 2.10 through TorchSharp. The 1.13 shim has no indexing: its baseline is left empty. A basic slice
// is a view on both sides (Note [Slice views]): its forward builds the view, its backward writes the gradient
// into zeros. The slice-then-sum case adds a consumer, which reads the view's strided elements on both sides.
public static partial class Cases
{
    internal static BenchCase[] IndexingCases =>
    [
        IndexSlice("index_8x64x56x56_[:,1:-1,::2]"),
        IndexSlice("index_8x64x56x56_[:,1:-1,::2].sum", consume: true),
        IndexMask("index_8x64x56x56_[x>0]"),
    ];

    /// <summary>x[:, 1:-1, ::2], alone or read by a sum (<paramref name="consume"/>): the view's elements are then gathered.</summary>
    private static BenchCase IndexSlice(string name, bool consume = false)
    {
        int[] xs = [8, 64, 56, 56], ys = [8, 62, 28, 56];
        var x = Data(Numel(xs), 21);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), gy = Tensor.Ones(ys);
                Tensor Read() => tx[.., 1..^1, Slice(null, null, 2)];
                if (consume)
                {
                    if (!bwd) return new Runner(() => _ = Read().Sum());
                    return new Runner(() => { tx.Grad = null; Read().Sum().Backward(); });
                }
                if (!bwd) return new Runner(() => _ = Read());
                return new Runner(() => { tx.Grad = null; Read().Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd), gy = TorchApi.ones(Longs(ys));
                TorchIndex[] ix = [TorchIndex.Colon, TorchIndex.Slice(1, -1), TorchIndex.Slice(null, null, 2)];
                if (consume)
                {
                    if (!bwd) return TorchSharpRunner(() => tx.index(ix).sum(), tx, gy);
                    return TorchSharpRunner(() => { tx.grad = null; tx.index(ix).sum().backward(); }, tx, gy);
                }
                if (!bwd) return TorchSharpRunner(() => tx.index(ix), tx, gy);
                return TorchSharpRunner(() => { tx.grad = null; tx.index(ix).backward([gy]); }, tx, gy);
            });
    }

    private static BenchCase IndexMask(string name)
    {
        int[] xs = [8, 64, 56, 56];
        var x = Data(Numel(xs), 22);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd);
                Tensor mask = tx.Detach() > 0.0;
                Tensor gy = Tensor.Ones([mask.ToArray<bool>().Count(b => b)]);
                if (!bwd) return new Runner(() => _ = tx[mask]);
                return new Runner(() => { tx.Grad = null; tx[mask].Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd);
                TorchTensor mask = tx.detach().gt(0);
                TorchTensor gy = TorchApi.ones(mask.sum().item<long>());
                TorchIndex[] ix = [TorchIndex.Tensor(mask)];
                if (!bwd) return TorchSharpRunner(() => tx.index(ix), tx, mask, gy);
                return TorchSharpRunner(() => { tx.grad = null; tx.index(ix).backward([gy]); }, tx, mask, gy);
            });
    }
}
