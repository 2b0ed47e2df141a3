using System.Text;

namespace Autograd;

/// <summary>What <see cref="Tape.ToDot"/> draws besides the nodes and edges (torchviz's make_dot options, plus values).</summary>
public sealed record DotOptions
{
    /// <summary>
    /// Names for tensors, shown on leaves and saved tensors (torchviz's <c>params</c>), e.g.
    /// <c>model.NamedParameters().ToDictionary(p => p.Parameter.Data, p => p.Name)</c>; compared by reference.
    /// </summary>
    public IReadOnlyDictionary<Tensor, string>? Names { get; init; }

    /// <summary>Draw each node's saved tensors (orange, dashed edge to the node; torchviz's show_saved). Freed by a backward without retainGraph.</summary>
    public bool ShowSaved { get; init; } = true;

    /// <summary>Print the values of leaves, saved tensors and the root.</summary>
    public bool ShowValues { get; init; }

    /// <summary>Print each leaf's <c>.Grad</c> (after a backward).</summary>
    public bool ShowGradients { get; init; }

    /// <summary>Tensors with at most this many elements are printed in full, larger ones as min/max/mean.</summary>
    public int MaxElements { get; init; } = 16;
}
