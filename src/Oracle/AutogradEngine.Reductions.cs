namespace Autograd.Oracle;

// prod, var/std, vector norm, logsumexp, cumsum and the pad modes on our engine.
public sealed partial class AutogradEngine
{
    public EngineTensor Prod(EngineTensor x) => Wrap(F.Prod(U(x)));
    public EngineTensor Prod(EngineTensor x, int dim, bool keepDim = false) => Wrap(F.Prod(U(x), dim, keepDim));
    public EngineTensor Var(EngineTensor x, double correction = 1) => Wrap(F.Var(U(x), correction));
    public EngineTensor Var(EngineTensor x, int[] dims, double correction = 1, bool keepDim = false) => Wrap(F.Var(U(x), dims, correction, keepDim));
    public EngineTensor Std(EngineTensor x, double correction = 1) => Wrap(F.Std(U(x), correction));
    public EngineTensor Std(EngineTensor x, int[] dims, double correction = 1, bool keepDim = false) => Wrap(F.Std(U(x), dims, correction, keepDim));
    public EngineTensor Norm(EngineTensor x, double p = 2, int[]? dims = null, bool keepDim = false) => Wrap(F.Norm(U(x), p, dims, keepDim));
    public EngineTensor Logsumexp(EngineTensor x, int[] dims, bool keepDim = false) => Wrap(F.Logsumexp(U(x), dims, keepDim));
    public EngineTensor Cumsum(EngineTensor x, int dim) => Wrap(F.Cumsum(U(x), dim));
    public EngineTensor Pad(EngineTensor input, int[] pad, string mode, double value = 0) => Wrap(F.Pad(U(input), pad, mode, value));
}
