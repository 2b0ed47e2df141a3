namespace Autograd;

// Note [Double backward, for now]
// Backward(createGraph: true) records the backward pass, so its results can be differentiated again.
// The built-in ops' backward rules still run as raw kernels (issue 13 makes them differentiable), so
// a gradient they return under createGraph gets a DelayedError node: differentiating through it
// throws, naming the op, instead of silently treating the op's backward as a constant. The node's
// inputs are everything the gradient depends on (the incoming gradients, the saved tensors that
// require grad, and the op's own output when it saved it, through the op's node: exp saves a
// detached alias of its output), so any derivative that would need the op's second derivative
// reaches it and throws; one that does not (with respect to an unrelated tensor) never runs it.
// Gradients that meet at a node are summed with a recorded add under createGraph (Engine.Deliver),
// so no part of a gradient loses its history on the way. Custom functions (Function)
// whose Backward is written with differentiable ops are truly double differentiable already: the
// engine runs their Backward with grad mode on under createGraph.
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
