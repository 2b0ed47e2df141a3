using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Autograd.Nn.Optim;

/// <summary>
/// An optimizer's saved state, shaped as PyTorch's <c>optimizer.state_dict()</c>: <see cref="State"/>
/// maps a parameter's index (numbered group by group) to its state tensors ("step", "exp_avg", ...);
/// <see cref="ParamGroups"/> holds each group's options, with "params" the int[] of its parameters' indices.
/// </summary>
/// <remarks>
/// <see cref="ToFlat"/> and <see cref="FromFlat"/> turn it into tensors named "state.{index}.{key}" and
/// one metadata entry "param_groups" holding the groups as JSON (numbers, bools, strings, "betas" as a
/// 2-element array, "params" as an integer array) — the form a safetensors checkpoint stores.
/// </remarks>
public sealed class OptimizerStateDict
{
    /// <summary>The prefix of a per-parameter state key in a flattened state dict ("state.&lt;index&gt;.&lt;name&gt;").</summary>
    public const string StatePrefix = "state.";
    /// <summary>The key of the parameter groups' options in a flattened state dict.</summary>
    public const string ParamGroupsKey = "param_groups";

    /// <summary>state: parameter index → state name → tensor.</summary>
    public Dictionary<int, Dictionary<string, Tensor>> State { get; } = [];

    /// <summary>param_groups: options by name and "params" → int[].</summary>
    public List<Dictionary<string, object>> ParamGroups { get; } = [];

    /// <summary>Flattened tensors ("state.0.exp_avg") and metadata ("param_groups" → JSON).</summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) ToFlat()
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (id, s) in State)
            foreach (var (k, t) in s) tensors[$"{StatePrefix}{id.ToString(CultureInfo.InvariantCulture)}.{k}"] = t;
        var groups = new JsonArray();
        foreach (var g in ParamGroups)
        {
            var o = new JsonObject();
            foreach (var (k, v) in g) o[k] = OptionsJson.ToJson(k, v);
            groups.Add(o);
        }
        return (tensors, new Dictionary<string, string> { [ParamGroupsKey] = groups.ToJsonString() });
    }

    /// <summary>The inverse of <see cref="ToFlat"/>; tensors not named "state.{int}.{key}" are an ArgumentException.</summary>
    public static OptimizerStateDict FromFlat(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var sd = new OptimizerStateDict();
        foreach (var (name, t) in tensors)
        {
            int dot = name.StartsWith(StatePrefix, StringComparison.Ordinal) ? name.IndexOf('.', StatePrefix.Length) : -1;
            if (dot < 0 || !int.TryParse(name.AsSpan(StatePrefix.Length, dot - StatePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int id) || dot == name.Length - 1)
                throw new ArgumentException($"OptimizerStateDict.FromFlat: tensor name '{name}' is not of the form state.<index>.<key>", nameof(tensors));
            if (!sd.State.TryGetValue(id, out var s)) sd.State[id] = s = [];
            s[name[(dot + 1)..]] = t;
        }
        if (!metadata.TryGetValue(ParamGroupsKey, out var json))
            throw new ArgumentException($"OptimizerStateDict.FromFlat: metadata has no '{ParamGroupsKey}' entry", nameof(metadata));
        if (JsonNode.Parse(json) is not JsonArray groups)
            throw new ArgumentException($"OptimizerStateDict.FromFlat: '{ParamGroupsKey}' is not a JSON array", nameof(metadata));
        foreach (var node in groups)
        {
            if (node is not JsonObject o) throw new ArgumentException($"OptimizerStateDict.FromFlat: a parameter group is not a JSON object", nameof(metadata));
            var g = new Dictionary<string, object>();
            foreach (var (k, v) in o)
                if (OptionsJson.FromJson(k, v) is { } value) g[k] = value;
            sd.ParamGroups.Add(g);
        }
        return sd;
    }

}

/// <summary>
/// JSON for option and scheduler dictionaries: numbers, bools, strings, int[] ("params"), double pairs
/// ("betas") and double arrays; non-finite numbers as the strings "Infinity", "-Infinity", "NaN".
/// </summary>
public static class OptionsJson
{
    /// <summary>A dictionary of options (a scheduler's StateDict(), a param group) as a JSON object.</summary>
    public static string Serialize(IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var o = new JsonObject();
        foreach (var (k, v) in values) o[k] = ToJson(k, v);
        return o.ToJsonString();
    }

    /// <summary>The inverse of <see cref="Serialize"/>: numbers come back as double, arrays as double[] (int[] for "params").</summary>
    public static Dictionary<string, object> Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (JsonNode.Parse(json) is not JsonObject o) throw new ArgumentException("OptionsJson: expected a JSON object", nameof(json));
        var d = new Dictionary<string, object>();
        foreach (var (k, v) in o)
            if (FromJson(k, v) is { } value) d[k] = value;
        return d;
    }

    internal static JsonNode? ToJson(string key, object v) => v switch
    {
        int[] ids => new JsonArray([.. ids.Select(i => (JsonNode)JsonValue.Create(i))]),
        ValueTuple<double, double> t => new JsonArray(Num(t.Item1), Num(t.Item2)),
        double[] a => new JsonArray([.. a.Select(Num)]),
        double d => Num(d),
        float f => Num(f),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        _ => throw new ArgumentException($"OptionsJson: option '{key}' has a value of type {v.GetType().Name}, which has no JSON form"),
    };

    // JSON has no inf/nan: those are written as the strings "Infinity", "-Infinity", "NaN".
    private static JsonNode Num(double d) => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));

    internal static object? FromJson(string key, JsonNode? v)
    {
        switch (v)
        {
            case null: return null;
            case JsonArray a when key == "params": return a.Select(x => x!.GetValue<int>()).ToArray();
            case JsonArray a:
                var ds = a.Select(x => NumOf(key, x)).ToArray();
                return key == "betas" && ds.Length == 2 ? (ds[0], ds[1]) : ds;
            case JsonValue jv when jv.GetValueKind() == JsonValueKind.True: return true;
            case JsonValue jv when jv.GetValueKind() == JsonValueKind.False: return false;
            case JsonValue jv when jv.GetValueKind() == JsonValueKind.Number: return jv.GetValue<double>();
            case JsonValue jv when jv.GetValueKind() == JsonValueKind.String:
                var s = jv.GetValue<string>();
                return s is "Infinity" or "-Infinity" or "NaN" ? double.Parse(s, CultureInfo.InvariantCulture) : s;
            default: throw new ArgumentException($"OptionsJson: option '{key}' has an unsupported JSON value {v.ToJsonString()}");
        }
    }

    private static double NumOf(string key, JsonNode? x) => FromJson(key + "[]", x) is double d ? d
        : throw new ArgumentException($"OptionsJson: option '{key}' holds a non-number {x?.ToJsonString()}");
}
