namespace Autograd.Oracle;

// conv2d, pad and the pooling family on our engine.
public sealed partial class AutogradBackend
{
    public OracleTensor Conv2d(OracleTensor input, OracleTensor weight, OracleTensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1)
        => Wrap(F.Conv2d(U(input), U(weight), Opt(bias), stride, padding, dilation, groups));

    public OracleTensor Pad(OracleTensor input, int[] pad, double value = 0) => Wrap(F.Pad(U(input), pad, value));

    public OracleTensor MaxPool2d(OracleTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? dilation = null, bool ceilMode = false)
        => Wrap(F.MaxPool2d(U(input), kernelSize, stride, padding, dilation, ceilMode));

    public (OracleTensor Output, int[] Indices) MaxPool2dWithIndices(OracleTensor input, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        var (o, i) = F.MaxPool2dWithIndices(U(input), kernelSize, stride, padding, dilation, ceilMode);
        return (Wrap(o), i.ToArray<int>());
    }

    public OracleTensor AvgPool2d(OracleTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => Wrap(F.AvgPool2d(U(input), kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride));

    public OracleTensor LpPool2d(OracleTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false)
        => Wrap(F.LpPool2d(U(input), normType, kernelSize, stride, ceilMode));

    public OracleTensor AdaptiveAvgPool2d(OracleTensor input, Pair outputSize) => Wrap(F.AdaptiveAvgPool2d(U(input), outputSize));

    public OracleTensor AdaptiveMaxPool2d(OracleTensor input, Pair outputSize) => Wrap(F.AdaptiveMaxPool2d(U(input), outputSize));

    public (OracleTensor Output, int[] Indices) AdaptiveMaxPool2dWithIndices(OracleTensor input, Pair outputSize)
    {
        var (o, i) = F.AdaptiveMaxPool2dWithIndices(U(input), outputSize);
        return (Wrap(o), i.ToArray<int>());
    }

    public OracleTensor MaxUnpool2d(OracleTensor input, int[] indices, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, int[]? outputSize = null)
        => Wrap(F.MaxUnpool2d(U(input), indices, kernelSize, stride, padding, outputSize));
}
