using System.Text;

namespace Autograd.Samples.Explain;

/// <summary>
/// A replay's printed text and, by key, the tensors it printed (so tests can check each table against
/// the seed's own numbers).
/// </summary>
public sealed class SeedReport
{
    private readonly StringBuilder _text = new();
    private readonly Dictionary<string, Tensor> _tables = [];

    public SeedReport(string name, string title)
    {
        Name = name;
        _text.Append($"=== {name}: {title}\n");
    }

    public string Name { get; }

    /// <summary>The keys of the recorded tables, in print order.</summary>
    public IReadOnlyList<string> Keys => [.. _tables.Keys];

    /// <summary>The tensor printed under <paramref name="key"/>.</summary>
    public Tensor this[string key] => _tables.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"{Name} has no table '{key}' (it has: {string.Join(", ", _tables.Keys)})");

    /// <summary>Appends a line of text.</summary>
    public SeedReport Line(string text = "")
    {
        _text.Append(text).Append('\n');
        return this;
    }

    /// <summary>Prints <c>caption:</c> and the tensor on the next lines, and records it under <paramref name="key"/>.</summary>
    public SeedReport Table(string key, string caption, Tensor value)
    {
        _tables.Add(key, value);
        _text.Append(caption).Append(":\n").Append(value).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();
}
