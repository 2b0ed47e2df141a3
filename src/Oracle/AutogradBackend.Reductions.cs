namespace Autograd.Oracle;

// prod, var/std, vector norm, logsumexp, cumsum and the pad modes on our engine.
public sealed partial class AutogradBackend
{
    public OracleTensor Prod(OracleTensor x) => Wrap(F.Prod(U(x)));
    public OracleTensor Prod(OracleTensor x, int dim, bool keepDim = false) => Wrap(F.Prod(U(x), dim, keepDim));
    public OracleTensor Var(OracleTensor x, double correction = 1) => Wrap(F.Var(U(x), correction));
    public OracleTensor Var(OracleTensor x, int[] dims, double correction = 1, bool keepDim = false) => Wrap(F.Var(U(x), dims, correction, keepDim));
    public OracleTensor Std(OracleTensor x, double correction = 1) => Wrap(F.Std(U(x), correction));
    public OracleTensor Std(OracleTensor x, int[] dims, double correction = 1, bool keepDim = false) => Wrap(F.Std(U(x), dims, correction, keepDim));
    public OracleTensor Norm(OracleTensor x, double p = 2, int[]? dims = null, bool keepDim = false) => Wrap(F.Norm(U(x), p, dims, keepDim));
    public OracleTensor Logsumexp(OracleTensor x, int[] dims, bool keepDim = false) => Wrap(F.Logsumexp(U(x), dims, keepDim));
    public OracleTensor Cumsum(OracleTensor x, int dim) => Wrap(F.Cumsum(U(x), dim));
    public OracleTensor Pad(OracleTensor input, int[] pad, string mode, double value = 0) => Wrap(F.Pad(U(input), pad, mode, value));
}
