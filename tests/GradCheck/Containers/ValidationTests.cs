using Autograd.Nn;

namespace Autograd.Tests.Containers;

/// <summary>Modules reject bad arguments when constructed, with PyTorch's messages (python3-torch 1.13 was asked for each).</summary>
public class ValidationTests
{
    private static string Message(Action build) => Assert.ThrowsAny<ArgumentException>(build).Message;

    [Fact]
    public void Conv2dChecksAsTorchNnConvNd()
    {
        // nn.Conv2d(3, 33, 10, padding="foo"): Invalid padding string 'foo', should be one of {'same', 'valid'} (set order varies)
        Assert.Contains("Invalid padding string 'foo', should be one of {'valid', 'same'}", Message(() => new Conv2d(3, 33, 10, padding: "foo")));
        Assert.Contains("padding='same' is not supported for strided convolutions", Message(() => new Conv2d(3, 33, 10, stride: 2, padding: "same")));
        Assert.Contains("padding='same' is not supported for strided convolutions", Message(() => new Conv2d(3, 33, 10, stride: (1, 2), padding: "same")));
        Assert.Contains("in_channels must be divisible by groups", Message(() => new Conv2d(3, 33, 10, groups: 2)));
        Assert.Contains("out_channels must be divisible by groups", Message(() => new Conv2d(4, 33, 10, groups: 2)));
        Assert.Contains("groups must be a positive integer", Message(() => new Conv2d(4, 4, 3, groups: 0)));
        Assert.Contains("padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='foo'", Message(() => new Conv2d(4, 4, 3, paddingMode: "foo")));
        Assert.Contains("non-positive stride is not supported", Message(() => new Conv2d(4, 4, 3, stride: 0)));
        Assert.Contains("non-positive dilation is not supported", Message(() => new Conv2d(4, 4, 3, dilation: (1, 0))));
        Assert.Contains("negative padding is not supported", Message(() => new Conv2d(4, 4, 3, padding: -1)));
        // Valid corner cases still build.
        _ = new Conv2d(4, 4, 3, padding: "same", dilation: 2);
        _ = new Conv2d(4, 4, 3, padding: "valid", stride: 2);
        _ = new Conv2d(4, 8, 3, groups: 4, paddingMode: "reflect", padding: 1);
    }

    [Fact]
    public void PoolsCheckTheWindowWhenBuiltWithTheFunctionalMessages()
    {
        Assert.Contains("stride should be greater than zero", Message(() => new MaxPool2d(2, stride: 0)));
        Assert.Contains("pad should be at most half of kernel size, but got pad=(2, 2) and kernel_size=(2, 2)", Message(() => new MaxPool2d(2, padding: 2)));
        Assert.Contains("kernel size should be greater than zero", Message(() => new MaxPool2d(0)));
        Assert.Contains("dilation should be greater than zero", Message(() => new MaxPool2d(2, dilation: 0)));
        Assert.Contains("pad must be non-negative", Message(() => new MaxPool2d(3, padding: -1)));
        Assert.Contains("stride should be greater than zero", Message(() => new AvgPool2d(2, stride: (1, 0))));
        Assert.Contains("pad should be at most half of kernel size", Message(() => new AvgPool2d(3, padding: 2)));
        Assert.Contains("divisor must be not zero", Message(() => new AvgPool2d(2, divisorOverride: 0)));
        // The same checks as the functional op, which still reports them for direct calls.
        var x = Tensor.Zeros([1, 1, 4, 4]);
        Assert.Contains("stride should be greater than zero", Message(() => F.MaxPool2d(x, 2, stride: 0)));
        _ = new MaxPool2d(3, padding: 1, dilation: 2).Forward(x);
        _ = new AvgPool2d(2, padding: 1, ceilMode: true).Forward(x);
    }

    [Fact]
    public void LinearRejectsNegativeFeatures()
    {
        Assert.Contains("in_features must be non-negative", Message(() => new Linear(-1, 2)));
        Assert.Contains("out_features must be non-negative", Message(() => new Linear(2, -3)));
    }

    [Fact]
    public void ActivationModulesComputeTheFunctionsAndPrintAsPyTorch()
    {
        var x = TestData.Randn([2, 3, 4], 7);
        Assert.Equal(F.Tanh(x).ToDoubleArray(), new Tanh().Forward(x).ToDoubleArray());
        Assert.Equal(F.Sigmoid(x).ToDoubleArray(), new Sigmoid().Forward(x).ToDoubleArray());
        Assert.Equal(F.Softmax(x, 1).ToDoubleArray(), new Softmax(1).Forward(x).ToDoubleArray());
        Assert.Equal(F.LogSoftmax(x, -1).ToDoubleArray(), new LogSoftmax(-1).Forward(x).ToDoubleArray());
        Assert.Equal(F.Gelu(x, "none").ToDoubleArray(), new GELU().Forward(x).ToDoubleArray());
        Assert.Equal(F.LeakyRelu(x, 0.01).ToDoubleArray(), new LeakyReLU().Forward(x).ToDoubleArray());
        Assert.Equal(F.Silu(x).ToDoubleArray(), new SiLU().Forward(x).ToDoubleArray());
        Assert.Equal(F.Softplus(x, 1, 20).ToDoubleArray(), new Softplus().Forward(x).ToDoubleArray());
        Assert.Equal(F.Elu(x, 1).ToDoubleArray(), new ELU().Forward(x).ToDoubleArray());
        // print(nn.Softmax(dim=1), nn.LogSoftmax(), nn.Tanh(), nn.Sigmoid())
        Assert.Equal("Softmax(dim=1)", new Softmax(1).ToString());
        Assert.Equal("LogSoftmax(dim=None)", new LogSoftmax().ToString());
        Assert.Equal("Tanh()", new Tanh().ToString());
        Assert.Equal("Sigmoid()", new Sigmoid().ToString());
    }

    [Fact]
    public void SoftmaxWithoutDimUsesPyTorchsLegacyRuleAndWarns()
    {
        var warnings = new List<string>();
        void Collect(string w) => warnings.Add(w);
        Warnings.Raised += Collect;
        try
        {
            var x3 = TestData.Randn([2, 3, 4], 8);
            var x4 = TestData.Randn([2, 3, 4, 2], 9);
            Assert.Equal(F.Softmax(x3, 0).ToDoubleArray(), new Softmax().Forward(x3).ToDoubleArray());
            Assert.Equal(F.LogSoftmax(x4, 1).ToDoubleArray(), new LogSoftmax().Forward(x4).ToDoubleArray());
        }
        finally { Warnings.Raised -= Collect; }
        Assert.Contains(warnings, w => w.Contains("Implicit dimension choice for softmax has been deprecated"));
        Assert.Contains(warnings, w => w.Contains("Implicit dimension choice for log_softmax has been deprecated"));
    }
}
