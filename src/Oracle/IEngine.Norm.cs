namespace Autograd.Oracle;

/// <summary>The normalisation ops (torch.nn.functional.batch_norm, layer_norm, group_norm).</summary>
public partial interface IEngine
{
    /// <summary>F.batch_norm; in training the running stats (when given) are updated in place.</summary>
    EngineTensor BatchNorm(EngineTensor input, EngineTensor? runningMean, EngineTensor? runningVar, EngineTensor? weight = null,
        EngineTensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5);

    EngineTensor LayerNorm(EngineTensor input, int[] normalizedShape, EngineTensor? weight = null, EngineTensor? bias = null, double eps = 1e-5);

    EngineTensor GroupNorm(EngineTensor input, int numGroups, EngineTensor? weight = null, EngineTensor? bias = null, double eps = 1e-5);
}
