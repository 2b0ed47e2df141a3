namespace Autograd.Oracle;

/// <summary>Keeps the configurations that make libtorch's max_pool2d write out of bounds away from it.</summary>
/// <remarks>
/// Note [max_pool2d padding-only windows]: when a dilated window holds only padding (e.g. H = 2,
/// kernel 2, dilation 3, padding 1: the window reads rows -1 and 2), libtorch's CPU kernel has no
/// input cell to pick. 1.13 recorded index -1, 2.10 records the window's first clipped position,
/// which lies outside the plane (6 in a 2×2 plane for that example); either way its backward then
/// scatters the gradient through that index, outside the plane: into another plane's gradient or past
/// the buffer, corrupting the heap (1.13's process died later, somewhere else). PyTorch's forward
/// output there is -inf. Such a configuration is valid, so ours must handle it (output -inf, index -1,
/// no gradient), but it is tested on our side alone: <see cref="TorchSharpEngine"/> refuses it with
/// <see cref="OracleGuardException"/>. Configurations libtorch itself rejects pass through, so error
/// agreement is still checked against libtorch.
/// </remarks>
public static class MaxPoolGuard
{
    /// <summary>True when some max-pooling window of this configuration covers only padding.</summary>
    public static bool HasPaddingOnlyWindow(ReadOnlySpan<int> inputShape, Pair kernel, Pair stride, Pair padding, Pair dilation, bool ceilMode)
    {
        if (inputShape.Length is not (3 or 4) || inputShape[^3] <= 0) return false;   // zero channels: libtorch rejects
        // Arguments libtorch rejects (in either dim) are left to libtorch, which validates both dims
        // before it pools: a valid H must not make the guard claim a configuration with a bad W.
        if (!Accepted(inputShape[^2], kernel.H, stride.H, padding.H, dilation.H, ceilMode)
            || !Accepted(inputShape[^1], kernel.W, stride.W, padding.W, dilation.W, ceilMode)) return false;
        return Dim(inputShape[^2], kernel.H, stride.H, padding.H, dilation.H, ceilMode)
            || Dim(inputShape[^1], kernel.W, stride.W, padding.W, dilation.W, ceilMode);
    }

    public static void ThrowIfUnsafe(ReadOnlySpan<int> inputShape, Pair kernel, Pair stride, Pair padding, Pair dilation, bool ceilMode)
    {
        if (HasPaddingOnlyWindow(inputShape, kernel, stride, padding, dilation, ceilMode))
            throw new OracleGuardException(
                $"oracle guard: max_pool2d on input [{string.Join(", ", inputShape.ToArray())}] with kernel {kernel}, stride {stride}, " +
                $"padding {padding}, dilation {dilation}, ceil_mode={ceilMode} has a window covering only padding; " +
                "libtorch's backward writes outside the plane on it, so it is not sent to libtorch (see docs/oracle.md)",
                "padding-only window: libtorch's backward writes out of bounds");
    }

    /// <summary>PyTorch's pooling output size (Pool.h, pooling_output_shape_pad_lr).</summary>
    public static int OutputSize(int input, int kernel, int pad, int stride, int dilation, bool ceilMode)
    {
        int num = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        int output = (int)Math.Floor((double)num / stride) + 1;
        if (ceilMode && (output - 1) * stride >= input + pad) output--;
        return output;
    }

    private static bool Accepted(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
        => kernel > 0 && stride > 0 && dilation > 0 && pad >= 0 && pad <= kernel / 2 && input > 0
           && OutputSize(input, kernel, pad, stride, dilation, ceilMode) >= 1;

    private static bool Dim(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        int outputs = OutputSize(input, kernel, pad, stride, dilation, ceilMode);
        for (int o = 0; o < outputs; o++)
        {
            bool any = false;
            for (int i = 0; i < kernel && !any; i++)
            {
                int pos = o * stride - pad + i * dilation;
                any = pos >= 0 && pos < input;
            }
            if (!any) return true;
        }
        return false;
    }
}
