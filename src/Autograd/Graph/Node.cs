namespace Autograd;

/// <summary>
/// The backward rule of one recorded op: given the gradient of the op's output, returns one gradient
/// per input (null where the input does not need one). The tensors it reads must be declared as the
/// node's saved tensors (Note [Saved tensors]).
/// </summary>
public delegate Tensor?[] BackwardFn(Tensor gradOutput);

/// <summary>Where a gradient goes: input <see cref="Slot"/> of the output list of <see cref="Node"/>.</summary>
internal readonly record struct Edge(Node Node, int Slot);

// Note [Saved tensors]
// A node keeps the tensors its backward reads (PyTorch's SavedVariable) together with each one's
// version at the moment it was saved. Before the rule runs, every saved tensor is checked against its
// version (Note [Version counters]), so a tensor written in place since the forward pass fails loudly
// with PyTorch's message instead of giving a wrong gradient. After a backward without retainGraph the
// engine frees a node's saved tensors; only a node that saved something then refuses to run again
// ("backward through the graph a second time"), so `c = x + 1; c.Backward(g); c.Backward(g)` works,
// as in PyTorch. The closure of a built-in rule captures the same tensors it declares; declaring is
// what makes them checked and freed.

/// <summary>
/// A node of the recorded graph (torch's grad_fn): the op's name, edges to the nodes of its inputs,
/// its backward rule, the tensors it saved and the hooks registered on it.
/// </summary>
public partial class Node
{
    private static long _nextSequence;
    private BackwardFn? _backward;
    private SavedTensor[]? _saved;
    private bool _freed;
    private readonly TensorScope? _scope = TensorStorage.EverScoped ? TensorScope.Current : null;   // Note [Tensor scopes]

    internal Node(string name, Node?[] next, int[][] inputShapes, DType[] inputTypes, int[] outputShape, BackwardFn? backward, int[]? nextSlots = null)
    {
        Name = name;
        Next = next;
        NextSlots = nextSlots;
        InputShapes = inputShapes;
        InputTypes = inputTypes;
        OutputShape = outputShape;
        _backward = backward;
        Sequence = Interlocked.Increment(ref _nextSequence);
        if (Anomaly.IsEnabled) CreationTrace = Anomaly.CaptureTrace();
    }

    /// <summary>PyTorch's class name for this node, e.g. "MulBackward0".</summary>
    public string Name { get; }

    /// <summary>Nodes the gradient flows to, one per input; null for inputs that need no gradient.</summary>
    public IReadOnlyList<Node?> NextFunctions => Next;

    internal Node?[] Next { get; }

    /// <summary>The output slot of each next node the gradient is delivered to; null means slot 0 everywhere.</summary>
    internal int[]? NextSlots { get; }

    internal int[][] InputShapes { get; }
    internal DType[] InputTypes { get; }
    internal int[] OutputShape { get; }

    /// <summary>How many outputs (and so incoming gradients) the node has; 1 except for custom functions.</summary>
    internal virtual int OutputCount => 1;

    /// <summary>
    /// True when the backward rule records itself under createGraph (it is written with differentiable
    /// ops, or branches on grad mode to them; Note [Double backward]); false: it runs as raw kernels and its
    /// results get a DelayedError node under createGraph.
    /// </summary>
    internal bool DifferentiableBackward { get; init; }

    /// <summary>Creation order; later nodes run first among those ready, as in PyTorch.</summary>
    internal long Sequence { get; }

    /// <summary>Where the forward op was called from, captured only under <see cref="Grad.DetectAnomaly"/>.</summary>
    internal string? CreationTrace { get; }

    /// <summary>True once backward freed the saved tensors (a second backward through it will fail).</summary>
    internal bool SavedTensorsFreed => _freed;

    internal Edge NextEdge(int i) => new(Next[i]!, NextSlots?[i] ?? 0);

    /// <summary>Runs the backward rule on the gradients of the node's outputs (after the engine's hooks).</summary>
    internal virtual Tensor?[] Invoke(Tensor?[] gradOutputs)
    {
        CheckUsable();
        var fn = _backward!;
        if (!GradMode.IsEnabled || DifferentiableBackward) return fn(gradOutputs[0]!);
        using (GradMode.Set(false)) return fn(gradOutputs[0]!);   // a rule of raw kernels (Note [Double backward])
    }

    /// <summary>
    /// True when <paramref name="rule"/> (the node's, or null) is the library's own (defined in one of <paramref name="builtIn"/>, not a custom
    /// Function): it keeps none of the gradients it is given (Note [Recycled gradients]).
    /// </summary>
    internal static bool HasBuiltInRule(Node node, BackwardFn? rule, System.Reflection.Assembly[] builtIn) =>
        node is not FunctionNode && Array.IndexOf(builtIn, rule is null ? node.GetType().Assembly : rule.Method.Module.Assembly) >= 0;

    /// <summary>The rule, read before backward releases it (Note [Recycled gradients]).</summary>
    internal BackwardFn? Rule => _backward;

