using System.Collections;
using System.Globalization;

namespace Autograd.Nn;

// torch.nn's containers. Each keeps its modules only as the Module base's children, so names, order,
// NamedParameters, StateDict and ToString all follow from one list. Integer indices may be negative
// (counted from the end) as in Python; out of range is an ArgumentOutOfRangeException saying
// "index 5 is out of range" (PyTorch's IndexError).

/// <summary>
/// Applies its children in order (torch.nn.Sequential). Children are named "0", "1", … or by the names
/// given: <c>new Sequential(("conv", conv), ("relu", new ReLU()))</c>, or from an ordered dictionary.
/// </summary>
public sealed class Sequential : Module, IEnumerable<Module>
{
    /// <summary>An empty Sequential (Forward is the identity).</summary>
    public Sequential() { }

    /// <summary>Layers named "0", "1", ….</summary>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null) throw new ArgumentException($"Sequential: layer {i} is null", nameof(layers));
            RegisterModule(Num(i), layers[i]);
        }
    }

    /// <summary>Named layers (Sequential(OrderedDict([("conv", …), …]))).</summary>
    public Sequential(params (string Name, Module Module)[] layers)
        : this(layers.Select(l => new KeyValuePair<string, Module>(l.Name, l.Module))) { }

    /// <summary>Named layers in the order of <paramref name="layers"/> (an OrderedDict).</summary>
    public Sequential(IEnumerable<KeyValuePair<string, Module>> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var (name, m) in layers)
        {
            if (m is null) throw new ArgumentException($"Sequential: layer '{name}' is null", nameof(layers));
            RegisterModule(name, m);
        }
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module> Layers => Children.Select(c => c.Module).ToArray();

    /// <summary>Number of layers (len(seq)).</summary>
    public int Count => Children.Count;

    /// <summary>The layer at <paramref name="index"/> (negative counts from the end); setting replaces it keeping its name.</summary>
    public Module this[int index]
    {
        get => Children[Containers.Index(index, Count, "Sequential")].Module;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            SetModule(Children[Containers.Index(index, Count, "Sequential")].Name, value);
        }
    }

    /// <summary>The layer named <paramref name="name"/> (getattr(seq, name)).</summary>
    public Module this[string name] => Containers.Find(Children, name, "Sequential");

    /// <summary>A Sequential of the layers in <paramref name="range"/>, keeping their names (seq[1:3]).</summary>
    public Sequential this[Range range]
    {
        get
        {
            var (start, length) = range.GetOffsetAndLength(Count);
            return new Sequential(Children.Skip(start).Take(length).Select(c => new KeyValuePair<string, Module>(c.Name, c.Module)));
        }
    }

    /// <summary>Adds <paramref name="module"/> at the end, named by the current length (seq.append).</summary>
    public Sequential Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(Num(Count), module);
        return this;
    }

    /// <summary>Appends each of <paramref name="modules"/> (seq.extend).</summary>
    public Sequential Extend(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules.ToArray()) Append(m);
        return this;
    }

    /// <summary>Inserts before <paramref name="index"/> (-Count..Count) and renumbers the layers "0".."n" (seq.insert).</summary>
    public Sequential Insert(int index, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var list = Layers.ToList();
        list.Insert(Containers.InsertIndex(index, Count, "Sequential"), module);
        ClearModules();
        for (int i = 0; i < list.Count; i++) RegisterModule(Num(i), list[i]);
        return this;
    }

    /// <summary>Removes the layer at <paramref name="index"/> and renumbers every layer "0".."n-2", as PyTorch 2.x's del seq[i] does.</summary>
    public void RemoveAt(int index)
    {
        var list = Layers.ToList();
        list.RemoveAt(Containers.Index(index, Count, "Sequential"));
        ClearModules();
        for (int i = 0; i < list.Count; i++) RegisterModule(Num(i), list[i]);
    }

    /// <summary>Removes and returns the layer at <paramref name="index"/> (seq.pop), renumbering as <see cref="RemoveAt"/>.</summary>
    public Module Pop(int index = -1)
    {
        var m = this[index];
        RemoveAt(index);
        return m;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        foreach (var (_, layer) in Children) input = layer.Forward(input);
        return input;
    }

    /// <summary>Enumerates the child modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => Children.Select(c => c.Module).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string Num(int i) => i.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Holds modules in a list named "0", "1", … (torch.nn.ModuleList): their parameters are registered, but
