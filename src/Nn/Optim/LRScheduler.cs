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
