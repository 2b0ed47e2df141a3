namespace Autograd.Nn.Optim;

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
