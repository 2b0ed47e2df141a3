using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Issue 14's reductions and pad modes on an 8×64×56×56 activation: var over (H, W), logsumexp over the
// channels and reflect padding by 1 (a Conv2d with padding_mode='reflect' pads this way). Forward+backward
// runs from a fixed upstream gradient of ones. No 1.13 shim case: the shim has none of these ops.
public static partial class Cases
{
    internal static BenchCase[] ReductionCases =>
    [
        Reduction("var_8x64x56x56_dims23", [8, 64], x => F.Var(x, [2, 3]), x => x.var([2L, 3L])),
        Reduction("logsumexp_8x64x56x56_dim1", [8, 56, 56], x => F.Logsumexp(x, 1), x => x.logsumexp(1)),
        Reduction("pad_reflect_8x64x56x56_p1", [8, 64, 58, 58], x => F.Pad(x, [1, 1, 1, 1], "reflect"),
            x => TorchApi.nn.functional.pad(x, [1L, 1, 1, 1], global::TorchSharp.PaddingModes.Reflect)),
    ];

    // A local shape: Cases.All is built during static initialisation, before other static fields.
    private static BenchCase Reduction(string name, int[] ys, Func<Tensor, Tensor> ours, Func<TorchTensor, TorchTensor> theirs)
        => Layer(name, [8, 64, 56, 56], ys, ours, theirs, seed: 14);
}
