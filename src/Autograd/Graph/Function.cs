namespace Autograd;

// Note [Custom functions]
// Function is torch.autograd.Function: a subclass gives Forward (which runs with grad mode off, on
// the inputs' values) and Backward (gradients of the outputs in, gradients of the inputs out), and
// Apply records one node for the whole call, named "<ClassName>Backward" as PyTorch names it.
//  * Per-call state lives in the FunctionContext: SaveForBackward (version-checked when read back,
//    freed after a backward without retainGraph), Items for anything else. The Function instance
//    itself holds configuration only, so one instance may be applied many times.
//  * Several outputs are supported; each output's gradient is delivered to its own slot of the node.
//    A gradient that never arrives is passed as zeros (SetMaterializeGrads(false): as null).
//  * NeedsInputGrad is each input's RequiresGrad, also when nothing is recorded (grad mode off), as
//    PyTorch's ctx.needs_input_grad is.
//  * MarkNonDifferentiable outputs do not require grad. MarkDirty names inputs the forward wrote in
//    place: they must be returned as outputs, and they take the node as their history, as in-place
//    ops do (Note [In-place ops and views]); a leaf that requires grad is refused, before any output
//    takes the node. An input returned unchanged and not marked dirty comes back as a view of it
//    (PyTorch does the same), so its own history is untouched; marked non-differentiable, it comes
//    back as a detached alias (PyTorch's _wrap_outputs), so the input keeps requiring grad.
//  * Backward returns one gradient per input; trailing extra nulls are allowed; a gradient whose
//    shape broadcasts to the input's is summed down to it; gradients for inputs that do not need one
//    are dropped. Under createGraph Backward runs with grad mode on, so a Backward written with
//    differentiable ops can itself be differentiated (double backward); the sum-down of a broadcast
//    gradient is then recorded too (Engine.SumTo, as PyTorch's sum_to is).

/// <summary>
/// A differentiable operation with a hand-written backward (torch.autograd.Function). Derive, implement
/// <see cref="Forward"/> and <see cref="Backward"/>, then call <see cref="Apply"/> (one output) or
/// <see cref="ApplyAll"/>. See Note [Custom functions].
/// </summary>
public abstract class Function
{
    /// <summary>Computes the outputs from the inputs (null for absent optional inputs); runs with grad mode off.</summary>
    protected abstract Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs);

    /// <summary>Gradients of the inputs from the gradients of the outputs; null where an input needs none.</summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs);

    /// <summary>The node name PyTorch would print: the class name followed by "Backward".</summary>
    public virtual string Name => GetType().Name + "Backward";

    /// <summary>Applies the function and returns its single output (Function.apply).</summary>
    public Tensor Apply(params Tensor?[] inputs)
    {
        var outputs = ApplyAll(inputs);
        if (outputs.Length != 1)
            throw new InvalidOperationException($"{GetType().Name}.Apply: Forward returned {outputs.Length} outputs; use ApplyAll");
        return outputs[0];
    }

    /// <summary>Applies the function and returns all its outputs (Function.apply).</summary>
    public Tensor[] ApplyAll(params Tensor?[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        bool record = GradMode.IsEnabled && inputs.Any(x => x is { RequiresGrad: true });
        var ctx = new FunctionContext(inputs.Select(x => x is { RequiresGrad: true }).ToArray());   // PyTorch's, even when nothing is recorded
        // The inputs' histories are read before Forward runs (PyTorch's collect_next_edges): a dirty view's lazy
        // history must not be rebuilt between Forward's in-place write and the rebase below (Note [In-place ops and views]).
        var edges = record ? FunctionNode.CollectEdges(inputs) : default;
        var leafRequiringGrad = record ? inputs.Select(x => x is { IsLeaf: true, RequiresGrad: true }).ToArray() : null;
        Tensor[] outputs;
        using (GradMode.Set(false)) outputs = Forward(ctx, inputs);
        if (outputs is null || outputs.Length == 0 || outputs.Any(o => o is null))
            throw new InvalidOperationException($"{GetType().Name}.Forward must return at least one tensor and no nulls");
        ctx.CheckDirty(inputs, outputs, GetType().Name);
        var nonDifferentiable = outputs.Select(ctx.IsNonDifferentiable).ToArray();
        var dirty = outputs.Select(ctx.IsDirty).ToArray();
        for (int i = 0; i < outputs.Length; i++)
            if (!dirty[i] && Array.IndexOf(inputs, outputs[i]) >= 0)   // an input returned as is: a view of it, or a detached alias when non-differentiable (PyTorch's _wrap_outputs)
                outputs[i] = nonDifferentiable[i] && record ? outputs[i].Detach() : Tensor.ViewOf(outputs[i], outputs[i].Dims);
        if (!record)
        {
            ctx.FreezeSaved(null);
            return outputs;
        }
        for (int i = 0; i < outputs.Length; i++)   // InPlace.CheckAllowed's checks, from the state before Forward, before any output changes history
        {
            if (!dirty[i] || nonDifferentiable[i]) continue;
            if (leafRequiringGrad![Array.IndexOf(inputs, outputs[i])])
                throw new InvalidOperationException($"{GetType().Name}: a leaf Variable that requires grad is being used in an in-place operation.");
            outputs[i].CheckViewWritable(GetType().Name, recorded: true);
        }
        var node = new FunctionNode(this, ctx, inputs, outputs, edges);
        for (int i = 0; i < outputs.Length; i++)
        {
            if (nonDifferentiable[i]) continue;
            if (dirty[i]) outputs[i].Rebase(node, i);
            else outputs[i].SetGradFn(node, i);
        }
        ctx.FreezeSaved(node);
        return outputs;
    }

    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor?[] gradOutputs) => Backward(ctx, gradOutputs);
}

