using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Comparisons (issue 14): x > 0.5 and x == y over an activation-sized float32 tensor, forward only (a bool
// result has no gradient; the FwdBwd pass times the same forward). The 1.13 shim has no comparisons.
public static partial class Cases
{
    internal static BenchCase[] CompareCases =>
    [
        CompareScalar("gt_scalar_8x64x56x56"),
        CompareTensors("eq_8x64x56x56"),
    ];

    private static BenchCase CompareScalar(string name)
    {
        int[] xs = [8, 64, 56, 56];
        var a = Data(Numel(xs), 31);
        return new BenchCase(name,
            _ => { var ta = Tensor.From(a.Value, xs); return new Runner(() => F.Gt(ta, 0.5)); },
            null,
            _ => { TorchTensor ta = T(a.Value, xs, false); return TorchSharpRunner(() => ta.gt(0.5), ta); });
    }

    private static BenchCase CompareTensors(string name)
    {
        int[] xs = [8, 64, 56, 56];
        var a = Data(Numel(xs), 32);
        var b = Data(Numel(xs), 33);
        return new BenchCase(name,
            _ => { Tensor ta = Tensor.From(a.Value, xs), tb = Tensor.From(b.Value, xs); return new Runner(() => F.Eq(ta, tb)); },
            null,
            _ => { TorchTensor ta = T(a.Value, xs, false), tb = T(b.Value, xs, false); return TorchSharpRunner(() => ta.eq(tb), ta, tb); });
    }
}
