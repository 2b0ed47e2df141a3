namespace Autograd.Nn.Optim;

/// <summary>
/// Reduces each group's lr by <c>factor</c> when a metric has stopped improving for more than
/// <c>patience</c> epochs (lr_scheduler.ReduceLROnPlateau). Unlike the other schedulers it is stepped
/// with the metric, does not set "initial_lr" and takes no initial step.
/// </summary>
/// <remarks>
/// Improvement (mode, thresholdMode): min/rel a &lt; best·(1 − threshold); min/abs a &lt; best − threshold;
/// max/rel a &gt; best·(1 + threshold); max/abs a &gt; best + threshold. A reduction writes
/// max(lr·factor, min_lr) only when it lowers the lr by more than eps, then waits <c>cooldown</c> epochs.
/// </remarks>
public sealed class ReduceLROnPlateau
{
    private double[] _minLrs;
    private double[] _lastLr;

    /// <summary><c>ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps)</c>: multiplies the lr by <paramref name="factor"/> after <paramref name="patience"/> epochs without improvement of the metric passed to Step.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10, double threshold = 1e-4,
        string thresholdMode = "rel", int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown,
            Enumerable.Repeat(minLr, (optimizer ?? throw new ArgumentNullException(nameof(optimizer))).ParamGroups.Count).ToArray(), eps) { }

    /// <summary>One min_lr per parameter group.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, string mode, double factor, int patience, double threshold,
        string thresholdMode, int cooldown, IReadOnlyList<double> minLr, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(minLr);
        if (!(factor < 1.0)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau: Factor should be < 1.0.");
        if (minLr.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"ReduceLROnPlateau: expected {optimizer.ParamGroups.Count} min_lrs, got {minLr.Count}", nameof(minLr));
        if (mode is not ("min" or "max")) throw new ArgumentException($"ReduceLROnPlateau: mode {mode} is unknown!", nameof(mode));
        if (thresholdMode is not ("rel" or "abs")) throw new ArgumentException($"ReduceLROnPlateau: threshold mode {thresholdMode} is unknown!", nameof(thresholdMode));
        Optimizer = optimizer;
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = eps;
        _minLrs = [.. minLr];
        _lastLr = [.. optimizer.ParamGroups.Select(g => g.Lr)];
        Best = ModeWorse;
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }
    /// <summary>"min" (the metric should fall) or "max" (it should rise) (<c>mode</c>).</summary>
    public string Mode { get; }
    /// <summary>The factor by which the lr is reduced (<c>factor</c>).</summary>
    public double Factor { get; }
    /// <summary>The number of epochs without improvement before the lr is reduced (<c>patience</c>).</summary>
    public int Patience { get; }
    /// <summary>The minimal change that counts as an improvement (<c>threshold</c>).</summary>
    public double Threshold { get; }
    /// <summary>"rel" or "abs": how the threshold is compared (<c>threshold_mode</c>).</summary>
    public string ThresholdMode { get; }
    /// <summary>The number of epochs to wait after a reduction before counting again (<c>cooldown</c>).</summary>
    public int Cooldown { get; }
    /// <summary>The smallest lr change applied: a reduction smaller than this is skipped (<c>eps</c>).</summary>
    public double Eps { get; }
    /// <summary>The lower bound of each group's lr (<c>min_lrs</c>).</summary>
    public IReadOnlyList<double> MinLrs => _minLrs;

    /// <summary>The best metric so far (starts at +inf for "min", −inf for "max").</summary>
    public double Best { get; private set; }
    /// <summary>The number of consecutive epochs without improvement (<c>num_bad_epochs</c>).</summary>
    public int NumBadEpochs { get; private set; }
    /// <summary>The epochs left in the cooldown (<c>cooldown_counter</c>).</summary>
    public int CooldownCounter { get; private set; }
    /// <summary>The index of the last epoch (step) taken (<c>last_epoch</c>).</summary>
    public int LastEpoch { get; private set; }
    /// <summary>Whether the scheduler is in its cooldown period (<c>in_cooldown</c>).</summary>
    public bool InCooldown => CooldownCounter > 0;

    private double ModeWorse => Mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>The lrs after the last step, one per group (<c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>Records the epoch's metric and reduces the lrs after more than <see cref="Patience"/> bad epochs.</summary>
    public void Step(double metrics)
    {
        double current = metrics;
        LastEpoch++;
        if (IsBetter(current, Best)) { Best = current; NumBadEpochs = 0; }
        else NumBadEpochs++;
        if (InCooldown) { CooldownCounter--; NumBadEpochs = 0; }   // ignore bad epochs in cooldown
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = [.. Optimizer.ParamGroups.Select(g => g.Lr)];
    }

    /// <summary>The same with a 0-dim (or one-element) tensor metric.</summary>
    public void Step(Tensor metrics) => Step((metrics ?? throw new ArgumentNullException(nameof(metrics))).Item());

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        if (groups.Count != _minLrs.Length)
            throw new InvalidOperationException($"ReduceLROnPlateau: the optimizer has {groups.Count} parameter groups but {_minLrs.Length} min_lrs were given");
        for (int i = 0; i < groups.Count; i++)
        {
            double oldLr = groups[i].Lr;
            double newLr = Math.Max(oldLr * Factor, _minLrs[i]);
            if (oldLr - newLr > Eps) groups[i].Lr = newLr;
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        ("min", "rel") => a < best * (1.0 - Threshold),
        ("min", _) => a < best - Threshold,
        ("max", "rel") => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    /// <summary>The scheduler's state (<c>state_dict()</c>): every field but the optimizer.</summary>
    public Dictionary<string, object> StateDict() => new()
    {
        ["best"] = Best, ["num_bad_epochs"] = NumBadEpochs, ["cooldown_counter"] = CooldownCounter,
        ["last_epoch"] = LastEpoch, ["_last_lr"] = _lastLr.Clone(), ["min_lrs"] = _minLrs.Clone(),
    };

    /// <summary>Restores a state from <see cref="StateDict"/> (<c>load_state_dict</c>).</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.TryGetValue("best", out var b)) Best = Convert.ToDouble(b);
        if (state.TryGetValue("num_bad_epochs", out var n)) NumBadEpochs = Convert.ToInt32(n);
        if (state.TryGetValue("cooldown_counter", out var c)) CooldownCounter = Convert.ToInt32(c);
        if (state.TryGetValue("last_epoch", out var e)) LastEpoch = Convert.ToInt32(e);
        if (state.TryGetValue("_last_lr", out var l) && l is double[] ll) _lastLr = (double[])ll.Clone();
        if (state.TryGetValue("min_lrs", out var m) && m is double[] mm) _minLrs = (double[])mm.Clone();
    }
}
