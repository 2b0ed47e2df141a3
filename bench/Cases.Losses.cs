using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// Issue 15's losses at training sizes: cross_entropy over 256 samples × 1000 classes with class weights and
// label smoothing 0.1 (the ImageNet-style head), and binary_cross_entropy_with_logits over 4096 × 256
// multi-label logits with a per-class pos_weight. Forward, and forward+backward from the scalar loss.
// No 1.13 shim case: the shim has neither loss with these options.
public static partial class Cases
{
    internal static BenchCase[] LossesCases =>
    [
        CrossEntropyCase("cross_entropy_256x1000_weight_smoothing"),
        BceWithLogitsCase("bce_with_logits_4096x256_pos_weight"),
    ];

    private static BenchCase CrossEntropyCase(string name)
    {
        int[] xs = [256, 1000];   // locals: Cases.All is built during static initialisation
        var x = Data(Numel(xs), 15, 3);
        var w = Data(1000, 16);
        var targets = Enumerable.Range(0, 256).Select(i => (long)(i * 37 % 1000)).ToArray();
        return LossCase(name, xs,
            (tx, bwd) =>
            {
                var tw = Tensor.From(Array.ConvertAll(w.Value, v => v + 1.5f), [1000]);
                var tt = Tensor.From(targets, [256]);
                return () => F.CrossEntropy(tx, tt, tw, -100, Autograd.Reduction.Mean, 0.1);
            },
            (tx, owned) =>
            {
                var tw = T(Array.ConvertAll(w.Value, v => v + 1.5f), [1000]);
                var tt = TorchApi.tensor(targets, [256L], TorchApi.ScalarType.Int64);
                owned.Add(tw); owned.Add(tt);
                return () => TorchApi.nn.functional.cross_entropy(tx, tt, tw, -100, TorchApi.nn.Reduction.Mean, 0.1);
            }, x);
    }

    private static BenchCase BceWithLogitsCase(string name)
    {
        int[] xs = [4096, 256];
        var x = Data(Numel(xs), 17, 4);
        var t = Data(Numel(xs), 18);
        var pw = Data(256, 19);
        return LossCase(name, xs,
            (tx, bwd) =>
            {
                var tt = Tensor.From(Array.ConvertAll(t.Value, v => (v + 1) / 2), xs);
                var tp = Tensor.From(Array.ConvertAll(pw.Value, v => v + 2), [256]);
                return () => F.BinaryCrossEntropyWithLogits(tx, tt, null, Autograd.Reduction.Mean, tp);
            },
            (tx, owned) =>
            {
                var tt = T(Array.ConvertAll(t.Value, v => (v + 1) / 2), xs);
                var tp = T(Array.ConvertAll(pw.Value, v => v + 2), [256]);
                owned.Add(tt); owned.Add(tp);
                return () => TorchApi.nn.functional.binary_cross_entropy_with_logits(tx, tt, null, TorchApi.nn.Reduction.Mean, tp);
            }, x);
    }

    /// <summary>A scalar loss of one input that requires grad (in fwd+bwd); its other operands are constants.</summary>
    private static BenchCase LossCase(string name, int[] xs, Func<Tensor, bool, Func<Tensor>> ours,
        Func<TorchTensor, List<TorchTensor>, Func<TorchTensor>> theirs, Lazy<float[]> x)
        => new(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                var tx = Tensor.From(x.Value, xs, bwd);
                var f = ours(tx, bwd);
                if (!bwd) return new Runner(() => f());
                return new Runner(() => { tx.Grad = null; f().Backward(); });
            },
            null,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                var tx = T(x.Value, xs, bwd);
                var owned = new List<TorchTensor> { tx };
                var f = theirs(tx, owned);
                if (!bwd) return TorchSharpRunner(() => f(), [.. owned]);
                return TorchSharpRunner(() => { tx.grad = null; f().backward(); }, [.. owned]);
            });
}
