using Autograd.Nn;
using Autograd.Nn.Optim;

namespace Autograd.Tests.Nn;

/// <summary>
/// The sample's layer stack, scaled down, trained three SGD steps in float64 and compared with
/// PyTorch. Expected numbers: tests/GradCheck/Nn/network_reference.py (run with /usr/bin/python3),
/// which sets parameter k, element i to 0.4·sin(0.7·i + 1.1·k + 0.3) and input element i to cos(0.37·i).
/// </summary>
public class NetworkTrainingTests
{
    private static Sequential Build() => new(
        new Conv2d(1, 4, 3, padding: 1, dtype: DType.Float64), new ReLU(), new MaxPool2d(2),
        new Conv2d(4, 6, 3, padding: 1, dtype: DType.Float64), new ReLU(), new AvgPool2d(2),
        new Flatten(), new Linear(24, 8, dtype: DType.Float64), new ReLU(), new Linear(8, 5, dtype: DType.Float64));

    private static readonly double[] TorchLosses = [1.87865278232041, 1.7943055222475266, 1.6692866833495146];

    private static readonly Dictionary<string, (double Sum, double[] First)> TorchParams = new()
    {
        { "0.weight", (0.019091469560075736, [0.12160217105540842, 0.3373804777713457, 0.39659624697676715]) },
        { "0.bias", (0.7298119579606085, [0.39389435978884063, 0.3449306552616421, 0.13359111166779547]) },
        { "3.weight", (-0.09197985791081523, [0.22896024714708293, -0.03483106865498286, -0.286160954134242]) },
        { "3.bias", (-0.8214663281934836, [-0.18597096557781448, -0.35707836946984345, -0.38852767437369756]) },
        { "7.weight", (-0.980861888930055, [-0.39976490066826564, -0.2970846294742214, -0.0466803041491392]) },
        { "7.bias", (0.3142920179555324, [-0.12412747541149662, 0.08604799523512621, 0.21523039824073786]) },
        { "9.weight", (1.1458733858946428, [0.23794201179474908, 0.38716786881259463, 0.38698869750100356]) },
        { "9.bias", (0.028438409279817806, [0.43404859366341697, 0.11633697367039532, -0.10950324427777047]) },
    };

    [Fact]
    public void ThreeSgdStepsMatchPyTorch()
    {
        var net = Build();
        int k = 0;
        foreach (var (_, p) in net.NamedParameters())
        {
            var v = new double[p.Numel];
            for (int i = 0; i < v.Length; i++) v[i] = 0.4 * Math.Sin(0.7 * i + 1.1 * k + 0.3);
            p.CopyFrom(v);
            k++;
        }
        var xData = new double[3 * 64];
        for (int i = 0; i < xData.Length; i++) xData[i] = Math.Cos(0.37 * i);
        var x = Tensor.From(xData, [3, 1, 8, 8]);
        int[] y = [0, 3, 4];
        var opt = new SGD(net.Parameters(), lr: 0.1, momentum: 0.9);
        for (int step = 0; step < 3; step++)
        {
            var loss = F.CrossEntropy(net.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            Assert.Equal(TorchLosses[step], loss.Item(), 1e-10);
        }
        Assert.Equal(TorchParams.Keys, net.NamedParameters().Select(p => p.Name));
        foreach (var (name, p) in net.NamedParameters())
        {
            var v = p.Data.ToDoubleArray();
            Assert.Equal(TorchParams[name].Sum, v.Sum(), 1e-10);
            for (int i = 0; i < 3; i++) Assert.Equal(TorchParams[name].First[i], v[i], 1e-10);
        }
    }

    [Fact]
    public void ReprMatchesPyTorch()
    {
        // repr(net) printed by network_reference.py
        const string torch = """
            Sequential(
              (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (1): ReLU()
              (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (3): Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (4): ReLU()
              (5): AvgPool2d(kernel_size=2, stride=2, padding=0)
              (6): Flatten(start_dim=1, end_dim=-1)
              (7): Linear(in_features=24, out_features=8, bias=True)
              (8): ReLU()
              (9): Linear(in_features=8, out_features=5, bias=True)
            )
            """;
        Assert.Equal(torch.ReplaceLineEndings("\n"), Build().ToString());
    }
}
