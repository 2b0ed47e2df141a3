namespace Autograd.Nn.Optim;

/// <summary>
/// The 1cycle policy (lr_scheduler.OneCycleLR): lr rises from max_lr/divFactor to max_lr over the first
/// pctStart of the steps, then anneals to initial_lr/finalDivFactor (threePhase: back to initial_lr
/// first, then to the minimum); with cycleMomentum the momentum (SGD "momentum", or β1 of an optimizer
/// with "betas") moves inversely between maxMomentum and baseMomentum. Meant to be stepped after every batch.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly (double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum)[] _phases;
    private readonly bool _useBeta1;

    /// <summary><c>OneCycleLR(optimizer, max_lr, total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum, base_momentum, max_momentum, div_factor, final_div_factor, three_phase)</c>: give <paramref name="totalSteps"/>, or <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</summary>
    public OneCycleLR(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, Repeat(optimizer, maxLr), totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
            baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch) { }

    /// <summary>One max_lr per parameter group.</summary>
    public OneCycleLR(Optimizer optimizer, IReadOnlyList<double> maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : base(Prepare(optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
            baseMomentum, maxMomentum, divFactor, finalDivFactor, lastEpoch, out int total), lastEpoch)
    {
        TotalSteps = total;
        AnnealStrategy = annealStrategy;
        CycleMomentum = cycleMomentum;
        _useBeta1 = optimizer.Defaults.ContainsKey("betas");
        double p = pctStart * total;
        _phases = threePhase
            ? [(p - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (2 * p - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
               (total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
            : [(p - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")];
        InitialStep();
    }

    /// <summary>The number of steps in the cycle (<c>total_steps</c>).</summary>
    public int TotalSteps { get; }
    /// <summary>The annealing: "cos" or "linear" (<c>anneal_strategy</c>).</summary>
    public string AnnealStrategy { get; }
    /// <summary>Whether momentum cycles inversely to the lr (<c>cycle_momentum</c>).</summary>
    public bool CycleMomentum { get; }

    private static double[] Repeat(Optimizer optimizer, double v)
        => Enumerable.Repeat(v, (optimizer ?? throw new ArgumentNullException(nameof(optimizer))).ParamGroups.Count).ToArray();

    // PyTorch's __init__ before super().__init__: validation, then max/min/initial lr and momentum into the groups.
    private static Optimizer Prepare(Optimizer optimizer, IReadOnlyList<double> maxLr, int? totalSteps, int? epochs, int? stepsPerEpoch,
        double pctStart, string annealStrategy, bool cycleMomentum, double baseMomentum, double maxMomentum,
        double divFactor, double finalDivFactor, int lastEpoch, out int total)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(maxLr);
        if (totalSteps is { } ts)
        {
            if (ts <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), ts, $"OneCycleLR: Expected positive integer total_steps, but got {ts}");
            total = ts;
        }
        else if (epochs is { } e && stepsPerEpoch is { } s)
        {
            if (e <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), e, $"OneCycleLR: Expected positive integer epochs, but got {e}");
            if (s <= 0) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), s, $"OneCycleLR: Expected positive integer steps_per_epoch, but got {s}");
            total = checked(e * s);
        }
        else throw new ArgumentException("OneCycleLR: You must define either total_steps OR (epochs AND steps_per_epoch)", nameof(totalSteps));
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, $"OneCycleLR: Expected float between 0 and 1 pct_start, but got {pctStart}");
        if (annealStrategy is not ("cos" or "linear"))
            throw new ArgumentException($"OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', instead got {annealStrategy}", nameof(annealStrategy));
        var groups = optimizer.ParamGroups;
        if (maxLr.Count != groups.Count)
            throw new ArgumentException($"OneCycleLR: expected {groups.Count} values for max_lr, got {maxLr.Count}", nameof(maxLr));
        if (lastEpoch == -1)
            for (int i = 0; i < groups.Count; i++)
            {
                groups[i]["initial_lr"] = maxLr[i] / divFactor;
                groups[i]["max_lr"] = maxLr[i];
                groups[i]["min_lr"] = groups[i].GetDouble("initial_lr") / finalDivFactor;
            }
        if (cycleMomentum)
        {
            bool betas = optimizer.Defaults.ContainsKey("betas");
            if (!optimizer.Defaults.ContainsKey("momentum") && !betas)
                throw new ArgumentException("OneCycleLR: optimizer must support momentum or beta1 with `cycle_momentum` option enabled", nameof(optimizer));
            if (lastEpoch == -1)
                foreach (var g in groups)
                {
                    if (betas) g["betas"] = (maxMomentum, g.GetBetas().Beta2);
                    else g["momentum"] = maxMomentum;
                    g["max_momentum"] = maxMomentum;
                    g["base_momentum"] = baseMomentum;
                }
        }
        return optimizer;
    }

    private double Anneal(double start, double end, double pct) => AnnealStrategy == "cos"
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        int stepNum = LastEpoch;
        if (stepNum > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: Tried to step {stepNum} times. The specified number of total steps is {TotalSteps}");
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var group = groups[gi];
            double startStep = 0, lr = 0, momentum = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var phase = _phases[i];
                if (stepNum <= phase.EndStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - startStep) / (phase.EndStep - startStep);
                    lr = Anneal(group.GetDouble(phase.StartLr), group.GetDouble(phase.EndLr), pct);
                    if (CycleMomentum) momentum = Anneal(group.GetDouble(phase.StartMomentum), group.GetDouble(phase.EndMomentum), pct);
                    break;
                }
                startStep = phase.EndStep;
            }
            lrs[gi] = lr;
            if (CycleMomentum)
            {
                if (_useBeta1) group["betas"] = (momentum, group.GetBetas().Beta2);
                else group["momentum"] = momentum;
            }
        }
        return lrs;
    }

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object> s)
    {
        s["total_steps"] = TotalSteps;
        s["_anneal_func_type"] = AnnealStrategy;
        s["cycle_momentum"] = CycleMomentum;
        s["use_beta1"] = _useBeta1;
    }
}
