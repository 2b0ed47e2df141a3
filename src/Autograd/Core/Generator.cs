namespace Autograd;

/// <summary>
/// A seeded random source (torch.Generator). The default one is per process and reseeded with
/// <see cref="ManualSeed"/>, like torch.manual_seed.
/// </summary>
public sealed class Generator
{
    private Random _random;
    private double? _spareNormal;

    public Generator(int seed) => _random = new Random(seed);

    /// <summary>The generator used when none is passed.</summary>
    public static Generator Default { get; private set; } = new(0);

    /// <summary>Reseeds the default generator (torch.manual_seed).</summary>
    public static void ManualSeed(int seed) => Default = new Generator(seed);

    public void Seed(int seed) { _random = new Random(seed); _spareNormal = null; }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextUniform() => _random.NextDouble();

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive) => _random.Next(maxExclusive);

    /// <summary>Standard normal by the Box–Muller transform.</summary>
    public double NextNormal()
    {
        if (_spareNormal is { } s) { _spareNormal = null; return s; }
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }
}
