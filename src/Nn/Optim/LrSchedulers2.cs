namespace Autograd.Nn.Optim;

/// <summary>lr = initial_lr · lrLambda(epoch), one function for all groups or one per group (lr_scheduler.LambdaLR).</summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double>[] _lambdas;

    /// <summary><c>LambdaLR(optimizer, lr_lambda)</c>: lr = base lr × <paramref name="lrLambda"/>(epoch), the same function for every group.</summary>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)), (optimizer ?? throw new ArgumentNullException(nameof(optimizer))).ParamGroups.Count).ToArray(), lastEpoch) { }

    /// <summary><c>LambdaLR(optimizer, lr_lambda)</c> with one function per parameter group.</summary>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambda, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(lrLambda);
        if (lrLambda.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"LambdaLR: Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambda.Count}", nameof(lrLambda));
        _lambdas = [.. lrLambda];
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => [.. BaseLrs.Select((b, i) => b * _lambdas[i](LastEpoch))];
}

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

/// <summary>
/// Cosine annealing with warm restarts (lr_scheduler.CosineAnnealingWarmRestarts): the cosine restarts
/// every T_i epochs, T_0 first and T_i·tMult after each restart.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    /// <summary><c>CosineAnnealingWarmRestarts(optimizer, T_0, T_mult, eta_min)</c>: cosine cycles, the first <paramref name="t0"/> epochs long, each next one <paramref name="tMult"/> times longer.</summary>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (t0 <= 0) throw new ArgumentOutOfRangeException(nameof(t0), t0, $"CosineAnnealingWarmRestarts: Expected positive integer T_0, but got {t0}");
        if (tMult < 1) throw new ArgumentOutOfRangeException(nameof(tMult), tMult, $"CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got {tMult}");
        T0 = t0;
        TI = t0;
        TMult = tMult;
        EtaMin = etaMin;
        TCur = lastEpoch;
        InitialStep();
    }

    /// <summary>The number of epochs of the first period (<c>T_0</c>).</summary>
    public int T0 { get; }
    /// <summary>The factor by which each restart period grows (<c>T_mult</c>).</summary>
    public int TMult { get; }
    /// <summary>The minimum learning rate (<c>eta_min</c>).</summary>
    public double EtaMin { get; }
    /// <summary>Length of the current cycle (T_i).</summary>
    public double TI { get; private set; }
    /// <summary>Epochs since the last restart (T_cur).</summary>
    public double TCur { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr() => [.. BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2)];

    /// <inheritdoc/>
    public override void Step()
    {
        if (LastEpoch < 0) { Step(0); return; }
        StepCount++;
        LastEpoch++;
        TCur += 1;
        if (TCur >= TI) { TCur -= TI; TI *= TMult; }
        Apply(GetLr());
    }

    /// <inheritdoc/>
    public override void Step(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"CosineAnnealingWarmRestarts: Expected non-negative epoch, but got {epoch}");
        StepCount++;
        if (epoch >= T0)
        {
            if (TMult == 1) TCur = epoch % T0;
            else
            {
                int n = (int)Math.Log((double)epoch / T0 * (TMult - 1) + 1, TMult);
                TCur = epoch - T0 * (Math.Pow(TMult, n) - 1) / (TMult - 1);
                TI = T0 * Math.Pow(TMult, n);
            }
        }
        else { TI = T0; TCur = epoch; }
        LastEpoch = epoch;
        Apply(GetLr());
    }

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object> s) { s["T_i"] = TI; s["T_cur"] = TCur; }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object> s)
    {
        if (s.TryGetValue("T_i", out var i)) TI = Convert.ToDouble(i);
        if (s.TryGetValue("T_cur", out var c)) TCur = Convert.ToDouble(c);
    }
}

/// <summary>
/// Runs schedulers one after another, switching at the milestones (lr_scheduler.SequentialLR), e.g. a
/// LinearLR warm-up then CosineAnnealingLR. As PyTorch, construction resets the lrs to initial_lr, undoes
/// the schedulers' own initial steps and re-takes only the first one's; at a milestone the next scheduler
/// starts with step(0).
/// </summary>
public sealed class SequentialLR
{
    private readonly LRScheduler[] _schedulers;
    private readonly int[] _milestones;
    private IReadOnlyList<double> _lastLr;

    /// <summary><c>SequentialLR(optimizer, schedulers, milestones)</c>: runs <paramref name="schedulers"/> one after the other, switching at each of <paramref name="milestones"/>.</summary>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count < 1) throw new ArgumentException("SequentialLR expects at least one scheduler, but got no scheduler.", nameof(schedulers));
        for (int i = 0; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler {schedulers[i].GetType().Name} at index {i} which is attached to a different optimizer", nameof(schedulers));
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}", nameof(milestones));
        Optimizer = optimizer;
        _schedulers = [.. schedulers];
        _milestones = [.. milestones];
        LastEpoch = lastEpoch + 1;
        foreach (var g in optimizer.ParamGroups) g.Lr = g.GetDouble("initial_lr");
        foreach (var s in _schedulers) s.LastEpoch -= 1;
        _schedulers[0].InitialStep();
        _lastLr = _schedulers[0].GetLastLr();
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }
    /// <summary>The index of the last epoch (step) taken (<c>last_epoch</c>).</summary>
    public int LastEpoch { get; private set; }
    /// <summary>The lrs of the last step, one per group (<c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>Advances one epoch: steps the scheduler in charge (restarting the next one at a milestone).</summary>
    public void Step()
    {
        LastEpoch++;
        int idx = _milestones.Count(m => m <= LastEpoch);   // bisect_right
        var s = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) s.Step(0);
        else s.Step();
        _lastLr = s.GetLastLr();
    }
}
