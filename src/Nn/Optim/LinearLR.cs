namespace Autograd.Nn.Optim;

/// <summary>
/// Linear warm-up (lr_scheduler.LinearLR): the factor on initial_lr goes from startFactor to endFactor
/// over totalIters epochs, in PyTorch's recursive form.
/// </summary>
public sealed class LinearLR : LRScheduler
{
    /// <summary><c>LinearLR(optimizer, start_factor, end_factor, total_iters)</c>: the factor on the base lr moves linearly from <paramref name="startFactor"/> to <paramref name="endFactor"/> over <paramref name="totalIters"/> steps.</summary>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (startFactor > 1.0 || !(startFactor > 0))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "LinearLR: Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
        if (endFactor > 1.0 || !(endFactor >= 0))
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "LinearLR: Ending multiplicative factor expected to be between 0 and 1.");
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        InitialStep();
    }

    /// <summary>The factor on the base lr at the first step (<c>start_factor</c>).</summary>
    public double StartFactor { get; }
    /// <summary>The factor on the base lr after <c>total_iters</c> steps (<c>end_factor</c>).</summary>
    public double EndFactor { get; }
    /// <summary>The number of steps over which the factor changes (<c>total_iters</c>).</summary>
    public int TotalIters { get; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0) return [.. lrs.Select(lr => lr * StartFactor)];
        if (LastEpoch > TotalIters) return lrs;
        double f = 1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor));
        return [.. lrs.Select(lr => lr * f)];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr()
        => [.. BaseLrs.Select(b => b * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters))];
}
