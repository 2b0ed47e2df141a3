namespace Autograd;

/// <summary>
/// Loss reduction (PyTorch's reduction='mean' | 'sum' | 'none', and 'batchmean' which only kl_div takes:
/// every other loss rejects it as PyTorch does). Each loss also has an overload taking PyTorch's string.
/// </summary>
public enum Reduction
{
    /// <summary>The mean of the elementwise losses (the default, <c>reduction="mean"</c>).</summary>
    Mean,
    /// <summary>The sum of the elementwise losses (<c>reduction="sum"</c>).</summary>
    Sum,
    /// <summary>No reduction: the elementwise losses (<c>reduction="none"</c>).</summary>
    None,
    /// <summary>kl_div only: the sum divided by the batch size (input.size(0)).</summary>
    BatchMean,
}
