namespace Autograd.Oracle;

// batch_norm, layer_norm and group_norm on our engine.
public sealed partial class AutogradEngine
{
    public EngineTensor BatchNorm(EngineTensor input, EngineTensor? runningMean, EngineTensor? runningVar, EngineTensor? weight = null,
        EngineTensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
        => Wrap(F.BatchNorm(U(input), Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), training, momentum, eps));

    public EngineTensor LayerNorm(EngineTensor input, int[] normalizedShape, EngineTensor? weight = null, EngineTensor? bias = null, double eps = 1e-5)
        => Wrap(F.LayerNorm(U(input), normalizedShape, Opt(weight), Opt(bias), eps));

    public EngineTensor GroupNorm(EngineTensor input, int numGroups, EngineTensor? weight = null, EngineTensor? bias = null, double eps = 1e-5)
        => Wrap(F.GroupNorm(U(input), numGroups, Opt(weight), Opt(bias), eps));
}
