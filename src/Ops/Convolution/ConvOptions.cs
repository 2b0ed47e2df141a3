namespace Autograd;

/// <summary>
/// A conv2d call's options as given (not resolved into per-side padding), so the double-backward ops
/// can call F.Conv2d again with the same geometry on tensors of the original shapes.
/// </summary>
/// <see cref="Fixed"/>, when set, is a geometry that F.Conv2d's arguments cannot express (the asymmetric
/// padding of a transposed convolution with output_padding, Note [conv_transpose2d as an input gradient]):
/// the forward convolution then runs on it directly.
internal readonly record struct ConvOptions(Pair Stride, Padding Padding, Pair Dilation, int Groups, ConvGeometry? Fixed = null)
{
    /// <summary>F.Conv2d(input, weight) without bias, with these options.</summary>
    internal Tensor Conv(Tensor input, Tensor weight) => Fixed is { } geo
        ? F.ConvWithGeometry(input, weight, geo, this)
        : F.Conv2d(input, weight, null, Stride, Padding, Dilation, Groups);
}
