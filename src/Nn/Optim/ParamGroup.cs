namespace Autograd.Nn.Optim;

/// <summary>
/// One parameter group of an optimizer (an entry of torch.optim.Optimizer.param_groups): a list of
/// parameters and the options that apply to them, keyed by PyTorch's names ("lr", "betas",
/// "weight_decay", "momentum", ...). Options missing when the group is handed to an optimizer are
/// filled from the optimizer's defaults; schedulers add their own keys ("initial_lr", "max_lr", ...).
/// </summary>
/// <remarks>
/// Values are <see cref="double"/>, <see cref="bool"/>, <see cref="int"/>/<see cref="long"/> or, for
/// "betas", a <c>(double, double)</c> tuple — as in PyTorch's group dictionaries. The optimizer reads
/// the options at every <see cref="Optimizer.Step()"/>, so changing one (group.Lr = 0.01,
/// group["momentum"] = 0.5) takes effect at the next step, as in PyTorch.
/// </remarks>
public sealed class ParamGroup
{
    private readonly List<Tensor> _params;

    /// <summary>A group of tensors; <paramref name="options"/> (and <paramref name="lr"/>) override the optimizer's defaults.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, IReadOnlyDictionary<string, object>? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _params = [.. parameters];
        if (options is not null) foreach (var (k, v) in options) Options[k] = v;
        if (lr is { } l) Options["lr"] = l;
    }

    /// <summary>A group of module parameters, e.g. <c>new ParamGroup(model.Fc.Parameters(), lr: 1e-4)</c>.</summary>
    public ParamGroup(IEnumerable<Parameter> parameters, double? lr = null, IReadOnlyDictionary<string, object>? options = null)
        : this((parameters ?? throw new ArgumentNullException(nameof(parameters))).Select(p => p.Data), lr, options) { }

    /// <summary>The group's parameters (group["params"]).</summary>
    public IReadOnlyList<Tensor> Params => _params;

    /// <summary>The group's options by PyTorch name (every key but "params").</summary>
    public Dictionary<string, object> Options { get; } = [];

    /// <summary>group[key]; a missing key is a KeyNotFoundException naming it.</summary>
    public object this[string key]
    {
        get => Options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"param group has no option '{key}'");
        set => Options[key] = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Whether the group has the option <paramref name="key"/> (e.g. "momentum").</summary>
    public bool ContainsKey(string key) => Options.ContainsKey(key);

    /// <summary>group["lr"]: read at every step; schedulers write it.</summary>
    public double Lr
    {
        get => GetDouble("lr");
        set => Options["lr"] = value;
    }

    /// <summary>A numeric option as a double (int and long values convert).</summary>
    public double GetDouble(string key) => this[key] switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        var v => throw new InvalidCastException($"param group option '{key}' is a {v.GetType().Name}, not a number"),
    };

    /// <summary>The bool option <paramref name="key"/>; throws <see cref="InvalidCastException"/> when it is not a bool.</summary>
    public bool GetBool(string key) => this[key] is bool b ? b : throw new InvalidCastException($"param group option '{key}' is not a bool");

    /// <summary>group["betas"] as a pair (a 2-element double[] is accepted too, as loaded from JSON).</summary>
    public (double Beta1, double Beta2) GetBetas(string key = "betas") => this[key] switch
    {
        ValueTuple<double, double> t => t,
        double[] { Length: 2 } a => (a[0], a[1]),
        var v => throw new InvalidCastException($"param group option '{key}' is a {v.GetType().Name}, not a pair of doubles"),
    };
}
