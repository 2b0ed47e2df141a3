namespace Autograd.Nn.Optim;

/// <summary>initial_lr · factor for the first totalIters epochs, then initial_lr (lr_scheduler.ConstantLR).</summary>
public sealed class ConstantLR : LRScheduler
{
    /// <summary><c>ConstantLR(optimizer, factor, total_iters)</c>: the lr is multiplied by <paramref name="factor"/> until <paramref name="totalIters"/> steps, then restored.</summary>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int totalIters = 5, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (factor > 1.0 || !(factor >= 0))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "ConstantLR: Constant multiplicative factor expected to be between 0 and 1.");
        Factor = factor;
        TotalIters = totalIters;
        InitialStep();
    }

    /// <summary>The factor on the lr until <c>total_iters</c> (<c>factor</c>).</summary>
    public double Factor { get; }
    /// <summary>The number of steps over which the factor changes (<c>total_iters</c>).</summary>
    public int TotalIters { get; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0) return [.. lrs.Select(lr => lr * Factor)];
        if (LastEpoch != TotalIters) return lrs;
        return [.. lrs.Select(lr => lr * (1.0 / Factor))];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr()
        => [.. BaseLrs.Select(b => b * (Factor + (LastEpoch >= TotalIters ? 1 : 0) * (1 - Factor)))];
}
