namespace Autograd.Oracle;

// conv2d, pad and the pooling family on our engine.
public sealed partial class AutogradEngine
{
    public EngineTensor Conv2d(EngineTensor input, EngineTensor weight, EngineTensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1)
        => Wrap(F.Conv2d(U(input), U(weight), Opt(bias), stride, padding, dilation, groups));

    public EngineTensor Pad(EngineTensor input, int[] pad, double value = 0) => Wrap(F.Pad(U(input), pad, value));
}
