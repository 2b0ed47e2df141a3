namespace Autograd;

// Adaptive pooling: output (oh, ow) covers rows [floor(oh·H/OH), ceil((oh+1)·H/OH)) and the same for
// columns (PyTorch's start_index/end_index), so windows may differ in size and overlap by one.
// The windows go through the same tables, folds and backward walks as fixed pooling:
//   adaptive_avg_pool2d: y = window mean;   dX[i] = Σ_{w ∋ i} dY[w] / |w|
//   adaptive_max_pool2d: y = window max;    dX = scatter_add(dY, argmax)   (Note [Max pooling order])
// Executable spec: tests/GradCheck/Support/NaivePool.cs, NaivePool.Avg/Max with the adaptive windows
// (tests/GradCheck/Ops/Pooling/PoolNaiveReferenceTests).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.adaptive_avg_pool2d: averages each (N, C) plane of a 4-d or 3-d input over
    /// outputSize windows (1×1 is global average pooling). Output sizes of 0 give an empty result, as in PyTorch.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Pair outputSize)
    {
        var geo = PoolGeometry.Adaptive("adaptive_avg_pool2d", input, outputSize, requireChannels: false);
        return AvgPoolRun(geo, input, "AdaptiveAvgPool2DBackward0", "adaptive_avg_pool2d_backward");
    }

    /// <summary>
    /// torch.nn.functional.adaptive_max_pool2d: the maximum of each of outputSize windows of each (N, C)
    /// plane of a 4-d or 3-d input (1×1 is global max pooling).
    /// </summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, Pair outputSize)
    {
        var geo = PoolGeometry.Adaptive("adaptive_max_pool2d", input, outputSize, requireChannels: true);
        return MaxPoolRun(geo, input, "AdaptiveMaxPool2DBackward0", "adaptive_max_pool2d_backward").Output;
    }

    /// <summary>
    /// torch.nn.functional.adaptive_max_pool2d(..., return_indices=True): the output and the flat H·W
    /// index of each window's maximum within its plane, laid out like the output.
    /// </summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, Pair outputSize)
    {
        var geo = PoolGeometry.Adaptive("adaptive_max_pool2d", input, outputSize, requireChannels: true);
        var (output, indices) = MaxPoolRun(geo, input, "AdaptiveMaxPool2DBackward0", "adaptive_max_pool2d_backward");
        return (output, IndexTensor(indices, output.Dims));
    }

    // Note [Adaptive backward of an empty output]
    // PyTorch (1.13 and 2.x: adaptive_pool_empty_output_check) accepts an output size of 0 forward but
    // rejects the backward of such an output: every dim of grad_output but the first must be non-empty.
    // We do the same, with its message, rather than return a zero gradient PyTorch never gives.

    /// <summary>Returns <paramref name="g"/>, or throws PyTorch's error when <paramref name="op"/> is set and g has an empty non-batch dim.</summary>
    internal static Tensor CheckAdaptiveGrad(string? op, Tensor g)
    {
        if (op is null) return g;
        for (int i = 1; i < g.Rank; i++)
            if (g.Dims[i] == 0)
                throw new ArgumentException($"{op}(): Expected grad_output to have non-zero size for non-batch dimensions, but grad_output has sizes {ShapeUtil.Format(g.Shape)} with dimension {i} being empty");
        return g;
    }
}
