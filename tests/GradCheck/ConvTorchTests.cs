namespace Autograd.Tests;

/// <summary>One conv2d configuration with PyTorch's output and gradients (see ConvTorchReference.py).</summary>
public sealed record ConvCase(string Name, int[] X, int[] W, bool HasBias, Pair Stride, Padding Padding, Pair Dilation, int Groups,
    int[] Y, double[] Out, double[] DX, double[] DW, double[]? DB);

/// <summary>One constant-pad configuration with PyTorch's output and input gradient.</summary>
public sealed record PadCase(string Name, int[] X, int[] Pad, double Value, int[] Y, double[] Out, double[] DX);

public static partial class ConvTorchCases
{
    /// <summary>((i·mul) mod m − m/2) / div for i = 0..numel−1: exact binary fractions, same as det() in the script.</summary>
    public static Tensor Det(int[] shape, int mul, int mod, int div, DType dtype = DType.Float64, bool requiresGrad = false)
    {
        var v = new double[ShapeUtil.Numel(shape)];
        for (int i = 0; i < v.Length; i++) v[i] = ((long)i * mul % mod - mod / 2) / (double)div;
        var t = Tensor.From(v, shape);
        return (dtype == DType.Float64 ? t : t.To(dtype)).Detach().RequiresGrad_(requiresGrad);
    }
}

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
        var x = ConvTorchCases.Det(c.X, 7, 11, 4, dtype, requiresGrad: true);
        var w = ConvTorchCases.Det(c.W, 5, 7, 8, dtype, requiresGrad: true);
        var b = c.HasBias ? ConvTorchCases.Det([c.W[0]], 1, 5, 2, dtype, requiresGrad: true) : null;

        var y = F.Conv2d(x, w, b, c.Stride, c.Padding, c.Dilation, c.Groups);

        Assert.Equal(c.Y, y.Shape.ToArray());
        Assert.Equal("ConvolutionBackward0", y.GradFn!.Name);
        AssertClose(c.Out, y.ToDoubleArray(), tol, "output");
        (y * ConvTorchCases.Det(c.Y, 3, 5, 2, dtype)).Sum().Backward();
        AssertClose(c.DX, x.Grad!.ToDoubleArray(), tol, "input grad");
        AssertClose(c.DW, w.Grad!.ToDoubleArray(), tol, "weight grad");
        if (b is not null) AssertClose(c.DB!, b.Grad!.ToDoubleArray(), tol, "bias grad");
    }

    [Theory]
    [MemberData(nameof(PadCases))]
    public void PadMatchesPyTorch(string name)
    {
        var c = ConvTorchCases.Pad.Single(k => k.Name == name);
        var x = ConvTorchCases.Det(c.X, 7, 11, 4, requiresGrad: true);

        var y = F.Pad(x, c.Pad, c.Value);

        Assert.Equal(c.Y, y.Shape.ToArray());
        Assert.Equal("ConstantPadNdBackward0", y.GradFn!.Name);
        AssertClose(c.Out, y.ToDoubleArray(), 0, "output");
        (y * ConvTorchCases.Det(c.Y, 3, 5, 2)).Sum().Backward();
        AssertClose(c.DX, x.Grad!.ToDoubleArray(), 0, "input grad");
    }

    internal static void AssertClose(double[] expected, double[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tol})");
    }
}
