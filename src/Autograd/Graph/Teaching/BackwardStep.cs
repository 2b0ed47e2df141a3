namespace Autograd;

/// <summary>Where one input's gradient went in a <see cref="BackwardStep"/>.</summary>
/// <param name="Input">The input's position among the node's inputs (as in <see cref="Node.NextFunctions"/>).</param>
/// <param name="Gradient">The gradient sent to that input; null when the input needs none (or the rule gave none).</param>
/// <param name="To">The node it was delivered to (a leaf's AccumulateGrad for a leaf); null when the input needs no gradient.</param>
/// <param name="Leaf">The leaf tensor when <paramref name="To"/> is a leaf's AccumulateGrad, else null.</param>
public sealed record GradientFlow(int Input, Tensor? Gradient, Node? To, Tensor? Leaf);

/// <summary>A leaf and its <c>.Grad</c> as it stood after a step (a copy: later steps or backward passes do not change it).</summary>
public sealed record LeafGradient(Tensor Leaf, Tensor Gradient);

/// <summary>
/// One node of a backward pass run by <see cref="Tape.StepBackward"/>: the node, the gradient that arrived at
/// its output, the gradient it sent to each input and where that went, and the leaf gradients accumulated so far.
/// </summary>
public sealed class BackwardStep
{
    internal BackwardStep(int index, Node node, Tensor?[] gradOutputs, GradientFlow[] gradInputs, LeafGradient[] leafGradients)
    {
        Index = index;
        Node = node;
        GradOutputs = gradOutputs;
        GradInputs = gradInputs;
        LeafGradients = leafGradients;
    }

    /// <summary>The step's position in the pass (0 for the root's node), following the engine's order.</summary>
    public int Index { get; }

    /// <summary>The node that ran (a leaf's sink is an AccumulateGrad node).</summary>
    public Node Node { get; }

    /// <summary>PyTorch's name of the node, e.g. "MaxPool2DWithIndicesBackward0" or "AccumulateGrad".</summary>
    public string Name => Node.Name;

    /// <summary>The gradient of the node's output that arrived (after tensor hooks): the "gradient in".</summary>
    public Tensor? GradOutput => GradOutputs.Count > 0 ? GradOutputs[0] : null;

    /// <summary>The gradients of each of the node's outputs (one except for custom functions with several outputs).</summary>
    public IReadOnlyList<Tensor?> GradOutputs { get; }

    /// <summary>One entry per input of the node: the gradient it was sent and where it went (empty for a leaf's AccumulateGrad).</summary>
    public IReadOnlyList<GradientFlow> GradInputs { get; }

    /// <summary>For an AccumulateGrad step, the leaf whose <c>.Grad</c> it accumulated into; else null.</summary>
    public Tensor? Leaf => (Node as AccumulateGrad)?.Leaf;

    /// <summary>Every leaf accumulated so far in this pass, in the order they were, with its <c>.Grad</c> after this step.</summary>
    public IReadOnlyList<LeafGradient> LeafGradients { get; }

    /// <summary>"#index name", e.g. "#3 MaxPool2DWithIndicesBackward0".</summary>
    public override string ToString() => $"#{Index} {Name}";
}
