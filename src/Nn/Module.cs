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
