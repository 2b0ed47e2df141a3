namespace Autograd.Tests;

/// <summary>
/// Tensor printing against PyTorch 1.13's own repr of the same tensors. The expected text lives in
/// Verified/TensorPrinting.verified.txt, written by Reference/printing.py (python3-torch), never by us:
/// each case below must build exactly the tensor of the case of the same name there.
/// </summary>
public class PrintingSnapshotTests
{
    private const DType F64 = DType.Float64;

    private static Tensor T(float[] v, params int[] shape) => Tensor.From(v, shape.Length == 0 ? [v.Length] : shape);
    private static Tensor T64(double[] v) => Tensor.From(v);
    private static Tensor Ramp(int n, DType dtype = DType.Float32) => Tensor.Arange(0, n, 1, dtype);

    private static readonly Dictionary<string, Func<Tensor>> Cases = new()
    {
        ["integers_requires_grad"] = () => Tensor.From([1f, 2, 3, 4], [2, 2], requiresGrad: true),
        ["fractions"] = () => T([0.1f, 0.25f, -1.5f, 3.14159f]),
        ["fractions_round_half_even"] = () => T([0.03125f, 0.09375f, 1.0f]),
        ["sci_small"] = () => T([1e-5f, 2e-5f, -3.5e-6f]),
        ["sci_large"] = () => T([1e9f, 2.5e9f, -1.0f]),
        ["sci_ratio"] = () => T([0.001f, 10.5f]),
        ["sci_round_half_even"] = () => T64([1.03125, 1e-5]),
        ["sci_three_digit_exponent"] = () => T64([1e-120, 2.5e200]),
        ["integers_large_sci"] = () => T([1e9f, 1f]),
        ["integers_ratio_sci"] = () => T([1f, 2000f]),
        ["integers_negative"] = () => T([-1f, 0f, 10f, -100f]),
        ["negatives_fixed"] = () => T([-1.5f, 2.25f, 0f, -0.125f], 2, 2),
        ["nan_inf_fixed"] = () => T([1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity]),
        ["nan_inf_integers"] = () => T([1f, float.NaN, float.NegativeInfinity]),
        ["nan_inf_sci"] = () => T([1e-6f, float.NaN, float.NegativeInfinity, 3f]),
        ["only_nonfinite"] = () => T([float.NaN, float.PositiveInfinity]),
        ["zeros"] = () => Tensor.Zeros([2, 3]),
        ["negative_zero"] = () => T([-0.0f, 1f]),
        ["tiny_and_zero"] = () => T([0f, 1e-10f]),
        ["wide_fixed"] = () => T([-1000.5f, 2.5f]),
        ["three_d"] = () => Ramp(24).Reshape([2, 3, 4]) / 4,
        ["four_d"] = () => Ramp(16).Reshape([2, 2, 2, 2]),
        ["wrapped_row"] = () => Ramp(30) * 1.5,
        ["wrapped_rows_2d"] = () => Ramp(40).Reshape([2, 20]) * 1.25,
        ["summarized_1d"] = () => Ramp(2000),
        ["summarized_2d"] = () => Ramp(1200).Reshape([40, 30]) * 0.5,
        ["summarized_3d"] = () => Ramp(1500).Reshape([10, 10, 15]) - 700,
        ["summarized_float64"] = () => Ramp(1001, F64) / 3,
        ["not_summarized_at_1000"] = () => Ramp(1000).Reshape([10, 100]),
        ["float64"] = () => T64([1.5, 2.0]),
        ["float64_requires_grad"] = () => Tensor.From([1.0, 2.0], [1, 2], requiresGrad: true),
        ["grad_fn"] = () => Tensor.From([1f, 2f], requiresGrad: true) * 2,
        ["grad_fn_float64_wraps_suffix"] = () => Ramp(8, F64).Reshape([1, 8]).RequiresGrad_() * 1.1,
        ["grad_fn_matrix"] = () => (Tensor.From([1f, -2f, 3f, 4.5f], [2, 2], requiresGrad: true) + 1).Relu(),
        ["scalar"] = () => Tensor.Scalar(3.5),
        ["scalar_integer"] = () => Tensor.Scalar(2),
        ["scalar_sci"] = () => Tensor.Scalar(1.5e-7),
        ["scalar_float64_requires_grad"] = () => Tensor.Scalar(-0.25, F64, requiresGrad: true),
        ["scalar_grad_fn"] = () => Tensor.From([1f, 2, 3, 4], requiresGrad: true).Mean(),
        ["scalar_nan"] = () => Tensor.Scalar(double.NaN),
        ["boundary_1e8_integers"] = () => T([1e8f, 5e7f]),
        ["boundary_1e-4_fixed"] = () => T64([1e-4, 2e-4]),
        ["boundary_ratio_1000_fixed"] = () => T64([0.5, 500.0]),
        ["thirds"] = () => Ramp(5) / 3,
        ["nan_inf_integer_matrix"] = () => T([float.NaN, 1f, 2f, float.PositiveInfinity], 2, 2),
        ["empty"] = () => Tensor.Zeros([0]),
        ["empty_2d"] = () => Tensor.Zeros([2, 0]),
        ["empty_float64"] = () => Tensor.Zeros([0], F64),
        ["empty_3d_float64_requires_grad"] = () => Tensor.Zeros([0, 3, 1], F64, requiresGrad: true),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void PrintsLikePyTorch(string name) => Assert.Equal(Expected()[name], Cases[name]().ToString());

    [Fact]
    public void EveryPyTorchCaseHasATensorHere() => Assert.Equal(Expected().Keys.Order(), Cases.Keys.Order());

    [Fact]
    public void KeyCasesSpelledOut()
    {
        Assert.Equal("tensor([ 0.1000,  0.2500, -1.5000,  3.1416])", Cases["fractions"]().ToString());
        Assert.Equal("tensor([1.0312e+00, 1.0000e-05], dtype=torch.float64)", Cases["sci_round_half_even"]().ToString());
        Assert.Equal("tensor(2.5000, grad_fn=<MeanBackward0>)", Cases["scalar_grad_fn"]().ToString());
        Assert.Equal("tensor([], size=(2, 0))", Cases["empty_2d"]().ToString());
    }

    /// <summary>The "## name" sections of the PyTorch-written file.</summary>
    private static Dictionary<string, string> Expected()
    {
        var path = Path.Combine(SourceDir(), "Verified", "TensorPrinting.verified.txt");
        var text = File.ReadAllText(path).Replace("\r\n", "\n");
        var result = new Dictionary<string, string>();
        foreach (var block in text.Split("## ", StringSplitOptions.RemoveEmptyEntries))
        {
            int nl = block.IndexOf('\n');
            result[block[..nl]] = block[(nl + 1)..].TrimEnd('\n');
        }
        return result;
    }

    private static string SourceDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
