using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// A Hessian-vector product on the Fashion-MNIST network of issue 5 at batch 64 (issue 13's higher-order
// gradients), with respect to the eight parameter tensors: g = grad(loss, params, create_graph) then
// H·v = grad(Σᵢ⟨gᵢ, vᵢ⟩, params) for a fixed random v. "fwd" is forward + loss + the recorded first
// gradient (the backward pass built as a graph); "fwd+bwd" is the whole product (that, plus the
// second backward through the recorded one). Same inputs and initial weights as the training step.
// Baselines: libtorch 2.10 through TorchSharp (torch.autograd.grad with create_graph) only; the
// libtorch 1.13 shim (native/) has backward but no autograd.grad with create_graph, so this case has
// no 1.13 column (its Libtorch benchmarks are filtered out: Program.cs; summary.csv leaves ratio empty).
public static partial class Cases
{
    private static BenchCase Hvp(string name, int batch)
    {
        int[] xs = [batch, 1, 28, 28];
        float[] x = RandomData(Numel(xs), 8);
        var rng = new Random(9);
        int[] target = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
        float[][] init = TrainShapes.Select((s, i) => RandomData(Numel(s), 10 + i, 1.0 / Math.Sqrt(Numel(s) / s[0]))).ToArray();
        float[][] v = TrainShapes.Select((s, i) => RandomData(Numel(s), 30 + i)).ToArray();
        return new BenchCase(name,
            pass =>
            {
                var p = TrainShapes.Select((s, i) => Tensor.From((float[])init[i].Clone(), s, requiresGrad: true)).ToArray();
                var tv = TrainShapes.Select((s, i) => Tensor.From(v[i], s)).ToArray();
                var tx = Tensor.From(x, xs);
                Tensor?[] Body()
                {
                    var g = Grad.Compute([OursForward(tx, p, target)], p, createGraph: true);
                    if (pass == Pass.Fwd) return g;
                    Tensor dot = (g[0]! * tv[0]).Sum();
                    for (int i = 1; i < p.Length; i++) dot += (g[i]! * tv[i]).Sum();
                    return Grad.Compute([dot], p);
                }
                // Fail loudly at setup, with the reason, while our double backward does not reach every op
                // of the network (Note [Double backward]: a DelayedError node throws NotSupportedException
                // naming the op), instead of timing a body that throws.
                try
                {
                    if (Body().Any(h => h is null || !double.IsFinite(h.Sum().Item())))
                        throw new InvalidOperationException($"{name}: our Hessian-vector product has a missing or non-finite part");
                }
                catch (NotSupportedException e)
                {
                    throw new NotSupportedException($"{name}: our double backward does not cover the network yet: {e.Message}", e);
                }
                return new Runner(() => Body());
            },
            Torch: null,
            TorchSharpHvp(x, xs, target, init, v));
    }

    /// <summary>The same product with torch.autograd.grad(create_graph=True), as a TorchSharp user writes it.</summary>
    private static Func<Pass, Runner> TorchSharpHvp(float[] x, int[] xs, int[] target, float[][] init, float[][] v) => pass =>
    {
        var p = TrainShapes.Select((s, i) => T((float[])init[i].Clone(), s, requiresGrad: true)).ToArray();
        var tv = TrainShapes.Select((s, i) => T(v[i], s)).ToArray();
        var tx = T(x, xs);
        var ty = TorchApi.tensor(target.Select(t => (long)t).ToArray(), TorchApi.ScalarType.Int64);
        return TorchSharpRunner(() =>
        {
            var g = TorchApi.autograd.grad([TorchSharpForward(tx, p, ty)], p, retain_graph: true, create_graph: true);
            if (pass == Pass.Fwd) return;
            var dot = (g[0] * tv[0]).sum();
            for (int i = 1; i < p.Length; i++) dot += (g[i] * tv[i]).sum();
            TorchApi.autograd.grad([dot], p);
        }, [tx, ty, .. p, .. tv]);
    };
}
