using System.Text;

namespace Autograd;

// Note [Drawing the graph]
// ToDot draws what torchviz's make_dot draws, in the direction data flows: an edge goes from an input
// to the node that consumed it (a leaf at the top, the root at the bottom), labelled with the input's
// shape. Op nodes are grey boxes named as PyTorch names them (ConvolutionBackward0); a leaf is its
// AccumulateGrad node, drawn as a blue box with the name from DotOptions.Names and its shape; the root
// is a green box; saved tensors are orange, with a dashed edge to the node that saved them (a saved
// tensor that is itself a leaf or a node's output in the graph is drawn as that node, once). Node ids
// are n<i>, i the node's position in backward order (Tape.Format's #i), so a DOT file, its SVG and the
// HTML trace can be matched. Every label is a quoted DOT string, escaped, so a name with quotes,
// backslashes or newlines cannot break the file.
public static partial class Tape
{
    /// <summary>The graph behind <paramref name="root"/> in Graphviz's DOT language (Note [Drawing the graph]).</summary>
    public static string ToDot(Tensor root, DotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new DotOptions();
        if (options.MaxElements < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxElements, "Tape.ToDot: MaxElements must be >= 0");
        var view = new TapeView(root, options.Names);
        var sb = new StringBuilder("digraph autograd {\n");
        sb.Append("  node [shape=box style=filled fontname=\"monospace\" fontsize=10];\n  edge [fontname=\"monospace\" fontsize=9];\n");
        string rootLabel = (view.NameOf(root) ?? "output") + "\n" + ShapeUtil.Format(root.Shape);
        if (options.ShowValues) rootLabel += "\n" + TapeView.Brief(root, options.MaxElements);
        sb.Append($"  root [label={Quote(rootLabel)} fillcolor=darkolivegreen1];\n");
        var savedIds = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < view.Nodes.Count; i++)
        {
            var n = view.Nodes[i];
            sb.Append($"  n{i} [label={Quote(NodeLabel(view, n, options))} fillcolor={(n is AccumulateGrad ? "lightblue" : "lightgrey")}];\n");
            for (int k = 0; k < n.Next.Length; k++)
                if (n.Next[k] is { } next)
                    sb.Append($"  n{view.Index[next]} -> n{i} [label={Quote(ShapeUtil.Format(n.InputShapes[k]))}];\n");
            if (options.ShowSaved) AppendSaved(sb, view, n, i, options, savedIds);
        }
        if (root.RequiresGrad) sb.Append($"  n{view.Index[root.GradientEdge.Node]} -> root;\n");
        return sb.Append("}\n").ToString();
    }

    private static string NodeLabel(TapeView view, Node n, DotOptions options)
    {
        if (n is not AccumulateGrad acc) return n.Name + "\n" + ShapeUtil.Format(n.OutputShape);
        var label = view.LeafTitle(acc) + "\n" + ShapeUtil.Format(acc.Leaf.Shape);
        if (options.ShowValues) label += "\nvalue:\n" + TapeView.Brief(acc.Leaf, options.MaxElements);
        if (options.ShowGradients) label += "\ngrad:\n" + (acc.Leaf.GradValue is { } g ? TapeView.Brief(g, options.MaxElements) : "None");
        return label;
    }

    private static void AppendSaved(StringBuilder sb, TapeView view, Node n, int i, DotOptions options, Dictionary<Tensor, string> savedIds)
    {
        foreach (var s in n.Saved)
        {
            var t = s.Tensor;
            if (ReferenceEquals(t, Node.Residuals)) continue;   // a placeholder for non-tensor residuals (an index array)
            // Drawn as the graph node standing for the tensor, unless that is this node itself (its own saved output).
            string? id = GraphNodeOf(view, t) is { } g && !ReferenceEquals(g, n) ? $"n{view.Index[g]}" : null;
            if (id is null && !savedIds.TryGetValue(t, out id))
            {
                savedIds[t] = id = $"s{savedIds.Count}";
                var label = (s.IsOutput ? "saved output" : view.NameOf(t) ?? "saved") + "\n" + ShapeUtil.Format(t.Shape);
                if (options.ShowValues) label += "\n" + TapeView.Brief(t, options.MaxElements);
                sb.Append($"  {id} [label={Quote(label)} fillcolor=orange];\n");
            }
            sb.Append($"  {id} -> n{i} [style=dashed arrowhead=none];\n");
        }
    }

    /// <summary>The node in the graph that stands for <paramref name="t"/>: its grad_fn, or its AccumulateGrad when it is a leaf there.</summary>
    private static Node? GraphNodeOf(TapeView view, Tensor t)
    {
        if (t.GradFn is { } fn) return view.Index.ContainsKey(fn) ? fn : null;
        return t.RequiresGrad && view.Index.ContainsKey(t.Accumulator) ? t.Accumulator : null;
    }

    /// <summary>A DOT quoted string: backslash and quote escaped, newlines as \n (centered lines).</summary>
    internal static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            if (c == '\n') sb.Append("\\n");
            else if (c == '\r') continue;
            else if (c is '"' or '\\') sb.Append('\\').Append(c);
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>The graph as an SVG document, laid out by Graphviz's <c>dot</c> (which must be on PATH; Debian: <c>apt-get install graphviz</c>).</summary>
    public static string ToSvg(Tensor root, DotOptions? options = null) => Graphviz.Render(ToDot(root, options), "svg");

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/>.</summary>
    public static void SaveSvg(Tensor root, string path, DotOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToSvg(root, options));
    }
}

public partial class Node
{
    /// <summary>The tensors this node saved for backward (none once backward freed them).</summary>
    internal IEnumerable<SavedTensor> Saved => _saved ?? [];
}
