using Autograd.Nn;

namespace Autograd.Tests.Optim;

/// <summary>nn.init fills: bounds and statistics from PyTorch's formulas, orthogonality, errors.</summary>
public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, std, v.Min(), v.Max());
    }

    [Fact]
    public void XavierUniformStaysWithinItsBoundAndHasTheUniformStd()
    {
        var w = Tensor.Zeros([200, 100, 3]);                       // fan_in 300, fan_out 600
        Init.XavierUniform_(w, gain: 2, generator: new Generator(1));
        double a = 2 * Math.Sqrt(6.0 / 900);
        var (mean, std, min, max) = Stats(w);
        Assert.True(min >= -a && max <= a && max > 0.99 * a && min < -0.99 * a);
        Assert.InRange(mean, -0.01 * a, 0.01 * a);
        Assert.InRange(std, 0.99 * a / Math.Sqrt(3), 1.01 * a / Math.Sqrt(3));
    }

    [Theory]
    [InlineData("xavier", 1.5, "fan_in")]
    [InlineData("kaiming_in", 0, "fan_in")]
    [InlineData("kaiming_out", 0, "fan_out")]
    public void NormalFillsHaveTheFormulasStd(string kind, double gainOrA, string mode)
    {
        var w = Tensor.Zeros([300, 150], DType.Float64);            // fan_in 150, fan_out 300
        double expected = kind switch
        {
            "xavier" => gainOrA * Math.Sqrt(2.0 / 450),
            _ => Math.Sqrt(2.0) / Math.Sqrt(mode == "fan_in" ? 150 : 300),   // relu gain
        };
        if (kind == "xavier") Init.XavierNormal_(w, gainOrA, new Generator(2));
        else Init.KaimingNormal_(w, gainOrA, mode, "relu", new Generator(3));
        var (mean, std, _, _) = Stats(w);
        Assert.InRange(mean, -0.01 * expected, 0.01 * expected);
        Assert.InRange(std, 0.98 * expected, 1.02 * expected);
    }

    [Theory]
    [InlineData(4, 10, 1.0)]
    [InlineData(10, 4, 2.0)]
    [InlineData(6, 6, 0.5)]
    public void OrthogonalRowsOrColumnsAreOrthonormalTimesGain(int rows, int cols, double gain)
    {
        var w = Tensor.Zeros([rows, cols], DType.Float64);
        Init.Orthogonal_(w, gain, new Generator(5));
        var v = w.ToDoubleArray();
        // The smaller side is orthonormal: W·Wᵀ = gain²·I when rows ≤ cols, WᵀW = gain²·I otherwise.
        int n = Math.Min(rows, cols);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                if (rows <= cols) for (int k = 0; k < cols; k++) dot += v[i * cols + k] * v[j * cols + k];
                else for (int k = 0; k < rows; k++) dot += v[k * cols + i] * v[k * cols + j];
                Assert.Equal(i == j ? gain * gain : 0, dot, 12);
            }
    }

    [Fact]
    public void OrthogonalFlattensTrailingDimsAndRejectsVectors()
    {
        var w = Tensor.Zeros([3, 2, 2]);
        Init.Orthogonal_(w, generator: new Generator(6));
        var v = w.ToDoubleArray();
        for (int i = 0; i < 3; i++)
        {
            double n2 = 0;
            for (int k = 0; k < 4; k++) n2 += v[i * 4 + k] * v[i * 4 + k];
            Assert.Equal(1.0, n2, 5);
        }
        Assert.Contains("Only tensors with 2 or more dimensions are supported", Assert.Throws<ArgumentException>(() => Init.Orthogonal_(Tensor.Zeros([5]))).Message);
    }

    [Fact]
    public void ConstantEyeDiracAndTruncNormal()
    {
        Assert.All(Init.Constant_(Tensor.Zeros([2, 3]), 0.25).ToDoubleArray(), x => Assert.Equal(0.25, x));
        Assert.All(Init.Ones_(Tensor.Zeros([4])).ToDoubleArray(), x => Assert.Equal(1.0, x));
        Assert.All(Init.Zeros_(Tensor.Ones([4])).ToDoubleArray(), x => Assert.Equal(0.0, x));
        Assert.Equal([1.0, 0, 0, 0, 1, 0], Init.Eye_(Tensor.Zeros([2, 3])).ToDoubleArray());
        Assert.Contains("Only tensors with 2 dimensions", Assert.Throws<ArgumentException>(() => Init.Eye_(Tensor.Zeros([2, 2, 2]))).Message);

        // dirac_ on a (4, 2, 3) conv1d weight with 2 groups: out channel g·2 + d has a 1 at [d, centre 1].
        var d = Init.Dirac_(Tensor.Zeros([4, 2, 3]), groups: 2).ToDoubleArray();
        var expected = new double[24];
        foreach (var (o, i) in new[] { (0, 0), (1, 1), (2, 0), (3, 1) }) expected[o * 6 + i * 3 + 1] = 1;
        Assert.Equal(expected, d);
        Assert.Contains("divisible by groups", Assert.Throws<ArgumentException>(() => Init.Dirac_(Tensor.Zeros([3, 2, 3]), groups: 2)).Message);

        var t = Init.TruncNormal_(Tensor.Zeros([20000], DType.Float64), mean: 1, std: 2, a: 0, b: 3, generator: new Generator(7));
        var (mean, _, min, max) = Stats(t);
        Assert.True(min >= 0 && max <= 3);
        // Mean of N(1, 4) truncated to [0, 3]: μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α)), α = −0.5, β = 1 (≈ 1.3155).
        static double Phi(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
        double z = 0.5 * (1 + 0.6826894921370859) - 0.5 * (1 - 0.3829249225480262);   // Φ(1) − Φ(−0.5)
        double truncMean = 1 + 2 * (Phi(-0.5) - Phi(1)) / z;
        Assert.InRange(mean, truncMean - 0.02, truncMean + 0.02);
        Assert.Equal(0.5, Init.ErfInv(0.5204998778130465), 12);   // erf(0.5)
    }

    [Fact]
    public void KaimingNormalRejectsAnUnknownMode()
        => Assert.Contains("Mode fan_avg not supported", Assert.Throws<ArgumentException>(() => Init.KaimingNormal_(Tensor.Zeros([2, 2]), mode: "fan_avg")).Message);
}
