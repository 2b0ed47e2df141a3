using Autograd.Nn;
using Autograd.Nn.Optim;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.HigherOrder;

/// <summary>
/// A gradient penalty (WGAN-GP style, Gulrajani et al. 2017) on the Fashion-MNIST network of
/// samples/FashionMnist/Network.cs, one SGD step against libtorch 2.10 in the same process:
/// loss = cross_entropy(D(x), y), g = ∂loss/∂x (create_graph), penalty = mean over the batch of
/// (‖g_n‖₂ − 1)², total = loss + λ·penalty, then total.backward() and an SGD step. The step needs the
/// double backward of every op of the network: conv2d, relu, max_pool2d, avg_pool2d, flatten, linear
/// and cross_entropy (Note [Double backward]); until those are converted ours throws
/// NotSupportedException from the DelayedError node of the first one the second backward reaches.
/// </summary>
[Collection(OracleCollection.Name)]
public class GradientPenaltyTests
{
    private const int Batch = 4;
    private const double Lambda = 10, Lr = 0.1;

    // Network.Build's layers, layer for layer, in float64 (the sample builds float32).
    private static Sequential Ours(Generator g) => new(
        new Conv2d(1, 32, 3, padding: 1, dtype: DType.Float64, generator: g), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, padding: 1, dtype: DType.Float64, generator: g), new ReLU(), new AvgPool2d(2),
        new Flatten(), new Linear(64 * 7 * 7, 128, dtype: DType.Float64, generator: g), new ReLU(),
        new Linear(128, 10, dtype: DType.Float64, generator: g));

    // TorchSharp names a Sequential's children "0", "1", ... like PyTorch, so CopyTo matches "0.weight" etc.
    private static TorchApi.nn.Module<TorchApi.Tensor, TorchApi.Tensor> Theirs()
    {
        var f64 = TorchApi.ScalarType.Float64;
        return TorchApi.nn.Sequential(
            ("0", TorchApi.nn.Conv2d(1, 32, 3, padding: 1, dtype: f64)), ("1", TorchApi.nn.ReLU()), ("2", TorchApi.nn.MaxPool2d(2)),
            ("3", TorchApi.nn.Conv2d(32, 64, 3, padding: 1, dtype: f64)), ("4", TorchApi.nn.ReLU()), ("5", TorchApi.nn.AvgPool2d(2)),
            ("6", TorchApi.nn.Flatten()), ("7", TorchApi.nn.Linear(64 * 7 * 7, 128, dtype: f64)), ("8", TorchApi.nn.ReLU()),
            ("9", TorchApi.nn.Linear(128, 10, dtype: f64)));
    }

    [Fact]
    public void OneSgdStepWithAGradientPenaltyMatchesLibtorch()
    {
        var net = Ours(new Generator(13));
        using var torchNet = Theirs();
        net.CopyTo(torchNet);
        var x = TestData.Randn([Batch, 1, 28, 28], 14, requiresGrad: false);
        int[] y = [3, 0, 9, 5];

        // libtorch first: its results are plain arrays by the time ours runs (a libtorch error in
        // autograd.grad would end the process, so it must not depend on anything of ours failing).
        double tLoss, tPenalty;
        double[] tInputGrad;
        Dictionary<string, (double[] Grad, double[] Updated)> tParams;
        using (TorchApi.NewDisposeScope())
        {
            var tx = x.ToTorch(requiresGrad: true);
            var ty = TorchApi.tensor(y.Select(v => (long)v).ToArray(), TorchApi.ScalarType.Int64);
            var opt = TorchApi.optim.SGD(torchNet.parameters(), Lr);
            var loss = TorchApi.nn.functional.cross_entropy(torchNet.call(tx), ty);
            var g = TorchApi.autograd.grad([loss], [tx], retain_graph: true, create_graph: true)[0];
            var penalty = (g.pow(2).sum([1, 2, 3]).sqrt() - 1).pow(2).mean();
            var total = loss + penalty * Lambda;
            opt.zero_grad();
            total.backward();
            var grads = torchNet.named_parameters().ToDictionary(p => p.name, p => TorchConversions.ReadDoubles(p.parameter.grad!));
            opt.step();
            tParams = torchNet.named_parameters().ToDictionary(p => p.name, p => (grads[p.name], TorchConversions.ReadDoubles(p.parameter)));
            (tLoss, tPenalty, tInputGrad) = (loss.item<double>(), penalty.item<double>(), TorchConversions.ReadDoubles(g));
        }

        var xs = x.Detach().RequiresGrad_(true);
        var sgd = new SGD(net.Parameters(), lr: Lr);
        var ourLoss = F.CrossEntropy(net.Forward(xs), y);
        var ourG = Grad.Compute(ourLoss, xs, createGraph: true);
        // Σ g² over each sample, then its square root through pow(0.5): (‖g_n‖ − 1)².
        var ourPenalty = ((ourG * ourG).Sum([1, 2, 3]).Pow(0.5) - 1).Pow(2).Mean();
        // The first-order part (createGraph only records it) agrees already.
        Assert.Equal(tLoss, ourLoss.Item(), 1e-10);
        TestData.AssertClose(tInputGrad, ourG, 1e-9);
        Assert.Equal(tPenalty, ourPenalty.Item(), 1e-10);
        Assert.True(tPenalty > 0.5, $"the penalty must matter in the step (it is {tPenalty})");

        var ourTotal = ourLoss + ourPenalty * Lambda;
        sgd.ZeroGrad();
        ourTotal.Backward();   // the double backward through the whole network
        var ourGrads = net.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad!.ToDoubleArray());
        sgd.Step();
        Assert.Equal(tParams.Keys.Order(), ourGrads.Keys.Order());
        foreach (var (name, p) in net.NamedParameters())
        {
            TestData.AssertClose(tParams[name].Grad, Tensor.From(ourGrads[name]), 1e-8);
            TestData.AssertClose(tParams[name].Updated, p.Data, 1e-10);
        }
    }
}
