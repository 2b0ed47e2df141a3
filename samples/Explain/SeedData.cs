namespace Autograd.Samples.Explain;

/// <summary>
/// The inputs of the seeds' worked examples (/work/shared/seeds, summarised in its README), as the seeds
/// give them. Only inputs live here: the seeds' printed results, against which the replays are checked,
/// are in tests/Snapshots/SeedTables.cs.
/// </summary>
public static class SeedData
{
    /// <summary>Seed 000: the 6×6 plane every pooling example of the post runs on.</summary>
    public static readonly float[] Seed000X =
    [
        1, 3, 4, 2, 5, 2,
        4, 2, 5, 6, 8, 3,
        5, 3, 7, 8, 9, 3,
        8, 4, 3, 6, 0, 2,
        7, 10, 3, 6, 3, 5,
        4, 7, 2, 4, 7, 8,
    ];

    /// <summary>Seed 001 (and 002's shapes): the 3×3 input M = [[1, −1, 0], [−1, 2, 1], [0, 2, −2]].</summary>
    public static readonly float[] Seed001X = [1, -1, 0, -1, 2, 1, 0, 2, -2];

    /// <summary>Seed 001: the one 2×2 filter [[1, −1], [0, 2]] (bias 1).</summary>
    public static readonly float[] Seed001Filter = [1, -1, 0, 2];

    /// <summary>Seed 001: the bias.</summary>
    public const float Seed001Bias = 1;

    /// <summary>Seed 002's upstream gradient ∂L/∂O for the 2×2 output (the seed is symbolic; these are our numbers).</summary>
    public static readonly float[] Seed002Upstream = [1, 2, 3, 4];

    /// <summary>Seed 004: (N, C, H, W) = (3, 4, 6, 6) values (i² + 3i) mod 5 div 2 ∈ {0, 1, 2}: most 2×2 windows are tied.</summary>
    public static float[] Seed004X() => Enumerable.Range(0, 3 * 4 * 6 * 6).Select(i => (float)((i * i + 3 * i) % 5 / 2)).ToArray();
}
