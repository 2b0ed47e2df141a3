namespace Autograd.Tests;

/// <summary>
/// One pooling call with PyTorch's output, argmax indices (null for ops without) and input gradient for
/// sum(y * Det(y.shape, 3, 5, 2)); the input is Det(X, Spec…) + Offset with NaN / −∞ written at the
/// listed flat positions (see PoolTorchReference.py, which generated PoolTorchCases.cs).
/// </summary>
public sealed record PoolCase(string Name, int[] X, int[] Spec, double Offset, int[] NaNAt, int[] NegInfAt,
    Func<Tensor, (Tensor Output, Tensor? Indices)> Op, int[] Y, double[] Out, int[]? Indices, double[] DX);

public static partial class PoolTorchCases
{
    public static Tensor Input(PoolCase c, DType dtype)
    {
        var v = new double[ShapeUtil.Numel(c.X)];
        for (int i = 0; i < v.Length; i++) v[i] = ((long)i * c.Spec[0] % c.Spec[1] - c.Spec[1] / 2) / (double)c.Spec[2] + c.Offset;
        foreach (var i in c.NaNAt) v[i] = double.NaN;
        foreach (var i in c.NegInfAt) v[i] = double.NegativeInfinity;
        var t = Tensor.From(v, c.X);
        return (dtype == DType.Float64 ? t : t.To(dtype)).Detach().RequiresGrad_();
    }

    public static PoolCase Get(string name) => Cases.Single(k => k.Name == name);

    /// <summary>max_unpool2d(*max_pool2d(x, k, s, p, return_indices=True), k, s, p, output_size).</summary>
    public static Tensor PoolUnpool(Tensor x, Pair kernel, Pair stride, Pair padding, int[]? outputSize = null)
    {
        var (y, indices) = F.MaxPool2dWithIndices(x, kernel, stride, padding);
        return F.MaxUnpool2d(y, indices, kernel, stride, padding, outputSize);
    }

    /// <summary>The upstream gradient: ((i·3) mod 5 − 2) / 2.</summary>
    public static Tensor Det(int[] shape, DType dtype)
    {
        var v = new double[ShapeUtil.Numel(shape)];
        for (int i = 0; i < v.Length; i++) v[i] = ((long)i * 3 % 5 - 2) / 2.0;
        var t = Tensor.From(v, shape);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }
}

/// <summary>Forward values, argmax indices and gradients against PyTorch 1.13 (PoolTorchCases.cs, generated).</summary>
public class PoolTorchTests
{
    public static TheoryData<string, DType> All()
    {
        var d = new TheoryData<string, DType>();
        foreach (var c in PoolTorchCases.Cases) { d.Add(c.Name, DType.Float64); d.Add(c.Name, DType.Float32); }
        return d;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void PoolingMatchesPyTorch(string name, DType dtype)
    {
        var c = PoolTorchCases.Get(name);
        double tol = dtype == DType.Float64 ? 1e-12 : 1e-5;
        var x = PoolTorchCases.Input(c, dtype);

        var (y, indices) = c.Op(x);

        Assert.Equal(c.Y, y.Shape.ToArray());
        Assert.Equal(dtype, y.DType);
        AssertClose(c.Out, y.ToDoubleArray(), tol, "output");
        if (c.Indices is not null) Assert.Equal(c.Indices, indices!.ToArray<int>());
        (y * PoolTorchCases.Det(c.Y, dtype)).Sum().Backward();
        AssertClose(c.DX, x.Grad!.ToDoubleArray(), tol, "input grad");
    }

    internal static void AssertClose(double[] expected, double[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]) && double.IsNaN(actual[i])) continue;
            if (expected[i] == actual[i]) continue;   // infinities
            if (!(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tol})");
        }
    }
}
