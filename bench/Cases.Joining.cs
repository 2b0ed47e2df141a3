using TorchApi = TorchSharp.torch;
using TorchSharpTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Joining ops are pure element moves, so they are judged by bandwidth (issue 14: memory-bound, against
// the machine's copy rate). Bytes moved per forward: read the inputs + write the output; the backward
// (fwd+bwd) moves the same again. The 1.13 shim has no cat/flip/repeat, so Torch is null.
public static partial class Cases
{
    /// <summary>The joining cases (the lead adds them to <see cref="All"/> at merge).</summary>
    internal static BenchCase[] JoiningCases =>
    [
        Joining("cat_4x8x64x56x56_dim1", [8, 64, 56, 56], 4,
            xs => F.Cat(xs, 1), xs => TorchApi.cat(xs, 1)),
        Joining("flip_8x64x56x56_dim3", [8, 64, 56, 56], 1,
            xs => F.Flip(xs[0], 3), xs => xs[0].flip(3)),
        Joining("repeat_8x64x56x56_1x1x2x2", [8, 64, 56, 56], 1,
            xs => F.Repeat(xs[0], 1, 1, 2, 2), xs => xs[0].repeat(1, 1, 2, 2)),
    ];

    private static BenchCase Joining(string name, int[] shape, int inputs, Func<Tensor[], Tensor> ours, Func<TorchSharpTensor[], TorchSharpTensor> theirs)
    {
        var data = Enumerable.Range(0, inputs).Select(i => Data(Numel(shape), 40 + i)).ToArray();
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                var xs = data.Select(d => Tensor.From(d.Value, shape, bwd)).ToArray();
                Tensor gy;
                using (Grad.NoGrad()) gy = Tensor.OnesLike(ours(xs));
                if (!bwd) return new Runner(() => ours(xs));
                return new Runner(() =>
                {
                    foreach (var x in xs) x.Grad = null;
                    ours(xs).Backward(gy);
                });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                var xs = data.Select(d => T(d.Value, shape, bwd)).ToArray();
                TorchSharpTensor gy;
                using (TorchApi.no_grad()) { using var y = theirs(xs); gy = TorchApi.ones_like(y); }
                if (!bwd) return TorchSharpRunner(() => theirs(xs), [.. xs, gy]);
                return TorchSharpRunner(() =>
                {
                    foreach (var x in xs) x.grad = null;
                    theirs(xs).backward([gy]);
                }, [.. xs, gy]);
            });
    }
}
