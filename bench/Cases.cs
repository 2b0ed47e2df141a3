namespace Autograd.Bench;

/// <summary>What one benchmark measures: the forward pass alone, or forward and backward.</summary>
public enum Pass { Fwd, FwdBwd }

/// <summary>A prepared benchmark body: <see cref="Run"/> is timed; <see cref="Dispose"/> frees its inputs.</summary>
public sealed class Runner(Action run, params IDisposable[] owned) : IDisposable
{
    public Action Run { get; } = run;

    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
    }
}

/// <summary>Runs an action on Dispose (for inputs a runner replaces while it runs).</summary>
public sealed class Disposer(Action action) : IDisposable
{
    public void Dispose() => action();
}

/// <summary>
/// One benchmark case, built three times from the same description: on our engine, on libtorch 1.13
/// through the shim (bench/Shim, the first baseline) and on libtorch 2.10 through TorchSharp (the
/// second). Inputs are created in setup, never inside the timed body. <see cref="Torch"/> is null for a
/// case the 1.13 shim cannot run (the Hessian-vector product: no create_graph); its Libtorch benchmarks
/// are filtered out and the summary leaves that baseline's columns empty.
/// </summary>
public sealed record BenchCase(string Name, Func<Pass, Runner> Ours, Func<Pass, Runner>? Torch, Func<Pass, Runner> TorchSharp)
{
    /// <summary>Which kernels ours runs (a conv case's ConvPlan, Note [Conv plan]), printed before the run; null when there is nothing to choose.</summary>
    public Func<string>? Plan { get; init; }
}

/// <summary>The cases of issue 6, in the order the summary lists them.</summary>
public static partial class Cases
{
    public static IReadOnlyList<BenchCase> All { get; } =
    [
        Conv("conv2d_8x64x56x56_k3p1", n: 8, c: 64, hw: 56, outC: 64, k: 3, stride: 1, pad: 1, groups: 1),
        Conv("conv2d_32x3x32x32_k5", n: 32, c: 3, hw: 32, outC: 16, k: 5, stride: 1, pad: 0, groups: 1),
        Conv("conv2d_8x32x56x56_k3s2p1g4", n: 8, c: 32, hw: 56, outC: 32, k: 3, stride: 2, pad: 1, groups: 4),
        Pool("max_pool2d_k3s2p1", max: true, k: 3, stride: 2, pad: 1),
        Pool("max_pool2d_k2s2", max: true, k: 2, stride: 2, pad: 0),
        Pool("avg_pool2d_k3s2p1", max: false, k: 3, stride: 2, pad: 1),
        Pool("avg_pool2d_k2s2", max: false, k: 2, stride: 2, pad: 0),
        Mean("mean_8x64x112x112"),
        Matmul("matmul_1024", 1024),
        RecordSmall("record_8_small_ops"),
        TrainStep("train_step_fmnist_b64", batch: 64),
        TrainStep("train_step_fmnist_b8", batch: 8),   // a small step, where unscoped allocation weighs most (issue 18, point 5)
        Hvp("hvp_fmnist_b64", batch: 64),
        .. ElementwiseCases,
        .. ReductionCases,
        .. JoiningCases,
        .. SelectionCases,
        .. CompareCases,
        .. IndexingCases,
        .. NormCases,
        .. LayersCases,
        .. LossesCases,
        .. ScalingCases,
    ];

    /// <summary>Cases whose name contains one of the comma-separated filters (all when empty).</summary>
    public static IReadOnlyList<BenchCase> Select(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return All;
        var parts = filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return All.Where(c => parts.Any(p => c.Name.Contains(p, StringComparison.OrdinalIgnoreCase))).ToList();
    }

    public static BenchCase Get(string name) => All.First(c => c.Name == name);

    /// <summary>
    /// Whether each of our timed bodies runs inside a TensorScope (Note [Tensor scopes]): the way a
    /// hot loop is meant to run, with storage recycled instead of left to the GC. On by default;
    /// --no-scope measures plain GC allocation (docs/speed.md gives both).
    /// </summary>
    public static bool OursInScope { get; set; } = Environment.GetEnvironmentVariable(NoScopeVariable) != "1";

    /// <summary>Set to 1 by --no-scope for the benchmark processes (they do not see the runner's arguments).</summary>
    public const string NoScopeVariable = "AUTOGRAD_BENCH_NO_SCOPE";

    /// <summary>Deterministic float32 inputs, made on first use (a case's setup), shared by both engines.</summary>
    internal static Lazy<float[]> Data(int n, int seed, double scale = 1) => new(() => RandomData(n, seed, scale));

    /// <summary>Deterministic float32 inputs shared by both engines.</summary>
    internal static float[] RandomData(int n, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return r;
    }

    internal static int Numel(ReadOnlySpan<int> shape)
    {
        int n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }
}
