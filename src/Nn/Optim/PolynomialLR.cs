namespace Autograd.Nn.Optim;

/// <summary>Polynomial decay to 0 over totalIters epochs (lr_scheduler.PolynomialLR).</summary>
public sealed class PolynomialLR : LRScheduler
{
    /// <summary><c>PolynomialLR(optimizer, total_iters, power)</c>: lr = base lr × (1 - t/total_iters)^power, reaching 0 at <paramref name="totalIters"/>.</summary>
    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        TotalIters = totalIters;
        Power = power;
        InitialStep();
    }

    /// <summary>The number of steps over which the factor changes (<c>total_iters</c>).</summary>
    public int TotalIters { get; }
    /// <summary>The power of the polynomial (<c>power</c>).</summary>
    public double Power { get; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0 || LastEpoch > TotalIters) return lrs;
        double decay = Math.Pow((1.0 - (double)LastEpoch / TotalIters) / (1.0 - (double)(LastEpoch - 1) / TotalIters), Power);
        return [.. lrs.Select(lr => lr * decay)];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr()
        => [.. BaseLrs.Select(b => b * Math.Pow(1.0 - (double)Math.Min(TotalIters, LastEpoch) / TotalIters, Power))];
}
