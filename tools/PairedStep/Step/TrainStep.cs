using Autograd;
using Autograd.Nn.Optim;

namespace PairedStep;

/// <summary>
/// The bench's training step (bench/Cases.Train.cs, `train_step_fmnist_b64`): the Fashion-MNIST network at
/// batch 64, zero_grad + forward + cross-entropy + Backward() (createGraph false) + SGD step, inside a
/// TensorScope as the bench runs it. Same source for every checkout compared; only the engine differs.
/// </summary>
public static class TrainStep
{
    private static readonly int[][] Shapes = [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [128, 3136], [128], [10, 128], [10]];

    public static Action Make(int batch)
    {
        var rng = new Random(9);
        float[] Data(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        int Numel(int[] s) => s.Aggregate(1, (a, b) => a * b);
        var x = Tensor.From(Data(batch * 28 * 28, 1.0), [batch, 1, 28, 28]);
        int[] target = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
        var p = Shapes.Select(s => Tensor.From(Data(Numel(s), 1.0 / Math.Sqrt(Numel(s) / s[0])), s, requiresGrad: true)).ToArray();
        var opt = new SGD(p, lr: 0.05, momentum: 0.9);
        return () =>
        {
            using var scope = new TensorScope();
            opt.ZeroGrad();
            var h = F.MaxPool2d(F.Relu(F.Conv2d(x, p[0], p[1], padding: 1)), 2);
            h = F.AvgPool2d(F.Relu(F.Conv2d(h, p[2], p[3], padding: 1)), 2);
            h = F.Relu(F.Linear(F.Flatten(h, 1), p[4], p[5]));
            var loss = F.CrossEntropy(F.Linear(h, p[6], p[7]), target);
            loss.Backward();
            opt.Step();
            loss.Item();
        };
    }
}
