using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Autograd;

// Note [The trace page]
// ToHtml runs the backward pass through StepBackward (so it fills .Grad exactly as Backward would,
// and consumes the graph unless RetainGraph) and writes one self-contained HTML file: its CSS and
// JavaScript are inline (from the embedded resource TraceTemplate.html), the data is one embedded
// JSON block (<script type="application/json" id="trace-data">), nothing is fetched. The graph is
// Graphviz's SVG when dot is used (node ids n<i> match the steps' nodes), else the page lays the nodes
// out itself in layers (a node's layer is its longest distance from the root, leaves at the top).
// A slider and prev/next buttons step through backward; the current node is highlighted (class
// "current"), and the panel shows the gradient in, what goes to each input and where, the leaf
// gradients accumulated so far and, for pooling and conv nodes, the routing map.
// Note [Routing maps in the trace]
// For a node whose name says pooling or convolution, the page shows which output cells send gradient
// to each input cell and with what weight (the seeds' position matrix) and how many do (the count
// table). It is computed exactly and generically before backward frees the node: the node's own rule
// is run on a one-hot gradient for each cell of the output's first plane ([0, 0, :, :]: batch 0,
// channel 0), and the nonzero cells of input 0's first plane are recorded. For a pooling node that is
// the whole story (planes are independent); for a conv node it is the map from output channel 0 to
// input channel 0 (weights w[0, 0, kh, kw]). Bounded: an output plane of more than MaxRoutingCells
// cells, or more than 4M cell-visits, is not mapped and the page says so.
public static partial class Tape
{
    /// <summary>The backward trace page of <paramref name="root"/> as HTML text (Note [The trace page]); runs backward (fills <c>.Grad</c>).</summary>
    public static string ToHtml(Tensor root, Tensor? gradient = null, HtmlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new HtmlOptions();
        if (options.MaxElements < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxElements, "Tape.ToHtml: MaxElements must be >= 0");
        if (!root.RequiresGrad) throw new InvalidOperationException("Tape.ToHtml: the root does not require grad and has no grad_fn, so there is no backward to trace");
        var view = new TapeView(root, options.Names);
        bool useDot = options.UseGraphviz ?? Graphviz.IsAvailable();
        string? svg = useDot ? StripXmlProlog(ToSvg(root, new DotOptions { Names = options.Names, ShowSaved = false })) : null;
        var routing = new JsonObject();
        for (int i = 0; i < view.Nodes.Count; i++)
            if (Routing.Map(view.Nodes[i], options.MaxRoutingCells) is { } map) routing[i.ToString()] = map;
        var steps = new JsonArray();
        foreach (var s in StepBackward(root, gradient, options.RetainGraph)) steps.Add(StepJson(view, s, options.MaxElements));
        var data = new JsonObject
        {
            ["title"] = options.Title, ["svg"] = svg, ["nodes"] = NodesJson(view), ["edges"] = EdgesJson(view),
            ["root"] = new JsonObject { ["node"] = view.Index[root.GradientEdge.Node], ["shape"] = Shape(root.Dims) },
            ["steps"] = steps, ["routing"] = routing,
        };
        var json = data.ToJsonString(JsonOptions);   // the default encoder escapes <, > and &, so the block cannot close the script
        return Template.Replace("{{TITLE}}", System.Net.WebUtility.HtmlEncode(options.Title)).Replace("{{DATA}}", json);
    }

    /// <summary>Writes <see cref="ToHtml"/> to <paramref name="path"/>: one file, no network needed to view it.</summary>
    public static void SaveHtml(Tensor root, string path, Tensor? gradient = null, HtmlOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToHtml(root, gradient, options));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static readonly Lazy<string> TemplateText = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Autograd.TraceTemplate.html")
            ?? throw new InvalidOperationException("Tape.ToHtml: the page template resource is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static string Template => TemplateText.Value;

    private static string StripXmlProlog(string svg) => svg[Math.Max(0, svg.IndexOf("<svg", StringComparison.Ordinal))..];

    private static JsonArray NodesJson(TapeView view)
    {
        // Layer = longest distance from the root; view.Nodes is topological (consumers first), so one pass suffices.
        var depth = new int[view.Nodes.Count];
        for (int i = 0; i < view.Nodes.Count; i++)
            foreach (var next in view.Nodes[i].Next)
                if (next is not null) depth[view.Index[next]] = Math.Max(depth[view.Index[next]], depth[i] + 1);
        var nodes = new JsonArray();
        for (int i = 0; i < view.Nodes.Count; i++)
        {
            var n = view.Nodes[i];
            bool leaf = n is AccumulateGrad;
            nodes.Add(new JsonObject
            {
                ["id"] = i, ["name"] = n.Name, ["kind"] = leaf ? "leaf" : "op", ["depth"] = depth[i],
                ["label"] = leaf ? view.LeafTitle((AccumulateGrad)n) : n.Name, ["shape"] = Shape(n.OutputShape),
            });
        }
        return nodes;
    }

    private static JsonArray EdgesJson(TapeView view)
    {
        var edges = new JsonArray();
        for (int i = 0; i < view.Nodes.Count; i++)
        {
            var n = view.Nodes[i];
            for (int k = 0; k < n.Next.Length; k++)
                if (n.Next[k] is { } next) edges.Add(new JsonObject { ["from"] = view.Index[next], ["to"] = i, ["input"] = k });
        }
        return edges;
    }

    private static JsonObject StepJson(TapeView view, BackwardStep s, int maxElements)
    {
        var outs = new JsonArray();
        foreach (var f in s.GradInputs)
            outs.Add(new JsonObject
            {
                ["input"] = f.Input, ["to"] = f.To is null ? null : view.Index[f.To],
                ["grad"] = f.Gradient is null ? null : TensorJson(f.Gradient, maxElements),
            });
        var leaves = new JsonArray();
        foreach (var lg in s.LeafGradients)
            leaves.Add(new JsonObject { ["node"] = view.Index[lg.Leaf.Accumulator], ["grad"] = TensorJson(lg.Gradient, maxElements) });
        return new JsonObject
        {
            ["node"] = view.Index[s.Node], ["gradIn"] = s.GradOutput is null ? null : TensorJson(s.GradOutput, maxElements),
            ["outs"] = outs, ["leaves"] = leaves,
        };
    }

    /// <summary>A tensor for the page: shape, range and mean always; every value when small, else the first few.</summary>
    internal static JsonObject TensorJson(Tensor t, int maxElements)
    {
        var v = t.ToDoubleArray();
        var o = new JsonObject { ["shape"] = Shape(t.Dims), ["numel"] = v.Length };
        if (v.Length > 0)
        {
            o["min"] = v.Min();
            o["max"] = v.Max();
            o["mean"] = v.Average();
        }
        o["full"] = v.Length <= maxElements;
        o["values"] = new JsonArray(v.Take(v.Length <= maxElements ? v.Length : 8).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        return o;
    }

    private static JsonArray Shape(int[] dims) => new(dims.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
}
