namespace Autograd.Nn.Optim;

/// <summary>Multiplies each group's lr by <c>gamma</c> every epoch (lr_scheduler.ExponentialLR).</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary><c>ExponentialLR(optimizer, gamma)</c>: multiplies the lr by <paramref name="gamma"/> every epoch.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The multiplicative factor of the lr decay (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        return LastEpoch == 0 ? lrs : [.. lrs.Select(lr => lr * Gamma)];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch))];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object> s) => s["gamma"] = Gamma;

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object> s)
    {
        if (s.TryGetValue("gamma", out var g)) Gamma = Convert.ToDouble(g);
    }
}
