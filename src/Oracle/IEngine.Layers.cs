namespace Autograd.Oracle;

// Layers of issue 15: transposed convolution, interpolation, embedding.
public partial interface IEngine
{
    /// <summary>F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation).</summary>
    EngineTensor ConvTranspose2d(EngineTensor input, EngineTensor weight, EngineTensor? bias = null, Pair? stride = null,
        Pair? padding = null, Pair? outputPadding = null, int groups = 1, Pair? dilation = null);

    /// <summary>F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor) for modes nearest, nearest-exact, bilinear.</summary>
    EngineTensor Interpolate(EngineTensor input, Pair? size = null, ScalePair? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool recomputeScaleFactor = false);

    /// <summary>F.embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq).</summary>
    EngineTensor Embedding(EngineTensor input, EngineTensor weight, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2, bool scaleGradByFreq = false);
}
