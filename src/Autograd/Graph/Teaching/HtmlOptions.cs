using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Autograd;

/// <summary>What <see cref="Tape.ToHtml"/> puts in the trace page.</summary>
public sealed record HtmlOptions
{
    /// <summary>Names for tensors (leaves), compared by reference, as in <see cref="DotOptions.Names"/>.</summary>
    public IReadOnlyDictionary<Tensor, string>? Names { get; init; }

    /// <summary>Lay the graph out with Graphviz's <c>dot</c> (true: required; false: the page's own layered layout; null: dot when on PATH).</summary>
    public bool? UseGraphviz { get; init; }

    /// <summary>Tensors with at most this many elements are printed in full; larger ones as shape, range, mean and their first values.</summary>
    public int MaxElements { get; init; } = 64;

    /// <summary>Routing maps are computed for pooling and conv nodes whose output plane has at most this many cells (Note [Routing maps in the trace]).</summary>
    public int MaxRoutingCells { get; init; } = 1024;

    /// <summary>Keep the graph after the backward the page records (as Backward's retainGraph).</summary>
    public bool RetainGraph { get; init; }

    /// <summary>The page's title.</summary>
    public string Title { get; init; } = "Autograd backward trace";
}