/// it has no Forward of its own; index it in a custom module's Forward. Insertions and removals renumber.
/// </summary>
public sealed class ModuleList : Module, IEnumerable<Module>
{
    /// <summary>An empty list (<c>nn.ModuleList()</c>).</summary>
    public ModuleList() { }

    /// <summary>A list of <paramref name="modules"/>, registered as children "0", "1", ... (<c>nn.ModuleList(modules)</c>).</summary>
    public ModuleList(params Module[] modules) => Extend(modules);

    /// <summary>A list of <paramref name="modules"/>, registered as children "0", "1", ... (<c>nn.ModuleList(modules)</c>).</summary>
    public ModuleList(IEnumerable<Module> modules) => Extend(modules);

    /// <summary>The number of modules (<c>len(module_list)</c>).</summary>
    public int Count => Children.Count;

    /// <summary>The module at <paramref name="index"/> (negative counts from the end); setting replaces it.</summary>
    public Module this[int index]
    {
        get => Children[Containers.Index(index, Count, "ModuleList")].Module;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            SetModule(Children[Containers.Index(index, Count, "ModuleList")].Name, value);
        }
    }

    /// <summary>A ModuleList of the modules in <paramref name="range"/> (renumbered from 0, as PyTorch's slice is).</summary>
    public ModuleList this[Range range]
    {
        get
        {
            var (start, length) = range.GetOffsetAndLength(Count);
            return new ModuleList(Children.Skip(start).Take(length).Select(c => c.Module));
        }
    }

    /// <summary>Appends (ml.append); also what a collection initializer calls.</summary>
    public void Add(Module module) => Append(module);

    /// <summary>Appends <paramref name="module"/> (ml.append).</summary>
    public ModuleList Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(Count.ToString(CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>Appends each of <paramref name="modules"/> (ml.extend).</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules.ToArray())
        {
            if (m is null) throw new ArgumentException($"ModuleList: module {Count} is null", nameof(modules));
            Append(m);
        }
        return this;
    }

    /// <summary>Inserts before <paramref name="index"/> (-Count..Count) and renumbers (ml.insert).</summary>
    public void Insert(int index, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var list = Children.Select(c => c.Module).ToList();
        list.Insert(Containers.InsertIndex(index, Count, "ModuleList"), module);
        Renumber(list);
    }

    /// <summary>Removes the module at <paramref name="index"/> and renumbers (del ml[i]).</summary>
    public void RemoveAt(int index)
    {
        var list = Children.Select(c => c.Module).ToList();
        list.RemoveAt(Containers.Index(index, Count, "ModuleList"));
        Renumber(list);
    }

    /// <summary>Removes and returns the module at <paramref name="index"/> (ml.pop).</summary>
    public Module Pop(int index = -1)
    {
        var m = this[index];
        RemoveAt(index);
        return m;
    }

    /// <summary>ModuleList has no forward: calling it is an error, as in PyTorch.</summary>
    public override Tensor Forward(Tensor input) => throw Containers.NoForward("ModuleList");

    /// <summary>Enumerates the modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => Children.Select(c => c.Module).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Renumber(List<Module> modules)
    {
        ClearModules();
        for (int i = 0; i < modules.Count; i++) RegisterModule(i.ToString(CultureInfo.InvariantCulture), modules[i]);
    }
}

