namespace Autograd.Nn.Optim;

// Note [LR scheduler construction]
// As torch.optim.lr_scheduler.LRScheduler: with lastEpoch = -1 construction stores each group's lr as
// "initial_lr" (keeping one already there), base lrs are the "initial_lr"s, and the constructor takes the
// initial step (last_epoch −1 → 0), which writes the epoch-0 lr into the groups. Resuming (lastEpoch ≥ 0)
// requires "initial_lr" in every group. Subclasses compute get_lr recursively from the groups' current
// lr exactly as PyTorch's do (so a user's change of group.Lr between steps carries forward, as in
// PyTorch); C# runs base constructors first, so each subclass calls InitialStep() at the end of its own.

/// <summary>Base class of learning-rate schedulers (torch.optim.lr_scheduler.LRScheduler).</summary>
public abstract class LRScheduler
{
    private double[] _lastLr = [];

    /// <summary>Records each group's "initial_lr" (or requires it when resuming with <paramref name="lastEpoch"/> ≥ 0) and takes the initial step (Note [LR scheduler construction]).</summary>
    protected LRScheduler(Optimizer optimizer, int lastEpoch = -1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        if (lastEpoch == -1)
        {
            foreach (var g in groups) g.Options.TryAdd("initial_lr", g.Lr);
        }
        else
        {
            for (int i = 0; i < groups.Count; i++)
                if (!groups[i].ContainsKey("initial_lr"))
                    throw new KeyNotFoundException($"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        }
        BaseLrs = [.. groups.Select(g => g.GetDouble("initial_lr"))];
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose groups' lr this scheduler writes.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's "initial_lr" (base_lrs).</summary>
    public double[] BaseLrs { get; private set; }

    /// <summary>The index of the last epoch (last_epoch): 0 after construction.</summary>
    public int LastEpoch { get; protected internal set; }

    /// <summary>Number of <see cref="Step()"/> calls, the constructor's initial step included (_step_count).</summary>
    protected int StepCount { get; set; }

    /// <summary>The lrs last written into the groups (get_last_lr()).</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>The constructor's step (_initial_step); call last in a subclass constructor.</summary>
    protected internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Advances one epoch and writes the new lrs into the optimizer's groups (scheduler.step()).</summary>
    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>
    /// Jumps to <paramref name="epoch"/> (the deprecated scheduler.step(epoch)): the closed form where the
    /// scheduler has one, else the recursive form at that epoch.
    /// </summary>
    public virtual void Step(int epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(GetClosedFormLr() ?? GetLr());
    }

    /// <summary>Writes <paramref name="values"/> into the groups' lrs and remembers them for <see cref="GetLastLr"/>.</summary>
    protected void Apply(double[] values)
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count && i < values.Length; i++) groups[i].Lr = values[i];
        _lastLr = [.. groups.Select(g => g.Lr)];
    }

    /// <summary>The lrs for <see cref="LastEpoch"/> (get_lr), from the groups' current lrs.</summary>
    protected abstract double[] GetLr();

    /// <summary>The closed form (_get_closed_form_lr), or null when the scheduler has none.</summary>
    protected virtual double[]? GetClosedFormLr() => null;

    /// <summary>The current lr of every group.</summary>
    protected double[] GroupLrs() => [.. Optimizer.ParamGroups.Select(g => g.Lr)];

    /// <summary>The scheduler's state (scheduler.state_dict()): every field but the optimizer.</summary>
    public Dictionary<string, object> StateDict()
    {
        var d = new Dictionary<string, object>
        {
            ["base_lrs"] = BaseLrs.Clone(),
            ["last_epoch"] = LastEpoch,
            ["_step_count"] = StepCount,
            ["_last_lr"] = _lastLr.Clone(),
        };
        SaveState(d);
        return d;
    }

    /// <summary>
    /// Restores a state from <see cref="StateDict"/> (scheduler.load_state_dict); also accepts the
    /// dictionary read back by <see cref="OptionsJson.Deserialize"/> (numbers as doubles).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.TryGetValue("base_lrs", out var b)) BaseLrs = Doubles(b);
        if (state.TryGetValue("last_epoch", out var e)) LastEpoch = Convert.ToInt32(e);
        if (state.TryGetValue("_step_count", out var c)) StepCount = Convert.ToInt32(c);
        if (state.TryGetValue("_last_lr", out var l)) _lastLr = Doubles(l);
        LoadState(state);
    }

    /// <summary>Adds the subclass's own fields to a state dict (<see cref="StateDict"/>).</summary>
    protected virtual void SaveState(Dictionary<string, object> state) { }

    /// <summary>Reads the subclass's own fields back (<see cref="LoadStateDict"/>).</summary>
    protected virtual void LoadState(IReadOnlyDictionary<string, object> state) { }

    /// <summary>A list of numbers from a state dict (an array, or JSON-read doubles or ints) as doubles.</summary>
    protected static double[] Doubles(object o) => o switch
    {
        double[] a => (double[])a.Clone(),
        IEnumerable<double> e => [.. e],
        IEnumerable<int> e => [.. e.Select(x => (double)x)],
        _ => throw new ArgumentException($"scheduler state: expected a list of numbers, got {o.GetType().Name}"),
    };

    /// <summary>Python's floor modulo (the sign of the divisor), used where PyTorch's formulas take % of negatives.</summary>
    protected static long FloorMod(long a, long b) => ((a % b) + b) % b;
}

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

/// <summary>Multiplies each group's lr by <c>gamma</c> at every milestone epoch (lr_scheduler.MultiStepLR); a milestone listed k times multiplies by gamma^k.</summary>
public sealed class MultiStepLR : LRScheduler
{
    private Dictionary<int, int> _milestones;

    /// <summary><c>MultiStepLR(optimizer, milestones, gamma)</c>: multiplies the lr by <paramref name="gamma"/> at each milestone epoch (a repeated milestone multiplies again).</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());   // collections.Counter
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>Milestone epoch → how many times it was given (PyTorch's Counter of <c>milestones</c>).</summary>
    public IReadOnlyDictionary<int, int> Milestones => _milestones;
    /// <summary>The multiplicative factor of the lr decay (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (!_milestones.TryGetValue(LastEpoch, out int k)) return lrs;
        return [.. lrs.Select(lr => lr * Math.Pow(Gamma, k))];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr()
    {
        int passed = _milestones.Where(kv => kv.Key <= LastEpoch).Sum(kv => kv.Value);   // bisect_right over the sorted list
        return [.. BaseLrs.Select(b => b * Math.Pow(Gamma, passed))];
    }

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object> s)
    {
        s["milestones"] = _milestones.SelectMany(kv => Enumerable.Repeat(kv.Key, kv.Value)).Order().ToArray();
        s["gamma"] = Gamma;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object> s)
    {
        if (s.TryGetValue("milestones", out var m)) _milestones = Doubles(m).Select(x => (int)x).GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        if (s.TryGetValue("gamma", out var g)) Gamma = Convert.ToDouble(g);
    }
}

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
