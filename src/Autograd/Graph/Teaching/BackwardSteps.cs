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

// Note [Stepping through backward]
// Tape.StepBackward runs the same engine code as Backward (Engine.Pass.Step), one node per MoveNext, in
// the engine's order, so after the last step every .Grad equals what root.Backward(gradient) gives, bit
// for bit. Decisions:
//  - It is Backward, slowed down: each leaf's .Grad is accumulated when its AccumulateGrad step runs (as
//    it goes, as the engine does), so a debugger paused between steps sees .Grad filling in; and the graph
//    is consumed as Backward consumes it (saved tensors freed node by node) unless retainGraph is true.
//  - A node that no gradient reached (every path to it gave null) is not a step, as the engine skips it.
//  - Grad mode is the backward walk's only inside MoveNext: between steps the caller's code (a REPL, a
//    test) runs in its own grad mode.
//  - Abandoning the enumeration leaves the pass half done: the leaves reached so far have their gradient,
//    the nodes run so far are freed; the rest of the graph is untouched.
//  - The root gradient and the root are checked when StepBackward is called, not at the first MoveNext.
//  - Reentrant passes (a custom backward calling Backward) work as in Backward, but the stepping pass
//    itself always runs on the caller's thread.
public static partial class Tape
{
    /// <summary>
    /// Runs <c>root.Backward(gradient, retainGraph)</c> one node at a time: each MoveNext runs the next node in the
    /// engine's order and yields what it did (Note [Stepping through backward]). Enumerated to the end, the
    /// leaves' <c>.Grad</c> equal those of <c>Backward()</c>. Enumerable once.
    /// </summary>
    public static IEnumerable<BackwardStep> StepBackward(Tensor root, Tensor? gradient = null, bool retainGraph = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        var task = new Engine.Task { Roots = [root], RootGrads = Grad.RootGrads([root], [gradient], "StepBackward"), RetainGraph = retainGraph };
        return Steps(new Engine.Pass(task));
    }

    private static IEnumerable<BackwardStep> Steps(Engine.Pass pass)
    {
        var leaves = new List<LeafGradient>();
        int index = 0;
        foreach (var node in pass.Order)
        {
            Engine.StepResult? result;
            using (GradMode.EnterBackward())
            using (Reentrant.Enter())
                result = pass.Step(node);
            if (result is not { } r) continue;
            if (node is AccumulateGrad acc && acc.Leaf.GradValue is { } g)
                leaves.Add(new LeafGradient(acc.Leaf, g.CloneData()));
            yield return new BackwardStep(index++, node, r.GradOutputs, Flows(node, r.GradInputs), [.. leaves]);
        }
    }

    private static GradientFlow[] Flows(Node node, Tensor?[]? results)
    {
        if (results is null) return [];
        var flows = new GradientFlow[node.Next.Length];
        for (int i = 0; i < flows.Length; i++)
        {
            var to = node.Next[i];
            flows[i] = new GradientFlow(i, to is null ? null : results[i], to, (to as AccumulateGrad)?.Leaf);
        }
        return flows;
    }
}
