namespace Autograd.Nn;

/// <summary>
/// Base class of layers and models (torch.nn.Module): owns named parameters and child modules,
/// a training flag, and a forward function from one tensor to one tensor.
/// </summary>
/// <remarks>
/// Subclasses register what they own in their constructor with <see cref="RegisterParameter"/> and
/// <see cref="RegisterModule{T}"/>; registration order is the order of <see cref="Parameters"/>, as in
/// PyTorch, which matters for optimizers and for loading weights.
/// </remarks>
public abstract class Module
{
    private readonly List<(string Name, Parameter? Parameter)> _parameters = [];
    private readonly List<(string Name, Module Module)> _children = [];
    private readonly List<(string Name, Tensor? Buffer, bool Persistent)> _buffers = [];

    /// <summary>True in training mode (module.training); set by <see cref="Train"/> and <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The computation (module.forward).</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Same as <see cref="Forward"/>, mirroring PyTorch's <c>module(x)</c>.</summary>
    public Tensor Call(Tensor input) => Forward(input);

    /// <summary>Registers a parameter (or a null placeholder, like bias=False) under <paramref name="name"/>.</summary>
    protected Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        CheckName(name);
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers a buffer (module.register_buffer): a tensor that is part of the module's state but not a
    /// parameter, e.g. BatchNorm's running_mean. Persistent buffers are saved in <c>StateDict</c>; a null
    /// buffer is a placeholder (track_running_stats=False) that is listed nowhere.
    /// </summary>
    protected Tensor? RegisterBuffer(string name, Tensor? buffer, bool persistent = true)
    {
        CheckName(name);
        _buffers.Add((name, buffer, persistent));
        return buffer;
    }

    /// <summary>Replaces the tensor of buffer <paramref name="name"/> (module.name = tensor for a buffer).</summary>
    protected void SetBuffer(string name, Tensor? buffer)
    {
        int i = _buffers.FindIndex(b => b.Name == name);
        if (i < 0) throw new ArgumentException($"{GetType().Name}: no buffer named '{name}'", nameof(name));
        _buffers[i] = (name, buffer, _buffers[i].Persistent);
    }

