using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Issue 15's normalisation layers, float32: batch_norm in training mode (batch statistics, running stats
// updated in place, affine weight and bias) on a 64×32×28×28 activation, layer_norm over the last dim of
// a 64×128×256 sequence batch, group_norm with 8 groups on the batch_norm input. Forward+backward runs
// from a fixed upstream gradient of ones and includes the weight and bias gradients. No 1.13 shim case.
public static partial class Cases
{
    internal static BenchCase[] NormCases =>
    [
        Norm("batchnorm2d_64x32x28x28_train", [64, 32, 28, 28], [32],
            (x, w, b, s) => F.BatchNorm(x, s[0], s[1], w, b, training: true),
            (x, w, b, s) => TorchApi.nn.functional.batch_norm(x, s[0], s[1], w, b, training: true)),
        Norm("layernorm_64x128x256", [64, 128, 256], [256],
            (x, w, b, _) => F.LayerNorm(x, [256], w, b),
            (x, w, b, _) => TorchApi.nn.functional.layer_norm(x, [256L], w, b)),
        Norm("groupnorm_64x32x28x28_g8", [64, 32, 28, 28], [32],
            (x, w, b, _) => F.GroupNorm(x, 8, w, b),
            (x, w, b, _) => TorchApi.nn.functional.group_norm(x, 8, w, b)),
    ];

    private static BenchCase Norm(string name, int[] xs, int[] ps, Func<Tensor, Tensor, Tensor, Tensor[], Tensor> ours,
        Func<TorchTensor, TorchTensor, TorchTensor, TorchTensor[], TorchTensor> theirs)
    {
        var x = Data(Numel(xs), 15);
        var w = Data(Numel(ps), 16);
        var b = Data(Numel(ps), 17);
        int c = ps[0];
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), tw = Tensor.From(w.Value, ps, bwd), tb = Tensor.From(b.Value, ps, bwd), gy = Tensor.Ones(xs);
                Tensor[] stats = [Tensor.Zeros([c]), Tensor.Ones([c])];
                if (!bwd) return new Runner(() => ours(tx, tw, tb, stats));
                return new Runner(() => { tx.Grad = tw.Grad = tb.Grad = null; ours(tx, tw, tb, stats).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd), tw = T(w.Value, ps, bwd), tb = T(b.Value, ps, bwd), gy = TorchApi.ones(Longs(xs));
                TorchTensor[] stats = [TorchApi.zeros(c), TorchApi.ones(c)];
                if (!bwd) return TorchSharpRunner(() => theirs(tx, tw, tb, stats), tx, tw, tb, gy, stats[0], stats[1]);
                return TorchSharpRunner(() => { tx.grad = tw.grad = tb.grad = null; theirs(tx, tw, tb, stats).backward([gy]); }, tx, tw, tb, gy, stats[0], stats[1]);
            });
    }
}
