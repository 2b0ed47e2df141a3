namespace Autograd.Tests;

/// <summary>Seeded float64 inputs for gradient checks and comparisons with reference values (assertions: Assertions.cs).</summary>
internal static partial class TestData
{
    /// <summary>Standard normal values.</summary>
    public static Tensor Randn(int[] shape, int seed, bool requiresGrad = true)
        => Tensor.Randn(shape, DType.Float64, requiresGrad, new Generator(seed));

    /// <summary>Values in [0.5, 2): safe for log, sqrt and negative powers.</summary>
    public static Tensor Positive(int[] shape, int seed, bool requiresGrad = true)
        => Tensor.Uniform(shape, 0.5, 2.0, DType.Float64, requiresGrad, new Generator(seed));

    /// <summary>Values with |v| in [0.2, 2) and random sign: no kink (abs, relu) within eps.</summary>
    public static Tensor AwayFromZero(int[] shape, int seed, bool requiresGrad = true)
    {
        var g = new Generator(seed);
        var t = Tensor.Uniform(shape, 0.2, 2.0, DType.Float64, false, g);
        for (int i = 0; i < t.Numel; i++) if (g.NextUniform() < 0.5) t.SetDouble(i, -t.GetDouble(i));
        return t.RequiresGrad_(requiresGrad);
    }

    /// <summary>Distinct values (a shuffled ramp with noise): max/min and sorting have no ties.</summary>
    public static Tensor Distinct(int[] shape, int seed, bool requiresGrad = true)
    {
        var g = new Generator(seed);
        int n = ShapeUtil.Numel(shape);
        var v = Enumerable.Range(0, n).Select(i => i * 0.37 - n * 0.15 + 0.05 * g.NextUniform()).OrderBy(_ => g.NextUniform()).ToArray();
        return Tensor.From(v, shape, requiresGrad);
    }

    /// <summary>
    /// ((i·mul) mod m − m/2) / div for i = 0..numel−1: exact binary fractions, so C# and the Python reference
    /// scripts (Ops/Conv2d/ConvTorchReference.py, Ops/Pooling/PoolTorchReference.py: their det()) start from
    /// identical values. The one deterministic-input helper of the suite.
    /// </summary>
    public static Tensor Det(int[] shape, int mul, int mod, int div, DType dtype = DType.Float64, bool requiresGrad = false)
    {
        var v = new double[ShapeUtil.Numel(shape)];
        for (int i = 0; i < v.Length; i++) v[i] = ((long)i * mul % mod - mod / 2) / (double)div;
        var t = Tensor.From(v, shape);
        return (dtype == DType.Float64 ? t : t.To(dtype)).Detach().RequiresGrad_(requiresGrad);
    }

    public static TheoryData<int[]> Shapes => new() { new int[0], new[] { 1 }, new[] { 7 }, new[] { 3, 1, 5 }, new[] { 2, 3, 4 } };
}
