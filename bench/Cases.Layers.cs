using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Issue 15's layers: a DCGAN-style transposed convolution (32×64×14×14 → 32 channels, k4 s2 p1: 28×28),
// bilinear ×2 upsampling of an 8×64×56×56 activation, and an embedding lookup of 32×128 tokens from a
// 30000×256 table. Forward+backward runs from a fixed upstream gradient of ones. No 1.13 shim case:
// the shim has none of these ops.
public static partial class Cases
{
    internal static BenchCase[] LayersCases =>
    [
        ConvTranspose("conv_transpose2d_32x64x14x14_k4s2p1"),
        Layer("upsample_bilinear_8x64x56x56_x2", [8, 64, 56, 56], [8, 64, 112, 112],
            x => F.Interpolate(x, scaleFactor: 2.0, mode: "bilinear", alignCorners: false),
            x => TorchApi.nn.functional.interpolate(x, null, [2.0, 2.0], TorchApi.InterpolationMode.Bilinear, false)),
        EmbeddingCase("embedding_30000x256_32x128"),
    ];

    private static BenchCase ConvTranspose(string name)
    {
        int[] xs = [32, 64, 14, 14], ws = [64, 32, 4, 4], bs = [32], ys = [32, 32, 28, 28];
        var x = Data(Numel(xs), 21); var w = Data(Numel(ws), 22, 1.0 / Math.Sqrt(32 * 16)); var b = Data(32, 23);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), tw = Tensor.From(w.Value, ws, bwd), tb = Tensor.From(b.Value, bs, bwd), gy = Tensor.Ones(ys);
                if (!bwd) return new Runner(() => F.ConvTranspose2d(tx, tw, tb, 2, 1));
                return new Runner(() => { tx.Grad = tw.Grad = tb.Grad = null; F.ConvTranspose2d(tx, tw, tb, 2, 1).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd), tw = T(w.Value, ws, bwd), tb = T(b.Value, bs, bwd), gy = TorchApi.ones(Longs(ys));
                Func<TorchTensor> f = () => TorchApi.nn.functional.conv_transpose2d(tx, tw, tb, [2L, 2], [1L, 1]);
                if (!bwd) return TorchSharpRunner(() => f(), tx, tw, tb, gy);
                return TorchSharpRunner(() => { tx.grad = null; tw.grad = null; tb.grad = null; f().backward([gy]); }, tx, tw, tb, gy);
            })
        {
            // conv_transpose2d runs on conv2d's geometry G (Note [conv_transpose2d as an input gradient]): its forward is
            // G's input gradient, its backward G's forward (dX) and weight gradient (dW).
            Plan = () => "conv2d geometry G: " + ConvPlan.For(TransposedGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), Tensor.Zeros(bs), 2, 1, 0, 1, 1).Conv),
        };
    }

    /// <summary>A one-input op on data drawn with <paramref name="seed"/>: forward, and forward+backward from a ones gradient of shape <paramref name="ys"/>.</summary>
    private static BenchCase Layer(string name, int[] xs, int[] ys, Func<Tensor, Tensor> ours, Func<TorchTensor, TorchTensor> theirs, int seed = 24)
    {
        var x = Data(Numel(xs), seed);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), gy = Tensor.Ones(ys);
                if (!bwd) return new Runner(() => ours(tx));
                return new Runner(() => { tx.Grad = null; ours(tx).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd), gy = TorchApi.ones(Longs(ys));
                if (!bwd) return TorchSharpRunner(() => theirs(tx), tx, gy);
                return TorchSharpRunner(() => { tx.grad = null; theirs(tx).backward([gy]); }, tx, gy);
            });
    }

    private static BenchCase EmbeddingCase(string name)
    {
        int[] ws = [30000, 256], ids = [32, 128], ys = [32, 128, 256];
        var w = Data(Numel(ws), 25);
        var rng = new Random(26);
        long[] idx = [.. Enumerable.Range(0, 32 * 128).Select(_ => (long)rng.Next(30000))];
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tw = Tensor.From(w.Value, ws, bwd), ti = Tensor.From(idx, ids), gy = Tensor.Ones(ys);
                if (!bwd) return new Runner(() => F.Embedding(ti, tw));
                return new Runner(() => { tw.Grad = null; F.Embedding(ti, tw).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tw = T(w.Value, ws, bwd), ti = TorchApi.tensor(idx, Longs(ids)), gy = TorchApi.ones(Longs(ys));
                // TorchSharp 0.107 has no functional embedding: from_pretrained wraps the same tensor (freeze = no grad).
                var m = TorchApi.nn.Embedding_from_pretrained(tw, freeze: !bwd);
                if (!bwd) return TorchSharpRunner(() => m.forward(ti), tw, ti, gy);
                return TorchSharpRunner(() => { tw.grad = null; m.forward(ti).backward([gy]); }, tw, ti, gy);
            });
    }
}
