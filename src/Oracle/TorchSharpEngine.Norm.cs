using TorchApi = TorchSharp.torch;

namespace Autograd.Oracle;

// batch_norm, layer_norm and group_norm through TorchSharp (libtorch's native kernels; functional.py's
// Python-side checks such as _verify_batch_size are not in libtorch, so they are tested on our side).
public sealed partial class TorchSharpEngine
{
    public EngineTensor BatchNorm(EngineTensor input, EngineTensor? runningMean, EngineTensor? runningVar, EngineTensor? weight = null,
        EngineTensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        var (x, rm, rv, w, b) = (U(input), Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias));
        return Op(() => TorchApi.nn.functional.batch_norm(x, rm, rv, w, b, training, momentum, eps));
    }

    public EngineTensor LayerNorm(EngineTensor input, int[] normalizedShape, EngineTensor? weight = null, EngineTensor? bias = null, double eps = 1e-5)
    {
        var (x, w, b) = (U(input), Opt(weight), Opt(bias));
        return Op(() => TorchApi.nn.functional.layer_norm(x, Longs(normalizedShape), w, b, eps));
    }

    public EngineTensor GroupNorm(EngineTensor input, int numGroups, EngineTensor? weight = null, EngineTensor? bias = null, double eps = 1e-5)
    {
        var (x, w, b) = (U(input), Opt(weight), Opt(bias));
        return Op(() => TorchApi.nn.functional.group_norm(x, numGroups, w, b, eps));
    }
}
