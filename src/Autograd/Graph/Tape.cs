using System.Text;

namespace Autograd;

/// <summary>
/// A printable record of the graph behind a tensor: the nodes in the order backward would run them,
/// each with its op name, input shapes and output shape. Meant for learners and for snapshot tests.
/// </summary>
public static partial class Tape
{
    /// <summary>Nodes reachable from <paramref name="root"/>, in backward execution order.</summary>
    public static IReadOnlyList<Node> Nodes(Tensor root)
        => root.RequiresGrad ? Engine.Order([root.GradFn ?? root.Accumulator]).Nodes : [];

    /// <summary>One line per node: index, name, input shapes, output shape, and where its gradients go.</summary>
    public static string Format(Tensor root)
    {
        var nodes = Nodes(root);
        var index = new Dictionary<Node, int>();
        for (int i = 0; i < nodes.Count; i++) index[nodes[i]] = i;
        // Columns sized to the longest index and name so every listing stays aligned.
        int indexWidth = nodes.Count.ToString().Length + 2, nameWidth = nodes.Count == 0 ? 0 : nodes.Max(n => n.Name.Length) + 2;
        var sb = new StringBuilder();
        for (int i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            sb.Append(('#' + i.ToString()).PadRight(indexWidth)).Append(n.Name.PadRight(nameWidth));
            if (n is AccumulateGrad)
            {
                sb.Append("leaf ").Append(ShapeUtil.Format(n.OutputShape)).Append('\n');
                continue;
            }
            sb.Append('(').Append(string.Join(", ", n.InputShapes.Select(s => ShapeUtil.Format(s)))).Append(") -> ");
            sb.Append(ShapeUtil.Format(n.OutputShape));
            var targets = n.Next.Select(x => x is null ? "-" : "#" + index[x]);
            sb.Append("  grads to ").Append(string.Join(", ", targets)).Append('\n');
        }
        return sb.ToString();
    }
}
