using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

// Layers of issue 15 on libtorch.
public sealed partial class TorchSharpBackend
{
    public OracleTensor ConvTranspose2d(OracleTensor input, OracleTensor weight, OracleTensor? bias = null, Pair? stride = null,
        Pair? padding = null, Pair? outputPadding = null, int groups = 1, Pair? dilation = null)
    {
        var (x, w, b) = (U(input), U(weight), Opt(bias));
        GuardConvTranspose(x, w, stride ?? 1, padding ?? 0, outputPadding ?? 0, dilation ?? 1);
        return Op(() => TorchApi.nn.functional.conv_transpose2d(x, w, b, Ints(stride ?? 1), Ints(padding ?? 0), Ints(outputPadding ?? 0),
            Ints(dilation ?? 1), groups));
    }

    /// <summary>
    /// Note [oneDNN and conv_transpose2d]: libtorch 2.10's float32 CPU transposed convolution goes to
    /// oneDNN before any size check, and a geometry whose output size is below 1 makes it throw a
    /// dnnl::error that nothing catches ("could not construct a memory descriptor using a format tag"):
    /// the process terminates. float64 takes the native path, which rejects it ("Output size is too
    /// small"), so PyTorch rejects it and float32 is refused here with that verdict.
    /// </summary>
    private static void GuardConvTranspose(TorchTensor x, TorchTensor w, Pair s, Pair p, Pair op, Pair d)
    {
        if (x.dtype != TorchApi.ScalarType.Float32 || x.dim() is not (3 or 4) || w.dim() != 4) return;
        long h = x.shape[^2], wd = x.shape[^1];
        long oh = (h - 1) * s.H - 2L * p.H + (long)d.H * (w.shape[2] - 1) + op.H + 1;
        long ow = (wd - 1) * s.W - 2L * p.W + (long)d.W * (w.shape[3] - 1) + op.W + 1;
        if (oh < 1 || ow < 1 || s.H <= 0 || s.W <= 0 || d.H <= 0 || d.W <= 0 || p.H < 0 || p.W < 0 || op.H < 0 || op.W < 0)
            throw new OracleGuardException($"oracle guard: float32 conv_transpose2d with output size ({oh} x {ow}) or a non-positive stride/dilation or negative padding " +
                "terminates libtorch 2.10's process (an uncaught oneDNN error); PyTorch rejects it (float64: \"Output size is too small\")",
                "float32 conv_transpose2d invalid geometry: oneDNN terminates", libtorchRejects: true);
    }

    public OracleTensor Interpolate(OracleTensor input, Pair? size = null, ScalePair? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool recomputeScaleFactor = false)
    {
        var m = mode switch
        {
            "nearest" => TorchApi.InterpolationMode.Nearest,
            "nearest-exact" => TorchApi.InterpolationMode.NearestExact,
            "bilinear" => TorchApi.InterpolationMode.Bilinear,
            "area" => TorchApi.InterpolationMode.Area,
            _ => throw new NotSupportedException($"Interpolate oracle: mode {mode}"),
        };
        long[]? s = size is { } p ? [p.H, p.W] : null;
        double[]? f = scaleFactor is { } q ? [q.H, q.W] : null;
        return Op(() => TorchApi.nn.functional.interpolate(U(input), s, f, m, alignCorners, recomputeScaleFactor));
    }

    public OracleTensor Embedding(OracleTensor input, OracleTensor weight, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2, bool scaleGradByFreq = false)
    {
        // TorchSharp 0.107 has no functional embedding; libtorch's Embedding::from_pretrained registers the
        // given tensor itself as its weight (no copy, no zeroed padding row) and its forward is at::embedding,
        // so gradients reach the weight tensor the caller holds. freeze keeps the tensor's requires_grad as it is.
        var (x, w) = (U(input), U(weight));
        return Op(() =>
        {
            var m = TorchApi.nn.Embedding_from_pretrained(w, freeze: !w.requires_grad, padding_idx: paddingIdx, max_norm: maxNorm,
                norm_type: normType, scale_grad_by_freq: scaleGradByFreq);
            return m.forward(x);
        });
    }
}
