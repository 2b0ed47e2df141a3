namespace Autograd.Oracle;

/// <summary>Keeps the configurations that crash libtorch 1.13's max_pool2d away from it.</summary>
/// <remarks>
/// Note [max_pool2d padding-only windows]: when a dilated window holds only padding (e.g. H = 2,
/// kernel 2, dilation 3, padding 1: the window reads rows -1 and 2), libtorch 1.13's CPU kernel
/// records index -1 and its backward scatters through it, corrupting the heap; the process dies
/// later, somewhere else. PyTorch's forward output there is -inf. Such a configuration is valid,
/// so ours must handle it, but it is tested on our side alone: the binding refuses it with
/// <see cref="OracleGuardException"/> (and the shim refuses it again, in case another caller
/// bypasses this check). Configurations libtorch itself rejects pass through, so error agreement
/// is still checked against libtorch.
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
                "libtorch 1.13 corrupts its heap on it, so it is not sent to libtorch (see docs/oracle.md)");
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
