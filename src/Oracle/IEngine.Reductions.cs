namespace Autograd.Oracle;

// prod, var/std, vector norm, logsumexp, cumsum and F.pad's non-constant modes (issue 14, items 6 and 7).
public partial interface IEngine
{
    EngineTensor Prod(EngineTensor x);
    EngineTensor Prod(EngineTensor x, int dim, bool keepDim = false);

    /// <summary>torch.var(x, correction=) over all elements (the rule without dims).</summary>
    EngineTensor Var(EngineTensor x, double correction = 1);
    EngineTensor Var(EngineTensor x, int[] dims, double correction = 1, bool keepDim = false);
    EngineTensor Std(EngineTensor x, double correction = 1);
    EngineTensor Std(EngineTensor x, int[] dims, double correction = 1, bool keepDim = false);

    /// <summary>torch.linalg.vector_norm(x, ord=p, dim=dims, keepdim).</summary>
    EngineTensor Norm(EngineTensor x, double p = 2, int[]? dims = null, bool keepDim = false);
    EngineTensor Logsumexp(EngineTensor x, int[] dims, bool keepDim = false);
    EngineTensor Cumsum(EngineTensor x, int dim);

    /// <summary>F.pad(input, pad, mode, value) with mode "constant", "reflect", "replicate" or "circular".</summary>
    EngineTensor Pad(EngineTensor input, int[] pad, string mode, double value = 0);
}
