namespace Autograd.Nn.Optim;

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
