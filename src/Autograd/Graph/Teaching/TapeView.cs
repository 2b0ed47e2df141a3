using System.Globalization;
using System.Text;

namespace Autograd;

/// <summary>
/// The graph behind a root as the teaching views draw it (DOT, the HTML trace): the nodes in backward
/// order, each numbered by its position, and the names the caller gave some tensors. Built by walking
/// Engine.Order (an explicit stack, never recursion), so a shared subgraph appears once.
/// </summary>
internal sealed class TapeView
{
    private readonly IReadOnlyDictionary<Tensor, string>? _names;

    internal TapeView(Tensor root, IReadOnlyDictionary<Tensor, string>? names)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        _names = names;
        Nodes = Tape.Nodes(root);
        for (int i = 0; i < Nodes.Count; i++) Index[Nodes[i]] = i;
    }

    internal Tensor Root { get; }
    internal IReadOnlyList<Node> Nodes { get; }
    internal Dictionary<Node, int> Index { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The name the caller gave <paramref name="t"/>, or null.</summary>
    internal string? NameOf(Tensor t) => _names is not null && _names.TryGetValue(t, out var n) ? n : null;

    /// <summary>A leaf's name, or "leaf" when the caller named none (torchviz prints only the shape then).</summary>
    internal string LeafTitle(AccumulateGrad acc) => NameOf(acc.Leaf) ?? "leaf";

    /// <summary>A short text of a tensor's values: every value when it has at most <paramref name="maxElements"/>, else its range and mean.</summary>
    internal static string Brief(Tensor t, int maxElements)
    {
        if (!t.DType.IsFloatingPoint()) t = t.ConvertData(DType.Float64);
        var v = t.ToDoubleArray();
        if (v.Length == 0) return "[]";
        if (v.Length <= maxElements)
        {
            int row = t.Rank >= 2 ? t.Dims[^1] : v.Length;
            var sb = new StringBuilder();
            for (int i = 0; i < v.Length; i++)
            {
                if (i > 0) sb.Append(i % row == 0 ? "\n" : " ");
                sb.Append(Num(v[i]));
            }
            return sb.ToString();
        }
        double min = v.Min(), max = v.Max(), mean = v.Average();
        return $"min {Num(min)} max {Num(max)} mean {Num(mean)}";
    }

    /// <summary>Four significant digits, invariant culture (the views are meant to be read, not parsed).</summary>
    internal static string Num(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