    /// <summary>Throws if the graph's scope ended, the saved tensors were freed, or one was modified in place.</summary>
    internal void CheckUsable()
    {
        if (_scope is { IsDisposed: true })
            throw new ObjectDisposedException(Name, $"{Name}: this graph was recorded inside a TensorScope that has ended, so its saved tensors were recycled; call Backward before the scope ends.");
        if (_freed) throw SavedTensor.Freed(Name);
        if (_saved is { } saved)
            foreach (var s in saved) s.Check();
    }

    /// <summary>Frees the saved tensors (and the closure holding them); a node that saved nothing keeps working.</summary>
    internal virtual void Release()
    {
        if (_saved is null) return;
        _saved = null;
        _backward = null;
        _freed = true;
    }

    internal void SetSaved(SavedTensor[]? saved) => _saved = saved is { Length: > 0 } ? saved : null;

    /// <summary>Points the saved output at <paramref name="target"/>, which an in-place op just wrote it into (SavedTensor.Rebind).</summary>
    internal void RebindSavedOutput(Tensor target)
    {
        if (_saved is { } saved)
            foreach (var s in saved) if (s.IsOutput) s.Rebind(target);
    }

    /// <summary>
    /// What the node's gradient depends on besides the incoming gradient, for DelayedError under createGraph: the
    /// saved tensors that require grad, and for a saved output (often a detached alias) the output itself, as a
    /// tensor whose grad_fn is this node.
    /// </summary>
    internal IEnumerable<Tensor> SavedRequiringGrad => _saved?.Select(s => s.IsOutput ? OutputAlias(s.Tensor) : s.Tensor).Where(t => t.RequiresGrad) ?? [];

    private Tensor OutputAlias(Tensor saved)
    {
        var t = new Tensor(saved.Storage, saved.Dims);
        t.SetGradFn(this);
        return t;
    }

    /// <summary>The node's name, as PyTorch prints a <c>grad_fn</c> (e.g. <c>&lt;MulBackward0&gt;</c>).</summary>
    public override string ToString() => Name;

    /// <summary>
    /// Records an op: when grad mode is on and some input requires grad, <paramref name="output"/>
    /// gets a node whose rule is <paramref name="backward"/>. <paramref name="saved"/> lists the
    /// tensors the rule reads (nulls are skipped; Note [Saved tensors]). With <paramref name="differentiable"/>
    /// the rule is itself differentiable: under createGraph it runs with grad mode on, so its results carry
    /// their own history and can be differentiated again (Note [Double backward]). Returns <paramref name="output"/>.
    /// The closure is only created by callers when needed, see <see cref="NeedsGrad"/>. For user code
    /// prefer <see cref="Function"/>, which adds a context, multiple outputs and in-place support.
    /// </summary>
    public static Tensor Record(Tensor output, string name, ReadOnlySpan<Tensor> inputs, BackwardFn backward, ReadOnlySpan<Tensor?> saved = default, bool differentiable = false)
    {
        // An integer or bool output (argmax, a comparison, a copy of integers) is never differentiable, as in PyTorch.
        if (!NeedsGrad(inputs) || !output.DType.IsFloatingPoint()) return output;
        var next = new Node?[inputs.Length];
        var shapes = new int[inputs.Length][];
        var types = new DType[inputs.Length];
        int[]? slots = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            shapes[i] = x.Dims;
            types[i] = x.DType;
            if (!x.RequiresGrad) continue;
            var edge = x.GradientEdge;
            next[i] = edge.Node;
            if (edge.Slot != 0) (slots ??= new int[inputs.Length])[i] = edge.Slot;
        }
        var node = new Node(name, next, shapes, types, output.Dims, backward, slots) { DifferentiableBackward = differentiable };
        node.SetSaved(SavedTensor.Pack(saved, output, node));
        output.SetGradFn(node);
        return output;
    }

    /// <summary>
    /// Declared as a saved tensor by a rule whose residuals are not tensors (an index array): it makes
    /// the node freed after backward, as PyTorch frees its saved index tensor, and is never written.
    /// </summary>
    internal static readonly Tensor Residuals = Tensor.Scalar(0);

    /// <summary>True when recording an op over these inputs would create a node.</summary>
    public static bool NeedsGrad(ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var x in inputs) if (x.RequiresGrad) return true;
        return false;
    }
}

/// <summary>The sink of a leaf that requires grad (torch's AccumulateGrad).</summary>
internal sealed class AccumulateGrad : Node
{
    internal AccumulateGrad(Tensor leaf) : base("AccumulateGrad", [], [], [], leaf.Dims, null) => Leaf = leaf;

    internal Tensor Leaf { get; }

    private HookList<Action<Tensor>>? _postAccumulate;

    internal RemovableHandle AddPostAccumulateHook(Action<Tensor> hook) => (_postAccumulate ??= new()).Add(0, hook);

    internal void RunPostAccumulateHooks()
    {
        if (_postAccumulate is { } hooks)
            foreach (var h in hooks.For(0)) h(Leaf);
    }

    internal override Tensor?[] Invoke(Tensor?[] gradOutputs) => [];
}