/// <summary>The per-call state of a <see cref="Function"/> (torch's ctx).</summary>
public sealed class FunctionContext
{
    private Tensor?[] _toSave = [];
    private SavedTensor?[]? _saved;
    private bool _freed;
    private readonly HashSet<Tensor> _dirty = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> _nonDifferentiable = new(ReferenceEqualityComparer.Instance);
    private Dictionary<string, object?>? _items;

    internal FunctionContext(bool[] needsInputGrad) => NeedsInputGrad = needsInputGrad;

    /// <summary>For each input, whether its gradient is needed (ctx.needs_input_grad).</summary>
    public IReadOnlyList<bool> NeedsInputGrad { get; }

    /// <summary>Whether gradients that do not arrive are passed to Backward as zeros (default) or null.</summary>
    public bool MaterializeGrads { get; private set; } = true;

    /// <summary>Anything else Forward wants Backward to have (non-tensor values: sizes, flags).</summary>
    public IDictionary<string, object?> Items => _items ??= [];

    /// <summary>Saves tensors for Backward (ctx.save_for_backward); call once, from Forward. Nulls are kept as nulls.</summary>
    public void SaveForBackward(params Tensor?[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (_saved is not null) throw new InvalidOperationException("SaveForBackward can only be called from Forward");
        _toSave = tensors;
    }

    /// <summary>
    /// The tensors given to <see cref="SaveForBackward"/> (ctx.saved_tensors); throws if one was modified
    /// in place since, or if they were freed by an earlier backward without retainGraph.
    /// </summary>
    public IReadOnlyList<Tensor?> SavedTensors
    {
        get
        {
            if (_saved is null) return _toSave;   // read inside Forward
            if (_freed) throw SavedTensor.Freed(_name ?? "FunctionBackward");
            var r = new Tensor?[_saved.Length];
            for (int i = 0; i < r.Length; i++)
            {
                _saved[i]?.Check();
                r[i] = _saved[i]?.Tensor;
            }
            return r;
        }
    }

    /// <summary>Declares outputs that are not differentiable (ctx.mark_non_differentiable): they will not require grad.</summary>
    public void MarkNonDifferentiable(params Tensor[] outputs)
    {
        foreach (var o in outputs) _nonDifferentiable.Add(o);
    }

    /// <summary>Declares inputs Forward modified in place (ctx.mark_dirty); they must be returned as outputs.</summary>
    public void MarkDirty(params Tensor[] inputs)
    {
        foreach (var t in inputs) _dirty.Add(t);
    }

    /// <summary>Whether missing output gradients reach Backward as zeros (true, the default) or null (ctx.set_materialize_grads).</summary>
    public void SetMaterializeGrads(bool value) => MaterializeGrads = value;

    private string? _name;

    internal bool IsDirty(Tensor t) => _dirty.Contains(t);

    internal bool IsNonDifferentiable(Tensor t) => _nonDifferentiable.Contains(t);

    internal void CheckDirty(Tensor?[] inputs, Tensor[] outputs, string fn)
    {
        foreach (var d in _dirty)
        {
            if (Array.IndexOf(inputs, d) < 0)
                throw new InvalidOperationException($"{fn}: MarkDirty was given a tensor that is not an input");
            if (Array.IndexOf(outputs, d) < 0)
                throw new InvalidOperationException($"{fn}: Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.");
        }
    }

    /// <summary>Packs the saved tensors with their versions once Forward returned and the outputs have their history.</summary>
    internal void FreezeSaved(Node? node)
    {
        _name = node?.Name;
        _saved = _toSave.Select(t => t is null ? null : new SavedTensor(t, node is not null && ReferenceEquals(t.GradFn, node) ? node : null)).ToArray();   // a saved output names this node, as PyTorch's does
    }

    internal void Free()
    {
        if (_saved is { Length: > 0 }) { _saved = []; _toSave = []; _freed = true; }
    }
}

/// <summary>The node of one <see cref="Function.ApplyAll"/> call: several outputs, the context, the user's Backward.</summary>
internal sealed class FunctionNode : Node
{
    private readonly Function _function;
    private readonly FunctionContext _ctx;
    private readonly int[][] _outputShapes;
    private readonly DType[] _outputTypes;

