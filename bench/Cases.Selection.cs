using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Selection ops (issue 14): gather of a few columns per row (the embedding/label-pick pattern) and where over
// an activation-sized tensor, forward and forward+backward. The 1.13 shim has neither op: Torch is null and
// the summary leaves that baseline's columns empty.
public static partial class Cases
{
    internal static BenchCase[] SelectionCases =>
    [
        Gather("gather_64x1000_dim1_idx64x10"),
        Where("where_8x64x56x56"),
    ];

    private static BenchCase Gather(string name)
    {
        int[] xs = [64, 1000], ix = [64, 10];
        var x = Data(Numel(xs), 21);
        var rng = new Random(22);
        long[] index = Enumerable.Range(0, Numel(ix)).Select(_ => (long)rng.Next(1000)).ToArray();
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), ti = Tensor.From(index, ix), gy = Tensor.Ones(ix);
                if (!bwd) return new Runner(() => F.Gather(tx, 1, ti));
                return new Runner(() => { tx.Grad = null; F.Gather(tx, 1, ti).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd), ti = TorchApi.tensor(index, Longs(ix), TorchApi.ScalarType.Int64), gy = TorchApi.ones(Longs(ix));
                if (!bwd) return TorchSharpRunner(() => tx.gather(1, ti), tx, ti, gy);
                return TorchSharpRunner(() => { tx.grad = null; tx.gather(1, ti).backward([gy]); }, tx, ti, gy);
            });
    }

    private static BenchCase Where(string name)
    {
        int[] xs = [8, 64, 56, 56];
        var a = Data(Numel(xs), 23);
        var b = Data(Numel(xs), 24);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor ta = Tensor.From(a.Value, xs, bwd), tb = Tensor.From(b.Value, xs, bwd), gy = Tensor.Ones(xs);
                Tensor cond = F.Gt(ta, tb);
                if (!bwd) return new Runner(() => F.Where(cond, ta, tb));
                return new Runner(() => { ta.Grad = tb.Grad = null; F.Where(cond, ta, tb).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor ta = T(a.Value, xs, bwd), tb = T(b.Value, xs, bwd), gy = TorchApi.ones(Longs(xs));
                TorchTensor cond = ta.gt(tb);
                if (!bwd) return TorchSharpRunner(() => TorchApi.where(cond, ta, tb), ta, tb, cond, gy);
                return TorchSharpRunner(() => { ta.grad = null; tb.grad = null; TorchApi.where(cond, ta, tb).backward([gy]); }, ta, tb, cond, gy);
            });
    }
}