    /// <summary>
    /// All buffers of this module and its descendants with dotted names (module.named_buffers()), depth
    /// first in registration order; null placeholders are skipped. <paramref name="persistentOnly"/> keeps
    /// those that belong in a state dict.
    /// </summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool persistentOnly = false)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string Prefix, Module Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, m) = stack.Pop();
            foreach (var (name, b, persistent) in m._buffers)
                if (b is not null && (persistent || !persistentOnly) && seen.Add(b)) yield return (prefix + name, b);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((prefix + m._children[i].Name + ".", m._children[i].Module));
        }
    }

    /// <summary>All buffers (module.buffers()).</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    /// <summary>
    /// Replaces the child named <paramref name="name"/> keeping its place, or appends it when there is none
    /// (setattr(module, name, child) / module._modules[name] = child): what containers use for item assignment.
    /// </summary>
    protected T SetModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        int i = _children.FindIndex(c => c.Name == name);
        if (i < 0) return RegisterModule(name, module);
        _children[i] = (name, module);
        return module;
    }

    /// <summary>Removes the child named <paramref name="name"/> (del module._modules[name]); false when absent.</summary>
    protected bool RemoveModule(string name) => _children.RemoveAll(c => c.Name == name) > 0;

    /// <summary>Removes every child (containers re-register theirs after an insertion or deletion renumbers them).</summary>
    protected void ClearModules() => _children.Clear();

    /// <summary>The direct children with their names, in order (module._modules), for containers.</summary>
    protected IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <summary>Direct children in registration order (module.named_children()).</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>
    /// All parameters of this module and its descendants with dotted names such as "0.weight"
    /// (module.named_parameters()), depth first in registration order. Walked with an explicit stack.
    /// A parameter shared by two modules is listed once, like PyTorch.
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string Prefix, Module Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, m) = stack.Pop();
            foreach (var (name, p) in m._parameters)
                if (p is not null && seen.Add(p)) yield return (prefix + name, p);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((prefix + m._children[i].Name + ".", m._children[i].Module));
        }
    }

    /// <summary>All parameters (module.parameters()), the order <see cref="NamedParameters"/> gives.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>This module and all descendants, depth first (module.modules()).</summary>
    public IEnumerable<Module> Modules()
    {
        var stack = new Stack<Module>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var m = stack.Pop();
            yield return m;
            for (int i = m._children.Count - 1; i >= 0; i--) stack.Push(m._children[i].Module);
        }
    }

    /// <summary>
    /// The module's state (module.state_dict()): for each module depth first, its own parameters, then its
    /// own persistent buffers, then its children's entries with the child's name as prefix ("0.weight",
    /// "1.running_mean", "1.num_batches_tracked"): PyTorch's names and order, so a file written from it
    /// loads into PyTorch. Null placeholders (bias=False) are skipped; a tensor shared by two modules is
    /// listed under both names, as in PyTorch.
    /// </summary>
    /// <remarks>
    /// Note [State dict values]: like PyTorch's (keep_vars=False) the values are detached tensors SHARING
    /// storage and version counter with the parameters and buffers: no copy is made, a later optimizer
    /// step shows through, and writing into a value writes the model. Clone (CloneData) to snapshot.
    /// </remarks>
    /// <param name="keepVars">state_dict(keep_vars=True): the parameters' and buffers' own tensors instead of detached aliases.</param>
    public StateDict StateDict(bool keepVars = false)
    {
        var result = new StateDict();
        foreach (var (prefix, m) in PrefixedModules())
        {
            foreach (var (name, p) in m._parameters)
                if (p is not null) result[prefix + name] = keepVars ? p.Data : p.Data.Detach();
            foreach (var (name, b, persistent) in m._buffers)
                if (b is not null && persistent) result[prefix + name] = keepVars ? b : b.Detach();
        }
        return result;
    }

    /// <summary>
    /// Copies <paramref name="stateDict"/>'s tensors into this module's parameters and persistent buffers
    /// in place (module.load_state_dict): under no-grad, converting the dtype as copy_ does, bumping each
    /// tensor's version. Returns the missing and unexpected keys (PyTorch's _IncompatibleKeys); with
    /// <paramref name="strict"/> either kind is an error, and a shape mismatch always is. The error
    /// message is PyTorch's: "Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in
    /// state_dict: "0.bias". \n\tsize mismatch for 0.weight: copying a param with shape
    /// torch.Size([3, 2]) from checkpoint, the shape in current model is torch.Size([2, 2]).".
    /// </summary>
    /// <remarks>
    /// Note [Atomic load_state_dict]: PyTorch copies every matching entry before it raises, so a failed
    /// load leaves the model half-loaded. Here every entry is checked first and nothing is copied when
    /// there is an error: a failed load leaves the model as it was. Otherwise the rules are PyTorch's:
    /// missing keys in depth-first module order, unexpected keys module by module in the state dict's
    /// order (a key is unexpected when its first segment under a module's prefix is neither a child nor a
    /// local parameter or persistent buffer), and a one-element 1-d entry loads into a 0-d tensor
    /// (PyTorch's backward compatibility rule: it takes element 0).
    /// </remarks>
    public IncompatibleKeys LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var missing = new List<string>();
        var unexpected = new List<string>();
        var errors = new List<string>();
        var copies = new List<(Tensor Target, Tensor Source)>();
        var keys = stateDict.Keys.ToList();
        foreach (var (prefix, m) in PrefixedModules())
        {
            var local = new List<(string Name, Tensor Tensor)>();
            foreach (var (name, p) in m._parameters) if (p is not null) local.Add((name, p.Data));
            foreach (var (name, b, persistent) in m._buffers) if (b is not null && persistent) local.Add((name, b));
            foreach (var (name, target) in local)
            {
                string key = prefix + name;
                if (!stateDict.TryGetValue(key, out var source)) { missing.Add(key); continue; }
                if (source is null)
                {
                    errors.Add($"While copying the parameter named \"{key}\", expected torch.Tensor or Tensor-like object from checkpoint but received None");
                    continue;
                }
                if (target.Rank == 0 && source.Rank == 1 && source.Numel >= 1) source = FirstElement(source);
                if (!target.Shape.Equals(source.Shape))
                {
                    errors.Add($"size mismatch for {key}: copying a param with shape torch.Size({ShapeUtil.Format(source.Shape)}) from checkpoint, the shape in current model is torch.Size({ShapeUtil.Format(target.Shape)}).");
                    continue;
                }
                copies.Add((target, source));
            }
            foreach (var key in keys)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                string rest = key[prefix.Length..];
                int dot = rest.IndexOf('.');
                string first = dot < 0 ? rest : rest[..dot];
                if (!m._children.Exists(c => c.Name == first) && !local.Exists(l => l.Name == first)) unexpected.Add(key);
            }
        }
        if (strict)
        {
            if (unexpected.Count > 0) errors.Insert(0, $"Unexpected key(s) in state_dict: {string.Join(", ", unexpected.Select(k => $"\"{k}\""))}. ");
            if (missing.Count > 0) errors.Insert(0, $"Missing key(s) in state_dict: {string.Join(", ", missing.Select(k => $"\"{k}\""))}. ");
        }
        if (errors.Count > 0)
            throw new ArgumentException($"Error(s) in loading state_dict for {GetType().Name}:\n\t{string.Join("\n\t", errors)}");
        foreach (var (target, source) in copies) CopyInto(target, source);
        return new IncompatibleKeys(missing, unexpected);
    }

    /// <summary>
    /// Writes <see cref="StateDict"/> to a safetensors file at <paramref name="path"/>, atomically (see
    /// <see cref="SafeTensors.Save(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string})"/>),
    /// with metadata "format": "pt" added unless given, as safetensors.torch.save_model does.
    /// </summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(metadata);
        meta.TryAdd("format", "pt");
        SafeTensors.Save(path, StateDict(), meta);
    }

    /// <summary>Loads a safetensors file written by <see cref="Save"/> (or by PyTorch's safetensors) with <see cref="LoadStateDict"/>.</summary>
    public IncompatibleKeys Load(string path, bool strict = true) => LoadStateDict(SafeTensors.Load(path).Tensors, strict);

    /// <summary>
    /// param.copy_(source) under no_grad for same-shaped tensors: the values converted to the target's dtype
    /// as copy_ converts, written into its storage (shared by its views and the state dict's aliases), and
    /// the version bumped so graphs that saved the old values refuse to backward (Note [Version counters]).
    /// </summary>
    private static void CopyInto(Tensor target, Tensor source)
    {
        var values = source.DType == target.DType ? source.Storage : ElementConvert.ToArray(source.Storage, target.DType);
        if (!ReferenceEquals(values, target.Storage)) Array.Copy(values, target.Storage, values.Length);
        target.BumpVersion();
    }

    /// <summary>Element 0 of <paramref name="t"/> as a 0-d tensor of its dtype.</summary>
    private static Tensor FirstElement(Tensor t)
    {
        var one = Array.CreateInstance(t.Storage.GetType().GetElementType()!, 1);
        Array.Copy(t.Storage, one, 1);
        return new Tensor(one, []);
    }

    /// <summary>This module and its descendants with their key prefixes ("", "0.", "0.conv."), depth first (module.named_modules()'s order, without de-duplication).</summary>
    private IEnumerable<(string Prefix, Module Module)> PrefixedModules()
    {
        var stack = new Stack<(string Prefix, Module Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, m) = stack.Pop();
            yield return (prefix, m);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((prefix + m._children[i].Name + ".", m._children[i].Module));
        }
    }

    /// <summary>Sets training mode on this module and every descendant (module.train(mode)).</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Evaluation mode (module.eval()).</summary>
    public Module Eval() => Train(false);

    /// <summary>Drops every parameter's gradient (module.zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Numel);

    /// <summary>PyTorch-like one-line description of the layer, e.g. "Linear(in_features=3, out_features=2, bias=True)".</summary>
    public override string ToString()
    {
        if (_children.Count == 0) return GetType().Name + "(" + ExtraRepr() + ")";
        var lines = new List<string> { GetType().Name + "(" };
        foreach (var (name, child) in _children)
            lines.Add("  (" + name + "): " + child.ToString().Replace("\n", "\n  "));
        lines.Add(")");
        return string.Join("\n", lines);
    }

    /// <summary>The arguments shown inside the parentheses of <see cref="ToString"/> (module.extra_repr()).</summary>
    protected virtual string ExtraRepr() => "";

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: parameter or module name can't be empty or contain \".\", got \"{name}\"", nameof(name));
        if (_parameters.Exists(p => p.Name == name) || _children.Exists(c => c.Name == name) || _buffers.Exists(b => b.Name == name))
            throw new ArgumentException($"{GetType().Name}: attribute '{name}' already exists", nameof(name));
    }

    /// <summary>PyTorch's bool spelling for <see cref="ExtraRepr"/>.</summary>
    protected static string Py(bool b) => b ? "True" : "False";
}
