using System.Text;
using Autograd.Samples.Explain;

namespace Autograd.Samples.Demo;

/// <summary>
/// The demo graph and its report: a 6×6 image (the pooling blog post's input, seed 000) through
/// conv2d → relu → max_pool2d → flatten → linear → cross_entropy, then backward. Every tensor prints
/// the way PyTorch prints it; tests/Snapshots/Reference/demo.py builds the same graph in PyTorch.
/// </summary>
public static class DemoReport
{
    public static string Run()
    {
        var x = Tensor.From(SeedData.Seed000X, [1, 1, 6, 6], requiresGrad: true);
        // Two 2×2 filters; the first is the TensorFlow post's (seed 001) filter.
        var w = Tensor.From([1f, -1f, 0f, 2f, 0.5f, 0.5f, -0.5f, 0.25f], [2, 1, 2, 2], requiresGrad: true);
        var b = Tensor.From([1f, -2f], requiresGrad: true);
        // A fixed classifier: W[i, j] = ((7i + 3j) mod 11 - 5) / 64, c = [0.125, 0, -0.125].
        // Dyadic weights and integer pixels keep the conv exact, so max-pool ties break identically everywhere.
        var wData = new float[3 * 32];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 32; j++) wData[i * 32 + j] = ((7 * i + 3 * j) % 11 - 5) / 64f;
        var W = Tensor.From(wData, [3, 32], requiresGrad: true);
        var c = Tensor.From([0.125f, 0f, -0.125f], requiresGrad: true);

        var h = F.Relu(F.Conv2d(x, w, b));                 // [1, 2, 5, 5]
        var p = F.MaxPool2d(h, kernelSize: 2, stride: 1);        // [1, 2, 4, 4]
        var logits = F.Linear(p.Flatten(1), W, c);               // [1, 3]
        var loss = F.CrossEntropy(logits, [2]);

        var sb = new StringBuilder();
        void Section(string title, object value) => sb.Append("== ").Append(title).Append('\n').Append(value).Append("\n\n");
        Section("x", x);
        Section("logits = linear(flatten(max_pool2d(relu(conv2d(x, w, b)), 2, stride=1)), W, c)", logits);
        Section("loss = cross_entropy(logits, [2])", loss);
        Section("tape (backward order)", Tape.Format(loss).TrimEnd('\n'));
        loss.Backward();
        Section("x.grad", x.Grad!);
        Section("w.grad", w.Grad!);
        Section("b.grad", b.Grad!);
        Section("W.grad", W.Grad!);
        Section("c.grad", c.Grad!);
        return sb.ToString();
    }
}
