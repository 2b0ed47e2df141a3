namespace Autograd.Oracle;

// Layers of issue 15 on our engine.
public sealed partial class AutogradBackend
{
    public OracleTensor ConvTranspose2d(OracleTensor input, OracleTensor weight, OracleTensor? bias = null, Pair? stride = null,
        Pair? padding = null, Pair? outputPadding = null, int groups = 1, Pair? dilation = null)
        => Wrap(F.ConvTranspose2d(U(input), U(weight), Opt(bias), stride, padding, outputPadding, groups, dilation));

    public OracleTensor Interpolate(OracleTensor input, Pair? size = null, ScalePair? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool recomputeScaleFactor = false)
        => Wrap(F.Interpolate(U(input), size, scaleFactor, mode, alignCorners, recomputeScaleFactor));

    public OracleTensor Embedding(OracleTensor input, OracleTensor weight, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2, bool scaleGradByFreq = false)
        => Wrap(F.Embedding(U(input), U(weight), paddingIdx, maxNorm, normType, scaleGradByFreq));
}
