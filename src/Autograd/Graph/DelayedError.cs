namespace Autograd;

// Note [Double backward]
// Backward(createGraph: true) / Grad.Compute(createGraph: true) record the backward pass, so its results
// can be differentiated again, to any order. A built-in op opts in by recording its node with
// `differentiable: true`: its rule is then written with differentiable ops (F.Mul, F.SumToSize,
// F.ExpandTo, ...) or branches on grad mode, keeping its raw kernels for an ordinary backward (grad mode
// off inside the walk: nothing records, nothing gets slower) and taking the recorded ops under
// createGraph, with saved tensors that keep their history (an op that saves its output saves the output
// itself). A rule not marked so runs as raw kernels with grad mode off, and under createGraph its results
// get a DelayedError node: differentiating through it throws NotSupportedException naming the op,
// never a silently wrong value. The node's inputs are everything the gradient depends on (the incoming
// gradients, the saved tensors that require grad, and the op's own output when it saved it), so any
// derivative that would need the op's second derivative reaches it and throws; one that does not (with
// respect to an unrelated tensor) never runs it. Gradients that meet at a node are summed with a recorded
// add under createGraph (Engine.Deliver), so no part of a gradient loses its history on the way. Custom
// functions (Function) are always run with grad mode on under createGraph, so a Backward written with
// differentiable ops is differentiable again.
internal static class DelayedError
{
    /// <summary>Gives each result a node that throws when differentiated, when the gradient depends on something that requires grad.</summary>
    internal static void Wrap(Node node, Tensor?[] gradOutputs, Tensor?[] results)
    {
        var sources = gradOutputs.Where(g => g is { RequiresGrad: true }).Select(g => g!)
            .Concat(node.SavedRequiringGrad).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToArray();
        if (sources.Length == 0) return;   // the gradient is a constant: nothing to differentiate
        string message = $"the derivative for '{node.Name}' is not implemented: double backward (createGraph: true) through this op arrives with higher-order gradients; its gradient cannot be differentiated again yet";
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i] is not { } r) continue;
            results[i] = Node.Record(new Tensor(r.Storage, r.Dims), "DelayedError", sources, _ => throw new NotSupportedException(message));
        }
    }
}
