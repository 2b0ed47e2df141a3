namespace Autograd.Nn.Optim;

// Note [Optimizer parameter groups and state]
// As torch.optim.Optimizer: the parameters live in ParamGroups, each with its own options (filled
// from the optimizer's Defaults where the group gives none), read afresh at every Step — so a
// scheduler or the user may change group.Lr, group["momentum"], group["betas"] between steps. The
// per-parameter state is a dictionary of tensors keyed by PyTorch's names ("step", "exp_avg",
// "momentum_buffer", ...), created on the parameter's first step (Adagrad: at construction), in the
// parameter's dtype except "step", a 0-dim float32 tensor as torch's. StateDict numbers parameters in
// group order, as PyTorch does, so a state saved from one optimizer loads into a fresh one built over
// the same parameters in the same order. PyTorch has no optimizer.lr; LearningRate is a convenience:
// its getter reads group 0's lr, its setter validates and writes every group's.

/// <summary>
/// Base class of optimizers (torch.optim.Optimizer): parameter groups with per-group options,
/// per-parameter state, ZeroGrad, Step, StateDict/LoadStateDict (Note [Optimizer parameter groups and state]).
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Tensor, Dictionary<string, Tensor>> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// <paramref name="groups"/> are the parameter groups (each completed from <paramref name="defaults"/>);
    /// <paramref name="name"/> names the optimizer in messages ("SGD", "Adam").
    /// </summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, IReadOnlyDictionary<string, object> defaults, string name)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        Name = name;
        Defaults = new Dictionary<string, object>(defaults);
        var list = groups.ToList();
        if (list.Count == 0) throw new ArgumentException($"{name}: optimizer got an empty parameter list", nameof(groups));
        foreach (var g in list) AddParamGroup(g);
    }

    /// <summary>One group holding <paramref name="parameters"/> (the single-list constructors).</summary>
    protected static IEnumerable<ParamGroup> OneGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var group = new ParamGroup(parameters);
        return group.Params.Count == 0 ? [] : [group];   // an empty list is "optimizer got an empty parameter list", as PyTorch
    }

    /// <summary>The tensors of <paramref name="parameters"/>, for the constructors that take <see cref="Parameter"/>s.</summary>
    protected static IEnumerable<Tensor> DataOf(IEnumerable<Parameter> parameters)
        => (parameters ?? throw new ArgumentNullException(nameof(parameters))).Select(p => p?.Data!);

    /// <summary>The optimizer's name as in error messages ("SGD", "Adam").</summary>
    public string Name { get; }

    /// <summary>The default options (optimizer.defaults), used to complete groups that leave an option out.</summary>
    public IReadOnlyDictionary<string, object> Defaults { get; }

    /// <summary>The parameter groups (optimizer.param_groups).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Every parameter, group by group, in the order given (the numbering of <see cref="StateDict"/>).</summary>
    public IReadOnlyList<Tensor> Params => [.. _groups.SelectMany(g => g.Params)];

    /// <summary>The state of <paramref name="param"/> (optimizer.state[p]): empty before its first step.</summary>
    public IReadOnlyDictionary<string, Tensor> StateOf(Tensor param) =>
        _state.TryGetValue(param, out var s) ? s : new Dictionary<string, Tensor>();

    /// <summary>
    /// Learning rate: group 0's lr; setting it validates the value and sets every group's lr (a
    /// convenience PyTorch lacks; Note [Optimizer parameter groups and state]).
    /// </summary>
    public double LearningRate
    {
        get => _groups[0].Lr;
        set
        {
            if (!(value >= 0)) throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name}: Invalid learning rate: {value}");
            foreach (var g in _groups) g.Lr = value;
        }
    }

    /// <summary>Number of completed <see cref="Step()"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// Adds a group (optimizer.add_param_group): missing options come from <see cref="Defaults"/>; a
    /// parameter may belong to one group only; the group's parameters must be leaves.
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        int i = 0;
        foreach (var p in group.Params)
        {
            if (p is null) throw new ArgumentException($"{Name}: parameter {i} is null", nameof(group));
            if (!p.IsLeaf) throw new ArgumentException($"{Name}: can't optimize a non-leaf Tensor (parameter {i} was produced by {p.GradFn!.Name})", nameof(group));
            if (!seen.Add(p))
                throw new ArgumentException($"{Name}: optimizer contains a parameter group with duplicate parameters (some parameters appear more than once: parameter {i}); duplicates would be stepped twice", nameof(group));
            i++;
        }
        if (_groups.Any(g => g.Params.Any(seen.Contains)))
            throw new ArgumentException($"{Name}: some parameters appear in more than one parameter group", nameof(group));
        if (_groups.Any(g => ReferenceEquals(g, group)))
            throw new ArgumentException($"{Name}: this parameter group was already added", nameof(group));
        foreach (var (k, v) in Defaults) group.Options.TryAdd(k, v);
        ValidateGroup(group);
        _groups.Add(group);
        OnGroupAdded(group);
    }

    /// <summary>Checks a completed group's options (the constructor's checks, applied to every group).</summary>
    protected virtual void ValidateGroup(ParamGroup group) { }

    /// <summary>Called after a group is added (Adagrad creates its state here, as PyTorch's constructor does).</summary>
    protected virtual void OnGroupAdded(ParamGroup group) { }

    /// <summary>
    /// Resets every parameter's gradient (optimizer.zero_grad(set_to_none)): drops it (the default, as
    /// PyTorch 2.x), or with <paramref name="setToNone"/> false fills it with zeros in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in _groups)
            foreach (var p in g.Params)
            {
                if (setToNone || p.Grad is not { } grad) { p.Grad = null; continue; }
                if (grad.DType == DType.Float32) grad.Span<float>().Clear();
                else if (grad.DType == DType.Float64) grad.Span<double>().Clear();
                else p.Grad = null;
                grad.BumpVersion();
            }
    }

    /// <summary>
    /// optimizer.step(closure): evaluates <paramref name="closure"/> (which recomputes the loss and calls
    /// Backward) with gradients enabled, steps, and returns its loss.
    /// </summary>
    public Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Tensor loss;
        using (Grad.EnableGrad()) loss = closure();
        Step();
        return loss;
    }

    /// <summary>
    /// A zero tensor shaped like <paramref name="param"/> for optimizer state (exp_avg, momentum_buffer, ...):
    /// allocated outside any <see cref="TensorScope"/>, since state must outlive the training step that
    /// creates it (Note [Tensor scopes]: a pooled array would be recycled when the step's scope ends).
    /// </summary>
    internal static Tensor StateZeros(Tensor param, double value = 0)
    {
        Array storage = param.DType == DType.Float32 ? new float[param.Numel] : new double[param.Numel];
        var t = new Tensor(storage, (int[])param.Dims.Clone());
        if (value != 0) for (int i = 0; i < t.Numel; i++) t.SetDouble(i, value);
        return t;
    }

    /// <summary>One update of every parameter whose <c>Grad</c> is set (optimizer.step()); others are skipped, as in PyTorch.</summary>
    public void Step()
    {
        using var _ = Grad.NoGrad();
        int index = 0;
        foreach (var group in _groups)
        {
            foreach (var p in group.Params)
            {
                int i = index++;
                if (p.Grad is not { } g) continue;
                if (g.DType != p.DType || !g.Shape.SequenceEqual(p.Shape))
                    throw new InvalidOperationException($"{Name}: parameter {i} has shape {ShapeUtil.Format(p.Shape)} {p.DType} but its grad has shape {ShapeUtil.Format(g.Shape)} {g.DType}");
                if (p.DType is not (DType.Float32 or DType.Float64))
                    throw new InvalidOperationException($"{Name}: parameter {i} is {p.DType}; only float32 and float64 parameters can be optimized");
                if (!_state.TryGetValue(p, out var state)) _state[p] = state = [];
                Update(group, p, g, state);
                p.BumpVersion();   // an in-place write: a graph that saved p now refuses to backward (Note [Version counters])
            }
        }
        StepCount++;
    }

    /// <summary>
    /// Updates <paramref name="param"/> in place from <paramref name="grad"/> with <paramref name="group"/>'s
    /// options; <paramref name="state"/> is the parameter's state, empty on its first step.
    /// </summary>
    protected abstract void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state);

    /// <summary>Creates state for <paramref name="param"/> ahead of its first step (Adagrad's constructor).</summary>
    protected Dictionary<string, Tensor> StateFor(Tensor param)
    {
        if (!_state.TryGetValue(param, out var s)) _state[param] = s = [];
        return s;
    }

    /// <summary>
    /// The optimizer's state (optimizer.state_dict()): per-parameter state keyed by the parameter's
    /// index (group order) and the groups' options with "params" as index lists. Tensors are copies.
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        var sd = new OptimizerStateDict();
        int index = 0;
        foreach (var g in _groups)
        {
            var packed = new Dictionary<string, object>();
            foreach (var (k, v) in g.Options) packed[k] = v is double[] a ? a.Clone() : v;
            var ids = new int[g.Params.Count];
            for (int j = 0; j < ids.Length; j++)
            {
                var p = g.Params[j];
                ids[j] = index;
                if (_state.TryGetValue(p, out var s) && s.Count > 0)
                    sd.State[index] = s.ToDictionary(kv => kv.Key, kv => kv.Value.CloneData());
                index++;
            }
            packed["params"] = ids;
            sd.ParamGroups.Add(packed);
        }
        return sd;
    }

    /// <summary>
    /// Loads a state from <see cref="StateDict"/> (optimizer.load_state_dict): the group count and
    /// sizes must match; each group's options are replaced by the saved ones; state tensors are copied,
    /// floating ones converted to their parameter's dtype ("step" stays as saved).
    /// </summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.ParamGroups.Count != _groups.Count)
            throw new ArgumentException($"{Name}: loaded state dict has a different number of parameter groups ({stateDict.ParamGroups.Count}, optimizer has {_groups.Count})", nameof(stateDict));
        var idMap = new Dictionary<int, Tensor>();
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            var saved = stateDict.ParamGroups[gi];
            if (!saved.TryGetValue("params", out var ps) || ps is not int[] ids)
                throw new ArgumentException($"{Name}: loaded state dict's parameter group {gi} has no \"params\" index list", nameof(stateDict));
            if (ids.Length != _groups[gi].Params.Count)
                throw new ArgumentException($"{Name}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group {gi}: {ids.Length} saved, {_groups[gi].Params.Count} here)", nameof(stateDict));
            for (int j = 0; j < ids.Length; j++) idMap[ids[j]] = _groups[gi].Params[j];
        }
        foreach (var (id, s) in stateDict.State)
        {
            if (!idMap.TryGetValue(id, out var p))
                throw new ArgumentException($"{Name}: loaded state dict has state for parameter {id}, which no group lists", nameof(stateDict));
            foreach (var (k, t) in s)
                if (k != "step" && t.DType is DType.Float32 or DType.Float64 && !t.Shape.SequenceEqual(p.Shape))
                    throw new ArgumentException($"{Name}: loaded state \"{k}\" of parameter {id} has shape {ShapeUtil.Format(t.Shape)}, the parameter {ShapeUtil.Format(p.Shape)}", nameof(stateDict));
        }
        // Validated: now replace state and options.
        _state.Clear();
        foreach (var (id, s) in stateDict.State)
        {
            var p = idMap[id];
            _state[p] = s.ToDictionary(kv => kv.Key,
                kv => kv.Key != "step" && kv.Value.DType is DType.Float32 or DType.Float64 && kv.Value.DType != p.DType
                    ? kv.Value.ConvertData(p.DType) : kv.Value.CloneData());
        }
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            var g = _groups[gi];
            g.Options.Clear();
            foreach (var (k, v) in stateDict.ParamGroups[gi])
                if (k != "params") g.Options[k] = v is double[] a ? a.Clone() : v;
            foreach (var (k, v) in Defaults) g.Options.TryAdd(k, v);   // __setstate__'s setdefaults for options saved by older versions
        }
    }

    /// <summary>Validates a hyper-parameter that must be a finite number ≥ 0 with PyTorch's wording.</summary>
    protected static double NonNegative(double value, string what, string name, string argName) => OptimMath.NonNegative(value, what, name, argName);
}
