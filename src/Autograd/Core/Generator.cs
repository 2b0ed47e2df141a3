using System.Numerics;

namespace Autograd;

// Note [Generator threads]
// System.Random is not thread-safe: used from several threads at once its state can collapse (the
// default generator then returned zeros forever, and new layers got constant weights). PyTorch's
// CPU generator takes a mutex for every draw; so does this one. The factories (Rand, Randn, Uniform,
// nn.init) draw a whole tensor under one lock (Fill*), so a tensor is one contiguous stretch of the
// stream and the single-threaded path pays one uncontended lock per tensor, not per element.
// The rule for users: a Generator may be shared by any number of threads, every draw is atomic, and
// with several threads drawing, which thread gets which numbers depends on scheduling (give each
// thread its own seeded Generator for reproducible parallel streams, as in PyTorch).

/// <summary>
/// A seeded random source (torch.Generator). The default one is per process and reseeded with
/// <see cref="ManualSeed"/>, like torch.manual_seed. Thread-safe: every draw takes a lock
/// (Note [Generator threads]).
/// </summary>
public sealed class Generator
{
    private readonly Lock _lock = new();
    private Random _random;
    private double? _spareNormal;
    private static volatile Generator _default = new(0);

    /// <summary>A generator seeded with <paramref name="seed"/> (<c>torch.Generator().manual_seed(seed)</c>); the same seed gives the same sequence.</summary>
    public Generator(int seed) => _random = new Random(seed);

    /// <summary>The generator used when none is passed.</summary>
    public static Generator Default => _default;

    /// <summary>Reseeds the default generator (torch.manual_seed).</summary>
    public static void ManualSeed(int seed) => _default = new Generator(seed);

    /// <summary>Re-seeds this generator (<c>generator.manual_seed(seed)</c>): the sequence restarts as for a new generator with that seed.</summary>
    public void Seed(int seed)
    {
        lock (_lock) { _random = new Random(seed); _spareNormal = null; }
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextUniform()
    {
        lock (_lock) return _random.NextDouble();
    }

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        lock (_lock) return _random.Next(maxExclusive);
    }

    /// <summary>Standard normal by the Box–Muller transform.</summary>
    public double NextNormal()
    {
        lock (_lock) return Normal();
    }

    /// <summary>Fills <paramref name="dst"/> with low + (high − low)·U[0, 1), drawn in order under one lock.</summary>
    internal void FillUniform<T>(Span<T> dst, double low = 0, double high = 1) where T : INumberBase<T>
    {
        lock (_lock)
            for (int i = 0; i < dst.Length; i++) dst[i] = T.CreateTruncating(low + (high - low) * _random.NextDouble());
    }

    /// <summary>Fills <paramref name="dst"/> with mean + std·N(0, 1), drawn in order under one lock.</summary>
    internal void FillNormal<T>(Span<T> dst, double mean = 0, double std = 1) where T : INumberBase<T>
    {
        lock (_lock)
            for (int i = 0; i < dst.Length; i++) dst[i] = T.CreateTruncating(mean + std * Normal());
    }

    private double Normal()
    {
        if (_spareNormal is { } s) { _spareNormal = null; return s; }
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }
}
