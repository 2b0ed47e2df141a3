namespace Autograd;

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
