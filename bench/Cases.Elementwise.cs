using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Elementwise math and activations on a conv-sized activation (8×64×56×56, 1.6M elements): exact gelu (erf,
// no TensorPrimitives kernel: the Pointwise loop), sin (TensorPrimitives) and maximum against a broadcast
// row of 56 (a constant). No libtorch 1.13 shim baseline (the shim has none of these ops); TorchSharp is the
// baseline.
public static partial class Cases
{
    internal static BenchCase[] ElementwiseCases =>
    [
        Elementwise("gelu_8x64x56x56", (x, _) => F.Gelu(x), (x, _) => TorchApi.nn.functional.gelu(x)),
        Elementwise("sin_8x64x56x56", (x, _) => F.Sin(x), (x, _) => x.sin()),
        Elementwise("maximum_8x64x56x56_bcast", (x, row) => F.Maximum(x, row), (x, row) => x.maximum(row), withRow: true),
    ];

    private static BenchCase Elementwise(string name, Func<Tensor, Tensor, Tensor> ours, Func<TorchTensor, TorchTensor, TorchTensor> theirs, bool withRow = false)
    {
        int[] xs = [8, 64, 56, 56], rs = [withRow ? 56 : 1];
        var x = Data(Numel(xs), 8);
        var row = Data(rs[0], 9);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), tr = Tensor.From(row.Value, rs), gy = Tensor.Ones(xs);
                if (!bwd) return new Runner(() => ours(tx, tr));
                return new Runner(() => { tx.Grad = null; ours(tx, tr).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd), tr = T(row.Value, rs), gy = TorchApi.ones(Longs(xs));
                if (!bwd) return TorchSharpRunner(() => theirs(tx, tr), tx, tr, gy);
                return TorchSharpRunner(() => { tx.grad = null; theirs(tx, tr).backward([gy]); }, tx, tr, gy);
            });
    }
}
