namespace Autograd.Tests.Ops.Pooling;

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
        var v = TestData.Det(c.X, c.Spec[0], c.Spec[1], c.Spec[2]).ToDoubleArray();
        for (int i = 0; i < v.Length; i++) v[i] += c.Offset;
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
        TestData.AssertClose(c.Out, y.ToDoubleArray(), tol, "output");
        if (c.Indices is not null) Assert.Equal(c.Indices, indices!.ToArray<int>());
        (y * TestData.Det(c.Y, 3, 5, 2, dtype)).Sum().Backward();
        TestData.AssertClose(c.DX, x.Grad!.ToDoubleArray(), tol, "input grad");
    }
}
