namespace Autograd.Nn;

/// <summary>Extra state saved with a model, e.g. an optimizer's or a scheduler's flattened state: tensors and strings.</summary>
public sealed record CheckpointSection(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>A section of tensors only.</summary>
    public CheckpointSection(IReadOnlyDictionary<string, Tensor> tensors) : this(tensors, new Dictionary<string, string>()) { }
}

/// <summary>
/// A training checkpoint in one safetensors file: the model's state dict under "model.", each extra
/// section's tensors under "&lt;section&gt;." (e.g. "optimizer.state.0.exp_avg"), the sections' strings as
/// metadata under the same prefix, and free metadata such as the epoch unprefixed.
/// </summary>
/// <remarks>
/// Note [Checkpoint layout]: one file, written atomically (<see cref="SafeTensors.Save(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string})"/>),
/// so a crash mid-save keeps the previous checkpoint. The metadata key "checkpoint.sections" lists the
/// sections (comma separated) so an empty one survives the round trip. Section names are non-empty,
/// contain neither '.' nor ',', and are not "model" or "checkpoint"; a free metadata key may not start
/// with a section's prefix. Python reads the file with safetensors' load_file and splits on the first '.'.
/// </remarks>
public sealed class Checkpoint
{
    private const string ModelPrefix = "model.";
    private const string SectionsKey = "checkpoint.sections";

    private Checkpoint(StateDict model, IReadOnlyDictionary<string, CheckpointSection> sections, IReadOnlyDictionary<string, string> metadata)
    {
        Model = model;
        Sections = sections;
        Metadata = metadata;
    }

    /// <summary>The model's state dict (names without the "model." prefix).</summary>
    public StateDict Model { get; }

    /// <summary>The extra sections by name (e.g. "optimizer", "scheduler").</summary>
    public IReadOnlyDictionary<string, CheckpointSection> Sections { get; }

    /// <summary>The free metadata (e.g. "epoch").</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Writes <paramref name="model"/>'s state dict, <paramref name="sections"/> and <paramref name="metadata"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, Module model, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, CheckpointSection>? sections = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        sections ??= new Dictionary<string, CheckpointSection>();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, t) in model.StateDict()) tensors.Add(new(ModelPrefix + k, t));
        foreach (var (name, section) in sections)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('.') || name.Contains(',') || name is "model" or "checkpoint")
                throw new ArgumentException($"Checkpoint.Save: invalid section name '{name}' (non-empty, without '.' or ',', not 'model' or 'checkpoint')", nameof(sections));
            ArgumentNullException.ThrowIfNull(section);
            foreach (var (k, t) in section.Tensors) tensors.Add(new(name + "." + k, t));
            foreach (var (k, v) in section.Metadata) meta[name + "." + k] = v;
        }
        if (metadata is not null)
            foreach (var (k, v) in metadata)
            {
                if (k == SectionsKey || k.StartsWith(ModelPrefix, StringComparison.Ordinal) || sections.Keys.Any(s => k.StartsWith(s + ".", StringComparison.Ordinal)))
                    throw new ArgumentException($"Checkpoint.Save: metadata key '{k}' is reserved (it starts with a section's prefix)", nameof(metadata));
                meta[k] = v;
            }
        meta[SectionsKey] = string.Join(",", sections.Keys);
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>; InvalidDataException for a malformed file.</summary>
    public static Checkpoint Load(string path)
    {
        var content = SafeTensors.Load(path);
        if (!content.Metadata.TryGetValue(SectionsKey, out var list))
            throw new InvalidDataException($"Checkpoint '{path}': no '{SectionsKey}' metadata; not a checkpoint written by Checkpoint.Save (load a plain state dict with Module.Load)");
        var names = list.Length == 0 ? [] : list.Split(',');
        var tensors = names.ToDictionary(n => n, _ => new StateDict(), StringComparer.Ordinal);
        var sectionMeta = names.ToDictionary(n => n, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        var model = new StateDict();
        foreach (var (k, t) in content.Tensors)
        {
            if (k.StartsWith(ModelPrefix, StringComparison.Ordinal)) { model.Add(k[ModelPrefix.Length..], t); continue; }
            int dot = k.IndexOf('.');
            if (dot < 0 || !tensors.TryGetValue(k[..dot], out var sd))
                throw new InvalidDataException($"Checkpoint '{path}': tensor '{k}' belongs neither to the model nor to a section ({list})");
            sd.Add(k[(dot + 1)..], t);
        }
        var free = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in content.Metadata)
        {
            if (k == SectionsKey) continue;
            int dot = k.IndexOf('.');
            if (dot > 0 && sectionMeta.TryGetValue(k[..dot], out var m)) m[k[(dot + 1)..]] = v;
            else free[k] = v;
        }
        var sections = names.ToDictionary(n => n, n => new CheckpointSection(tensors[n], sectionMeta[n]), StringComparer.Ordinal);
        return new Checkpoint(model, sections, free);
    }

    /// <summary>Reads a checkpoint and loads its model state into <paramref name="model"/> (<see cref="Module.LoadStateDict"/>).</summary>
    public static Checkpoint Load(string path, Module model, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        var checkpoint = Load(path);
        model.LoadStateDict(checkpoint.Model, strict);
        return checkpoint;
    }

    /// <summary>The section named <paramref name="name"/>, or a KeyNotFoundException listing those present.</summary>
    public CheckpointSection Section(string name) => Sections.TryGetValue(name, out var s) ? s
        : throw new KeyNotFoundException($"Checkpoint: no section '{name}' (present: {string.Join(", ", Sections.Keys)})");
}
