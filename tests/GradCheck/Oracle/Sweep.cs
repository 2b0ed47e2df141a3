namespace Autograd.Tests.Oracle;

// Note [Opt-in sweeps]
// The random grids of the oracle tests are seeded, so CI compares the same configurations every run.
// To look further, set AUTOGRAD_SWEEP="SEED" or "SEED:SCALE" (for example `AUTOGRAD_SWEEP=7:10
// ./scripts/conformance.sh`): every grid then draws its configurations and input values from a
// generator mixed with SEED, and the big grids (conv2d, max/avg pooling, their error agreement) draw
// SCALE times as many. Unset, the grids are exactly the committed ones. Failures name the sweep, so a
// finding can be replayed.
internal static class Sweep
{
    private static readonly (int Seed, int Scale) Setting = Parse(Environment.GetEnvironmentVariable("AUTOGRAD_SWEEP"));

    /// <summary>True when AUTOGRAD_SWEEP is set.</summary>
    public static bool Active => Setting.Seed != 0;

    /// <summary>The grid's generator: its own seed, mixed with the sweep's when one is set.</summary>
    public static Random Random(int gridSeed) => new(Mix(gridSeed));

    /// <summary>A value seed (for input data), mixed with the sweep's when one is set.</summary>
    public static int Mix(int seed) => Active ? HashCode.Combine(seed, Setting.Seed) : seed;

    /// <summary>How many configurations a big grid draws: its committed count times the sweep's scale.</summary>
    public static int Count(int configs) => configs * Setting.Scale;

    /// <summary>Appended to failure messages so a sweep's finding can be replayed.</summary>
    public static string Describe => Active ? $" (AUTOGRAD_SWEEP={Setting.Seed}:{Setting.Scale})" : "";

    private static (int, int) Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return (0, 1);
        var parts = value.Split(':');
        if (!int.TryParse(parts[0], out int seed) || seed == 0 || parts.Length > 2)
            throw new ArgumentException($"AUTOGRAD_SWEEP must be SEED or SEED:SCALE with a nonzero integer SEED, got '{value}'");
        int scale = 1;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out scale) || scale < 1))
            throw new ArgumentException($"AUTOGRAD_SWEEP's SCALE must be a positive integer, got '{value}'");
        return (seed, scale);
    }
}
