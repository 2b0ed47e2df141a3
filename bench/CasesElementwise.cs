using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Elementwise math and activations on a conv-sized activation (8×64×56×56, 1.6M elements): exact gelu (erf,
// no TensorPrimitives kernel: the Pointwise loop), sin (TensorPrimitives) and maximum against a broadcast
// row. No libtorch 1.13 shim baseline (the shim has none of these ops); TorchSharp is the baseline.
// Not in Cases.All yet: added there at merge.
public static partial class Cases
{
    internal static BenchCase[] ElementwiseCases =>
    [
        Elementwise("gelu_8x64x56x56", x => F.Gelu(x), x => TorchApi.nn.functional.gelu(x)),
        Elementwise("sin_8x64x56x56", F.Sin, x => x.sin()),
        Elementwise("maximum_8x64x56x56_bcast", x => F.Maximum(x, ElementwiseRow.Value), x => x.maximum(TorchElementwiseRow.Value)),
    ];

    private static readonly int[] ElementwiseShape = [8, 64, 56, 56];

    // The broadcast operand of maximum: one row of 56, constant (no gradient), shared by the runs.
    private static readonly Lazy<Tensor> ElementwiseRow = new(() => Tensor.From(Data(56, 9).Value, [56]));
    private static readonly Lazy<TorchTensor> TorchElementwiseRow = new(() => T(Data(56, 9).Value, [56]));

    private static BenchCase Elementwise(string name, Func<Tensor, Tensor> ours, Func<TorchTensor, TorchTensor> theirs)
    {
        int[] xs = ElementwiseShape;
        var x = Data(Numel(xs), 8);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), gy = Tensor.Ones(xs);
                if (!bwd) return new Runner(() => ours(tx));
                return new Runner(() => { tx.Grad = null; ours(tx).Backward(gy); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = T(x.Value, xs, bwd), gy = TorchApi.ones(Longs(xs));
                if (!bwd) return TorchSharpRunner(() => theirs(tx), tx, gy);
                return TorchSharpRunner(() => { tx.grad = null; theirs(tx).backward([gy]); }, tx, gy);
            });
    }
}
