namespace Autograd.Nn.Optim;

/// <summary>Multiplies each group's lr by <c>gamma</c> every <c>stepSize</c> epochs (lr_scheduler.StepLR).</summary>
public sealed class StepLR : LRScheduler
{
    /// <summary><c>StepLR(optimizer, step_size, gamma)</c>: multiplies the lr by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The number of epochs between two decays (<c>step_size</c>).</summary>
    public int StepSize { get; private set; }
    /// <summary>The multiplicative factor of the lr decay (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0 || LastEpoch % StepSize != 0) return lrs;
        return [.. lrs.Select(lr => lr * Gamma)];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(Gamma, Math.Floor((double)LastEpoch / StepSize)))];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object> s) { s["step_size"] = StepSize; s["gamma"] = Gamma; }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object> s)
    {
        if (s.TryGetValue("step_size", out var v)) StepSize = Convert.ToInt32(v);
        if (s.TryGetValue("gamma", out var g)) Gamma = Convert.ToDouble(g);
    }
}
