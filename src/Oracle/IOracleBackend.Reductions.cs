namespace Autograd.Oracle;

// prod, var/std, vector norm, logsumexp, cumsum and F.pad's non-constant modes (issue 14, items 6 and 7).
public partial interface IOracleBackend
{
    OracleTensor Prod(OracleTensor x);
    OracleTensor Prod(OracleTensor x, int dim, bool keepDim = false);

    /// <summary>torch.var(x, correction=) over all elements (the rule without dims).</summary>
    OracleTensor Var(OracleTensor x, double correction = 1);
    OracleTensor Var(OracleTensor x, int[] dims, double correction = 1, bool keepDim = false);
    OracleTensor Std(OracleTensor x, double correction = 1);
    OracleTensor Std(OracleTensor x, int[] dims, double correction = 1, bool keepDim = false);

    /// <summary>torch.linalg.vector_norm(x, ord=p, dim=dims, keepdim).</summary>
    OracleTensor Norm(OracleTensor x, double p = 2, int[]? dims = null, bool keepDim = false);
    OracleTensor Logsumexp(OracleTensor x, int[] dims, bool keepDim = false);
    OracleTensor Cumsum(OracleTensor x, int dim);

    /// <summary>F.pad(input, pad, mode, value) with mode "constant", "reflect", "replicate" or "circular".</summary>
    OracleTensor Pad(OracleTensor input, int[] pad, string mode, double value = 0);
}
