namespace Autograd.Oracle;

// batch_norm, layer_norm and group_norm on our engine.
public sealed partial class AutogradBackend
{
    public OracleTensor BatchNorm(OracleTensor input, OracleTensor? runningMean, OracleTensor? runningVar, OracleTensor? weight = null,
        OracleTensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
        => Wrap(F.BatchNorm(U(input), Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), training, momentum, eps));

    public OracleTensor LayerNorm(OracleTensor input, int[] normalizedShape, OracleTensor? weight = null, OracleTensor? bias = null, double eps = 1e-5)
        => Wrap(F.LayerNorm(U(input), normalizedShape, Opt(weight), Opt(bias), eps));

    public OracleTensor GroupNorm(OracleTensor input, int numGroups, OracleTensor? weight = null, OracleTensor? bias = null, double eps = 1e-5)
        => Wrap(F.GroupNorm(U(input), numGroups, Opt(weight), Opt(bias), eps));
}
