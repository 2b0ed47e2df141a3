using System.Text.Json.Nodes;

namespace Autograd;

/// <summary>The routing map of a pooling or conv node for the trace page (Note [Routing maps in the trace]).</summary>
internal static class Routing
{
    private const long MaxVisits = 4_000_000;

    internal static bool IsRouted(Node n) => n.Name.Contains("Pool", StringComparison.Ordinal) || n.Name.StartsWith("Convolution", StringComparison.Ordinal);

    /// <summary>The map as JSON, a note saying why it was not computed, or null for a node that routes nothing cell-wise.</summary>
    internal static JsonObject? Map(Node n, int maxCells)
    {
        if (!IsRouted(n) || n.Next.Length == 0 || n.Next[0] is null) return null;
        int[] outShape = n.OutputShape, inShape = n.InputShapes[0];
        if (outShape.Length < 2 || inShape.Length < 2) return null;
        int oh = outShape[^2], ow = outShape[^1], ih = inShape[^2], iw = inShape[^1];
        long inNumel = inShape.Aggregate(1L, (a, d) => a * d);
        if ((long)oh * ow > maxCells || (long)oh * ow * inNumel > MaxVisits)
            return new JsonObject { ["skipped"] = $"output plane {oh}×{ow} is larger than the {maxCells} cells (or {MaxVisits} cell-visits) mapped; the map is computed for small examples" };
        if (n.SavedTensorsFreed) return new JsonObject { ["skipped"] = "the node's saved tensors were freed by an earlier backward" };
        var cells = new JsonArray[ih * iw];
        for (int c = 0; c < cells.Length; c++) cells[c] = [];
        using (GradMode.Set(false))
        {
            for (int o = 0; o < oh * ow; o++)
            {
                var g = Tensor.Zeros(outShape, n.InputTypes[0]);
                g.SetDouble(o, 1.0);   // plane [0, 0, ...]: leading indices 0, so the flat index is the cell's
                if (n.Invoke([g]) is not [{ } r, ..]) continue;
                for (int c = 0; c < cells.Length; c++)
                    if (r.GetDouble(c) is var w && w != 0) cells[c].Add(new JsonArray(o / ow, o % ow, w));
            }
        }
        return new JsonObject
        {
            ["inH"] = ih, ["inW"] = iw, ["outH"] = oh, ["outW"] = ow,
            ["cells"] = new JsonArray(cells.Select(c => (JsonNode?)c).ToArray()),
            ["counts"] = new JsonArray(cells.Select(c => (JsonNode?)JsonValue.Create(c.Count)).ToArray()),
        };
    }
}
