namespace Autograd.Nn.Optim;

/// <summary>
/// Cosine annealing from each group's initial lr to <c>etaMin</c> over <c>tMax</c> epochs
/// (lr_scheduler.CosineAnnealingLR), in PyTorch's recursive form — equal to the closed form
/// η_min + (η_base − η_min)(1 + cos(π·t/T_max))/2 while only the scheduler changes the lr — which
/// continues past T_max as a cosine wave.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary><c>CosineAnnealingLR(optimizer, T_max, eta_min)</c>: the lr follows a cosine from the base lr down to <paramref name="etaMin"/> over <paramref name="tMax"/> epochs.</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        // Note [CosineAnnealingLR T_max]: PyTorch accepts T_max = 0 and fails with ZeroDivisionError at
        // the first step(); we refuse it here, before any lr is changed.
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, $"CosineAnnealingLR: T_max must be a positive number of epochs, got {tMax}");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>The number of epochs of the cosine half-period (<c>T_max</c>).</summary>
    public int TMax { get; private set; }
    /// <summary>The minimum learning rate (<c>eta_min</c>).</summary>
    public double EtaMin { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var groups = Optimizer.ParamGroups;
        var lrs = GroupLrs();
        int t = LastEpoch;
        if (t == 0) return lrs;
        if (StepCount == 1 && t > 0)
            return [.. BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(t * Math.PI / TMax)) / 2)];
        if (FloorMod(t - 1 - TMax, 2L * TMax) == 0)
            return [.. lrs.Select((lr, i) => lr + (BaseLrs[i] - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2)];
        return [.. lrs.Select(lr => (1 + Math.Cos(Math.PI * t / TMax)) / (1 + Math.Cos(Math.PI * (t - 1) / TMax)) * (lr - EtaMin) + EtaMin)];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr()
        => [.. BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2)];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object> s) { s["T_max"] = TMax; s["eta_min"] = EtaMin; }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object> s)
    {
        if (s.TryGetValue("T_max", out var t)) TMax = Convert.ToInt32(t);
        if (s.TryGetValue("eta_min", out var e)) EtaMin = Convert.ToDouble(e);
    }
}
