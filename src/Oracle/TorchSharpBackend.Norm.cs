using TorchApi = TorchSharp.torch;

namespace Autograd.Oracle;

// batch_norm, layer_norm and group_norm through TorchSharp (libtorch's native kernels; functional.py's
// Python-side checks such as _verify_batch_size are not in libtorch, so they are tested on our side).
public sealed partial class TorchSharpBackend
{
    public OracleTensor BatchNorm(OracleTensor input, OracleTensor? runningMean, OracleTensor? runningVar, OracleTensor? weight = null,
        OracleTensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        var (x, rm, rv, w, b) = (U(input), Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias));
        return Op(() => TorchApi.nn.functional.batch_norm(x, rm, rv, w, b, training, momentum, eps));
    }

    public OracleTensor LayerNorm(OracleTensor input, int[] normalizedShape, OracleTensor? weight = null, OracleTensor? bias = null, double eps = 1e-5)
    {
        var (x, w, b) = (U(input), Opt(weight), Opt(bias));
        return Op(() => TorchApi.nn.functional.layer_norm(x, Longs(normalizedShape), w, b, eps));
    }

    public OracleTensor GroupNorm(OracleTensor input, int numGroups, OracleTensor? weight = null, OracleTensor? bias = null, double eps = 1e-5)
    {
        var (x, w, b) = (U(input), Opt(weight), Opt(bias));
        return Op(() => TorchApi.nn.functional.group_norm(x, numGroups, w, b, eps));
    }
}
