namespace Autograd.Tests.Ops.Conv2d;

/// <summary>One conv2d configuration with PyTorch's output and gradients (see ConvTorchReference.py).</summary>
public sealed record ConvCase(string Name, int[] X, int[] W, bool HasBias, Pair Stride, Padding Padding, Pair Dilation, int Groups,
    int[] Y, double[] Out, double[] DX, double[] DW, double[]? DB);

/// <summary>One constant-pad configuration with PyTorch's output and input gradient.</summary>
public sealed record PadCase(string Name, int[] X, int[] Pad, double Value, int[] Y, double[] Out, double[] DX);

/// <summary>Forward values and gradients against PyTorch 1.13 for fixed inputs (ConvTorchCases.cs, generated).</summary>
public class ConvTorchTests
{
    public static TheoryData<string, DType> ConvCases()
    {
        var d = new TheoryData<string, DType>();
        foreach (var c in ConvTorchCases.Conv) { d.Add(c.Name, DType.Float64); d.Add(c.Name, DType.Float32); }
        return d;
    }

    public static TheoryData<string> PadCases() => new(ConvTorchCases.Pad.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2dMatchesPyTorch(string name, DType dtype) => CheckAgainstPyTorch(ConvTorchCases.Conv.Single(k => k.Name == name), dtype);

    /// <summary>Output and every gradient of one generated case, for the inputs ConvTorchReference.py used.</summary>
    internal static void CheckAgainstPyTorch(ConvCase c, DType dtype)
    {
        double tol = dtype == DType.Float64 ? 1e-12 : 1e-5;
        var x = TestData.Det(c.X, 7, 11, 4, dtype, requiresGrad: true);
        var w = TestData.Det(c.W, 5, 7, 8, dtype, requiresGrad: true);
        var b = c.HasBias ? TestData.Det([c.W[0]], 1, 5, 2, dtype, requiresGrad: true) : null;

        var y = F.Conv2d(x, w, b, c.Stride, c.Padding, c.Dilation, c.Groups);

        Assert.Equal(c.Y, y.Shape.ToArray());
        Assert.Equal("ConvolutionBackward0", y.GradFn!.Name);
        TestData.AssertClose(c.Out, y.ToDoubleArray(), tol, "output");
        (y * TestData.Det(c.Y, 3, 5, 2, dtype)).Sum().Backward();
        TestData.AssertClose(c.DX, x.Grad!.ToDoubleArray(), tol, "input grad");
        TestData.AssertClose(c.DW, w.Grad!.ToDoubleArray(), tol, "weight grad");
        if (b is not null) TestData.AssertClose(c.DB!, b.Grad!.ToDoubleArray(), tol, "bias grad");
    }

    [Theory]
    [MemberData(nameof(PadCases))]
    public void PadMatchesPyTorch(string name)
    {
        var c = ConvTorchCases.Pad.Single(k => k.Name == name);
        var x = TestData.Det(c.X, 7, 11, 4, requiresGrad: true);

        var y = F.Pad(x, c.Pad, c.Value);

        Assert.Equal(c.Y, y.Shape.ToArray());
        Assert.Equal("ConstantPadNdBackward0", y.GradFn!.Name);
        TestData.AssertClose(c.Out, y.ToDoubleArray(), 0, "output");
        (y * TestData.Det(c.Y, 3, 5, 2)).Sum().Backward();
        TestData.AssertClose(c.DX, x.Grad!.ToDoubleArray(), 0, "input grad");
    }
}