    internal FunctionNode(Function function, FunctionContext ctx, Tensor?[] inputs, Tensor[] outputs, (Node?[] Next, int[]? Slots) edges)
        : base(function.Name, edges.Next, inputs.Select(x => x?.Dims ?? []).ToArray(),
               inputs.Select(x => x?.DType ?? DType.Float32).ToArray(), outputs[0].Dims, null, edges.Slots)
    {
        _function = function;
        _ctx = ctx;
        _outputShapes = outputs.Select(o => o.Dims).ToArray();
        _outputTypes = outputs.Select(o => o.DType).ToArray();
    }

    internal override int OutputCount => _outputShapes.Length;

    /// <summary>Where each input's gradient goes (null for inputs that do not require grad), with the output slots.</summary>
    internal static (Node?[] Next, int[]? Slots) CollectEdges(Tensor?[] inputs)
    {
        var next = new Node?[inputs.Length];
        int[]? slots = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { RequiresGrad: true } x) continue;
            var e = x.GradientEdge;
            next[i] = e.Node;
            if (e.Slot != 0) (slots ??= new int[inputs.Length])[i] = e.Slot;
        }
        return (next, slots);
    }

    internal override Tensor?[] Invoke(Tensor?[] gradOutputs)
    {
        CheckUsable();
        var grads = (Tensor?[])gradOutputs.Clone();
        if (_ctx.MaterializeGrads)
            for (int i = 0; i < grads.Length; i++)
                grads[i] ??= Tensor.Empty(_outputTypes[i], _outputShapes[i]);
        return _function.RunBackward(_ctx, grads) ?? throw new InvalidOperationException($"{Name}: Backward returned null; return one gradient (or null) per input");
    }

    internal override void Release() => _ctx.Free();
}