/// <summary>
/// Holds modules by name in insertion order (torch.nn.ModuleDict). Enumerating yields (key, module)
/// pairs, C#'s dictionary convention (Python iterates the keys: use <see cref="Keys"/>).
/// </summary>
public sealed class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    /// <summary>An empty dictionary (<c>nn.ModuleDict()</c>).</summary>
    public ModuleDict() { }

    /// <summary>A dictionary of <paramref name="modules"/>, in the given order (<c>nn.ModuleDict(modules)</c>).</summary>
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules) => Update(modules);

    /// <summary>A dictionary of <paramref name="modules"/>, in the given order (<c>nn.ModuleDict(modules)</c>).</summary>
    public ModuleDict(params (string Key, Module Module)[] modules) => Update(modules);

    /// <summary>The number of modules (<c>len(module_dict)</c>).</summary>
    public int Count => Children.Count;

    /// <summary>The module under <paramref name="key"/>; setting replaces it in place or appends a new key.</summary>
    public Module this[string key]
    {
        get => Containers.Find(Children, key, "ModuleDict");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            SetModule(key, value);
        }
    }

    /// <summary>The keys in order (md.keys()).</summary>
    public IReadOnlyList<string> Keys => Children.Select(c => c.Name).ToArray();

    /// <summary>The modules in order (md.values()).</summary>
    public IReadOnlyList<Module> Values => Children.Select(c => c.Module).ToArray();

    /// <summary>The (key, module) pairs in order (md.items()).</summary>
    public IReadOnlyList<(string Key, Module Module)> Items => Children.ToArray();

    /// <summary>Whether <paramref name="key"/> is present (key in md).</summary>
    public bool Contains(string key) => Children.Any(c => c.Name == key);

    /// <summary>Same as <see cref="Contains"/>.</summary>
    public bool ContainsKey(string key) => Contains(key);

    /// <summary>Sets each pair in order: existing keys are replaced in place, new ones appended (md.update).</summary>
    public void Update(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (k, m) in modules.ToArray())
        {
            if (m is null) throw new ArgumentException($"ModuleDict: module '{k}' is null", nameof(modules));
            SetModule(k, m);
        }
    }

    /// <summary><see cref="Update(IEnumerable{KeyValuePair{string, Module}})"/> for tuples.</summary>
    public void Update(params (string Key, Module Module)[] modules) =>
        Update(modules.Select(m => new KeyValuePair<string, Module>(m.Key, m.Module)));

    /// <summary>Removes and returns the module under <paramref name="key"/> (md.pop).</summary>
    public Module Pop(string key)
    {
        var m = this[key];
        RemoveModule(key);
        return m;
    }

    /// <summary>Removes <paramref name="key"/> (del md[key]); false when absent.</summary>
    public bool Remove(string key) => RemoveModule(key);

    /// <summary>Removes every module (md.clear).</summary>
    public void Clear() => ClearModules();

    /// <summary>ModuleDict has no forward: calling it is an error, as in PyTorch.</summary>
    public override Tensor Forward(Tensor input) => throw Containers.NoForward("ModuleDict");

    /// <summary>Enumerates the (key, module) pairs in insertion order.</summary>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() =>
        Children.Select(c => new KeyValuePair<string, Module>(c.Name, c.Module)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

internal static class Containers
{
    /// <summary>A Python index in -count..count-1 as 0..count-1, else PyTorch's "index {i} is out of range".</summary>
    internal static int Index(int index, int count, string container)
    {
        int i = index < 0 ? index + count : index;
        if ((uint)i >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{container}: index {index} is out of range");
        return i;
    }

    /// <summary>An insertion position in -count..count (list.insert's range, as PyTorch's Sequential.insert checks).</summary>
    internal static int InsertIndex(int index, int count, string container)
    {
        if (index < -count || index > count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{container}: Index out of range: {index}");
        return index < 0 ? index + count : index;
    }

    internal static Module Find(IReadOnlyList<(string Name, Module Module)> children, string name, string container)
    {
        foreach (var (n, m) in children) if (n == name) return m;
        throw new KeyNotFoundException($"{container}: no module named '{name}'");
    }

    internal static NotSupportedException NoForward(string container) =>
        new($"Module [{container}] is missing the required \"forward\" function");
}
