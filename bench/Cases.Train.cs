using Autograd.Nn.Optim;
using Autograd.Bench.Shim;

namespace Autograd.Bench;

// The Fashion-MNIST network of issue 5 at batch 64:
// Conv2d(1,32,3,p1) → ReLU → MaxPool2d(2) → Conv2d(32,64,3,p1) → ReLU → AvgPool2d(2) → Flatten →
// Linear(3136,128) → ReLU → Linear(128,10), cross-entropy, SGD(lr 0.05, momentum 0.9).
// "fwd" is forward + loss; "fwd+bwd" is the whole training step: zero_grad, forward, backward and
// the optimizer step. libtorch's SGD step is written with out-of-place shim ops (the shim has no
// in-place update); on 421 642 parameters that costs it well under 1% of the step.
public static partial class Cases
{
    private static int[][] TrainShapes => [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [128, 3136], [128], [10, 128], [10]];

    private static BenchCase TrainStep(string name, int batch)
    {
        int[] xs = [batch, 1, 28, 28];
        float[] x = RandomData(Numel(xs), 8);
        var rng = new Random(9);
        int[] target = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
        // Kaiming-uniform-like scales; the values only need to be realistic, not trained.
        float[][] init = TrainShapes.Select((s, i) => RandomData(Numel(s), 10 + i, 1.0 / Math.Sqrt(Numel(s) / s[0]))).ToArray();
        return new BenchCase(name,
            pass =>
            {
                var p = TrainShapes.Select((s, i) => Tensor.From((float[])init[i].Clone(), s, requiresGrad: true)).ToArray();
                var tx = Tensor.From(x, xs);
                if (pass == Pass.Fwd) return new Runner(() => OursForward(tx, p, target).Item());
                var opt = new SGD(p, lr: 0.05, momentum: 0.9);
                return new Runner(() =>
                {
                    opt.ZeroGrad();
                    var loss = OursForward(tx, p, target);
                    loss.Backward();
                    opt.Step();
                    loss.Item();
                });
            },
            pass =>
            {
                var p = TrainShapes.Select((s, i) => TorchTensor.From((float[])init[i].Clone(), s, requiresGrad: true)).ToArray();
                var tx = TorchTensor.From(x, xs);
                if (pass == Pass.Fwd) return new Runner(() => { using var loss = TorchForward(tx, p, target); _ = loss.ToDoubleArray(); }, [tx, .. p]);
                var buf = new TorchTensor?[p.Length];
                var runner = new Runner(() =>
                {
                    foreach (var t in p) t.ZeroGrad();
                    using (var loss = TorchForward(tx, p, target)) { loss.Backward(); _ = loss.ToDoubleArray(); }
                    for (int i = 0; i < p.Length; i++)
                    {
                        using var g = p[i].Grad!;
                        TorchTensor b;
                        if (buf[i] is null) b = g.Detach();
                        else { using var decayed = Torch.Mul(buf[i]!, 0.9); b = Torch.Add(decayed, g); }
                        buf[i]?.Dispose();
                        buf[i] = b;
                        using var d = p[i].Detach();
                        using var step = Torch.Mul(b, 0.05);
                        var next = Torch.Sub(d, step);
                        next.RequiresGrad = true;
                        p[i].Dispose();
                        p[i] = next;
                    }
                }, tx, new Disposer(() =>
                {
                    foreach (var t in p) t.Dispose();
                    foreach (var t in buf) t?.Dispose();
                }));
                return runner;
            },
            TorchSharpTrainStep(x, xs, target, init));
    }

    private static Tensor OursForward(Tensor x, Tensor[] p, int[] target)
    {
        var h = F.MaxPool2d(F.Relu(F.Conv2d(x, p[0], p[1], padding: 1)), 2);
        h = F.AvgPool2d(F.Relu(F.Conv2d(h, p[2], p[3], padding: 1)), 2);
        h = F.Relu(F.Linear(F.Flatten(h, 1), p[4], p[5]));
        return F.CrossEntropy(F.Linear(h, p[6], p[7]), target);
    }

    private static TorchTensor TorchForward(TorchTensor x, TorchTensor[] p, int[] target)
    {
        using var c1 = Torch.Conv2d(x, p[0], p[1], padding: 1);
        using var r1 = Torch.Relu(c1);
        using var m1 = Torch.MaxPool2d(r1, 2);
        using var c2 = Torch.Conv2d(m1, p[2], p[3], padding: 1);
        using var r2 = Torch.Relu(c2);
        using var a2 = Torch.AvgPool2d(r2, 2);
        using var f = Torch.Flatten(a2, 1);
        using var l1 = Torch.Linear(f, p[4], p[5]);
        using var r3 = Torch.Relu(l1);
        using var l2 = Torch.Linear(r3, p[6], p[7]);
        return Torch.CrossEntropy(l2, target);
    }
}
