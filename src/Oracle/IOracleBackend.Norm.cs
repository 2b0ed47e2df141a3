namespace Autograd.Oracle;

/// <summary>The normalisation ops (torch.nn.functional.batch_norm, layer_norm, group_norm).</summary>
public partial interface IOracleBackend
{
    /// <summary>F.batch_norm; in training the running stats (when given) are updated in place.</summary>
    OracleTensor BatchNorm(OracleTensor input, OracleTensor? runningMean, OracleTensor? runningVar, OracleTensor? weight = null,
        OracleTensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5);

    OracleTensor LayerNorm(OracleTensor input, int[] normalizedShape, OracleTensor? weight = null, OracleTensor? bias = null, double eps = 1e-5);

    OracleTensor GroupNorm(OracleTensor input, int numGroups, OracleTensor? weight = null, OracleTensor? bias = null, double eps = 1e-5);
}
