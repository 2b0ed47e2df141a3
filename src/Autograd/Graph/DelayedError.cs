namespace Autograd;

// Note [Double backward, for now]
// Backward(createGraph: true) records the backward pass, so its results can be differentiated again.
// The built-in ops' backward rules still run as raw kernels (issue 13 makes them differentiable), so
// a gradient they return under createGraph gets a DelayedError node: differentiating through it
// throws, naming the op, instead of silently treating the op's backward as a constant. Custom
// functions (Function) whose Backward is written with differentiable ops are truly double
// differentiable already: the engine runs their Backward with grad mode on under createGraph.
internal static class DelayedError
{
    /// <summary>Gives each result a node that throws when differentiated, when the node's inputs to backward require grad.</summary>
    internal static void Wrap(Node node, Tensor?[] gradOutputs, Tensor?[] results)
    {
        var sources = gradOutputs.Where(g => g is { RequiresGrad: true }).Select(g => g!).ToArray();
        if (sources.Length == 0 && !node.SavedRequireGrad) return;
        string message = $"the derivative for '{node.Name}' is not implemented: double backward (createGraph: true) through this op arrives with higher-order gradients; its gradient cannot be differentiated again yet";
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i] is not { } r) continue;
            var alias = new Tensor(r.Storage, r.Dims);
            results[i] = sources.Length > 0
                ? Node.Record(alias, "DelayedError", sources, _ => throw new NotSupportedException(message))
                : Node.Record(alias, "DelayedError", [Tensor.Scalar(0, r.DType, requiresGrad: true)], _ => throw new NotSupportedException(message));
        }
    }
}
