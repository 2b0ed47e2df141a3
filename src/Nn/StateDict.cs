using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Autograd.Nn;

/// <summary>
/// An ordered map from dotted names ("0.weight", "1.running_mean") to tensors: what
/// <see cref="Module.StateDict"/> returns and <see cref="Module.LoadStateDict"/> takes (PyTorch's
/// OrderedDict[str, Tensor]). Enumeration and <see cref="Keys"/> follow insertion order; assigning an
/// existing key replaces its tensor in place in the order, as an OrderedDict does.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, Tensor> _map = new(StringComparer.Ordinal);

    /// <summary>An empty state dict.</summary>
    public StateDict() { }

    /// <summary>Copies <paramref name="entries"/> in their order; a repeated key is an error.</summary>
    public StateDict(IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (k, v) in entries) Add(k, v);
    }

    /// <summary>The number of entries.</summary>
    public int Count => _keys.Count;

    /// <summary>The names in order.</summary>
    public IEnumerable<string> Keys => _keys;

    /// <summary>The tensors in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<Tensor> Values => _keys.Select(k => _map[k]);

    /// <summary>Gets a tensor (KeyNotFoundException naming the key), or sets one (appended when new).</summary>
    public Tensor this[string key]
    {
        get => _map.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"StateDict: no entry named '{key}'");
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            if (!_map.ContainsKey(key)) _keys.Add(key);
            _map[key] = value;
        }
    }

    /// <summary>Appends an entry; a key already present is an ArgumentException.</summary>
    public void Add(string key, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_map.TryAdd(key, tensor)) throw new ArgumentException($"StateDict: duplicate key '{key}'", nameof(key));
        _keys.Add(key);
    }

    /// <summary>Removes an entry (del sd[key]); false when absent.</summary>
    public bool Remove(string key)
    {
        if (!_map.Remove(key)) return false;
        _keys.Remove(key);
        return true;
    }

    /// <summary>Whether the state dict has an entry named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _map.ContainsKey(key);

    /// <summary>The tensor named <paramref name="key"/>, if there is one.</summary>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _map.TryGetValue(key, out value);

    /// <summary>Enumerates the (name, tensor) entries in insertion order (as PyTorch's OrderedDict).</summary>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (var k in _keys) yield return new(k, _map[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per entry: name, dtype and shape.</summary>
    public override string ToString() =>
        "StateDict(" + string.Join(", ", _keys.Select(k => $"{k}: {_map[k].DType.TorchName()}{ShapeUtil.Format(_map[k].Shape)}")) + ")";
}

/// <summary>
/// What <see cref="Module.LoadStateDict"/> returns (PyTorch's _IncompatibleKeys NamedTuple): the model's
/// entries the state dict lacked and the state dict's entries the model has no place for.
/// </summary>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>PyTorch's repr when something is incompatible, else "&lt;All keys matched successfully&gt;".</summary>
    public override string ToString() => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0
        ? "<All keys matched successfully>"
        : $"_IncompatibleKeys(missing_keys=[{string.Join(", ", MissingKeys.Select(k => $"'{k}'"))}], unexpected_keys=[{string.Join(", ", UnexpectedKeys.Select(k => $"'{k}'"))}])";
}
