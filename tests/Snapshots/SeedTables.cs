namespace Autograd.Tests;

/// <summary>
/// The seeds' printed results (/work/shared/seeds and its README), transcribed: the expected values of
/// the seed replays (samples/Explain), the seed snapshot tests and the routing-map seed tests
/// (linked into GradCheck.Tests). Never produced by this engine.
/// </summary>
internal static class SeedTables
{
    // Seed 000 prints x.grad of mean(pool(x)) and the "position matrix" beside it for each case. The
    // gradients are the positions divided by the number of windows (max) or 4 × it (avg).

    /// <summary>Seed 000, max_pool2d k2 s2: the position matrix (printed as dtype=torch.uint8); x.grad = it / 9 (0.1111).</summary>
    public static readonly int[] MaxS2Positions =
    [
        0, 0, 0, 0, 0, 0,
        1, 0, 0, 1, 1, 0,
        0, 0, 0, 1, 1, 0,
        1, 0, 0, 0, 0, 0,
        0, 1, 0, 1, 0, 0,
        0, 0, 0, 0, 0, 1,
    ];

    /// <summary>Seed 000, max_pool2d k2 s1: the position matrix; x.grad = it / 25 (0.04, 0.08, 0.16).</summary>
    public static readonly int[] MaxS1Positions =
    [
        0, 0, 0, 0, 0, 0,
        1, 0, 1, 1, 2, 0,
        1, 0, 2, 2, 4, 0,
        1, 0, 0, 2, 0, 0,
        0, 4, 0, 1, 0, 1,
        0, 0, 0, 0, 1, 1,
    ];

    /// <summary>Seed 000, avg_pool2d k2 s1: the position matrix (dtype=torch.int32); x.grad = it / 100 (0.01, 0.02, 0.04).</summary>
    public static readonly int[] AvgS1Positions =
    [
        1, 2, 2, 2, 2, 1,
        2, 4, 4, 4, 4, 2,
        2, 4, 4, 4, 4, 2,
        2, 4, 4, 4, 4, 2,
        2, 4, 4, 4, 4, 2,
        1, 2, 2, 2, 2, 1,
    ];

    /// <summary>Seed 000, avg_pool2d k2 s2: "the position matrix is all ones"; x.grad = 1/36 (0.0278).</summary>
    public static readonly int[] AvgS2Positions = Enumerable.Repeat(1, 36).ToArray();

    /// <summary>Seed 000's case by (op, stride): the position matrix and the divisor of x.grad = positions / divisor.</summary>
    public static (int[] Positions, int Divisor) Seed000(string op, int stride) => (op, stride) switch
    {
        ("max", 2) => (MaxS2Positions, 9),
        ("max", 1) => (MaxS1Positions, 25),
        ("avg", 2) => (AvgS2Positions, 36),
        ("avg", 1) => (AvgS1Positions, 100),
        _ => throw new ArgumentException($"seed 000 has no {op} stride {stride} case"),
    };

    // Seed 001 (TensorFlow, NHWC; README summary): conv2d SAME stride 2 of M with [[1, −1], [0, 2]], bias 1,
    // gradients of the summed output; avg_pool 2×2 stride 2 VALID and SAME.

    public static readonly float[] Seed001ConvSameOutput = [7, 1, -1, -1];
    public static readonly float[] Seed001ConvSameFilterGrad = [-1, 1, 0, 2];
    public const float Seed001ConvSameBiasGrad = 4;
    public static readonly float[] Seed001ConvSameInputGrad = [1, -1, 1, 0, 2, 0, 1, -1, 1];
    public static readonly float[] Seed001AvgValid = [0.25f];
    public static readonly float[] Seed001AvgSame = [0.25f, 0.5f, 1, -2];
    public static readonly float[] Seed001AvgSameInputGrad = [0.25f, 0.25f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f, 0.5f, 1];
}
