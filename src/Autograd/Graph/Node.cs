namespace Autograd;

/// <summary>
/// The backward rule of one recorded op: given the gradient of the op's output, returns one gradient
/// per input (null where the input does not need one). Residuals live in the closure, which the engine
/// drops after backward unless the graph is retained.
/// </summary>
public delegate Tensor?[] BackwardFn(Tensor gradOutput);

/// <summary>
/// A node of the recorded graph (torch's grad_fn): the op's name, edges to the nodes of its inputs,
/// and its backward rule. Each node has exactly one output tensor.
/// </summary>
public class Node
{
    private static long _nextSequence;
    private BackwardFn? _backward;
    private readonly TensorScope? _scope = TensorStorage.EverScoped ? TensorScope.Current : null;   // Note [Tensor scopes]

    internal Node(string name, Node?[] next, int[][] inputShapes, DType[] inputTypes, int[] outputShape, BackwardFn? backward)
    {
        Name = name;
        Next = next;
        InputShapes = inputShapes;
        InputTypes = inputTypes;
        OutputShape = outputShape;
        _backward = backward;
        Sequence = Interlocked.Increment(ref _nextSequence);
    }

    /// <summary>PyTorch's class name for this node, e.g. "MulBackward0".</summary>
    public string Name { get; }

    /// <summary>Nodes the gradient flows to, one per input; null for inputs that need no gradient.</summary>
    public IReadOnlyList<Node?> NextFunctions => Next;

    internal Node?[] Next { get; }
    internal int[][] InputShapes { get; }
    internal DType[] InputTypes { get; }
    internal int[] OutputShape { get; }

    /// <summary>Creation order; later nodes run first among those ready, as in PyTorch.</summary>
    internal long Sequence { get; }

    internal bool Released => _backward is null && this is not AccumulateGrad;

    internal virtual Tensor?[] Apply(Tensor gradOutput)
    {
        if (_scope is { IsDisposed: true })
            throw new ObjectDisposedException(Name, $"{Name}: this graph was recorded inside a TensorScope that has ended, so its saved tensors were recycled; call Backward before the scope ends.");
        var fn = _backward ?? throw new InvalidOperationException(
            $"{Name}: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
            "Saved intermediate values of the graph are freed when you call .Backward() or Grad.Compute(). " +
            "Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
        return fn(gradOutput);
    }

    /// <summary>Drops the residuals (saved tensors) held by the backward closure.</summary>
    internal void Release() => _backward = null;

    public override string ToString() => Name;

    /// <summary>
    /// Records an op: when grad mode is on and some input requires grad, <paramref name="output"/>
    /// gets a node whose rule is <paramref name="backward"/>. Returns <paramref name="output"/>.
    /// The closure is only created by callers when needed, see <see cref="NeedsGrad"/>.
    /// </summary>
    public static Tensor Record(Tensor output, string name, ReadOnlySpan<Tensor> inputs, BackwardFn backward)
    {
        if (!NeedsGrad(inputs)) return output;
        var next = new Node?[inputs.Length];
        var shapes = new int[inputs.Length][];
        var types = new DType[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            shapes[i] = x.Dims;
            types[i] = x.DType;
            if (x.RequiresGrad) next[i] = x.GradFn ?? x.Accumulator;
        }
        output.SetGradFn(new Node(name, next, shapes, types, output.Dims, backward));
        return output;
    }

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

    internal override Tensor?[] Apply(Tensor gradOutput) => [];
}
