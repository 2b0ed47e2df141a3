namespace Autograd.Oracle;

// Layers of issue 15: transposed convolution, interpolation, embedding.
public partial interface IOracleBackend
{
    /// <summary>F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation).</summary>
    OracleTensor ConvTranspose2d(OracleTensor input, OracleTensor weight, OracleTensor? bias = null, Pair? stride = null,
        Pair? padding = null, Pair? outputPadding = null, int groups = 1, Pair? dilation = null);

    /// <summary>F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor) for modes nearest, nearest-exact, bilinear.</summary>
    OracleTensor Interpolate(OracleTensor input, Pair? size = null, ScalePair? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool recomputeScaleFactor = false);

    /// <summary>F.embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq).</summary>
    OracleTensor Embedding(OracleTensor input, OracleTensor weight, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2, bool scaleGradByFreq = false);
}
