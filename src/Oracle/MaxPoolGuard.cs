namespace Autograd.Oracle;

/// <summary>Keeps the configurations that make libtorch's max_pool2d write out of bounds away from it.</summary>
/// <remarks>
/// A max-pooling window that holds only padding makes libtorch's backward write outside the plane
/// (Note [Window of padding only], src/Ops/Pooling/MaxFold.cs: what libtorch does, and what we do
/// instead). Such a configuration is tested on our side alone: <see cref="TorchSharpBackend"/> refuses it
/// with <see cref="OracleGuardException"/>. Configurations libtorch itself rejects pass through, so error
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
        if (OverflowsLibtorch(inputShape, kernel, stride, padding, dilation, ceilMode))
            throw new OracleGuardException(
                $"oracle guard: max_pool2d with kernel {kernel} and dilation {dilation}: libtorch's CPU kernel computes " +
                "(kernel − 1)·dilation in 32-bit int, which overflows here, so its windows would be wrong; not sent to libtorch (see docs/oracle.md)",
                "(kernel − 1)·dilation past int: libtorch's windows overflow");
    }

    /// <summary>
    /// Note [max_pool2d int overflow in libtorch]: libtorch's CPU max_pool2d kernel (1.13, and 2.x's cpu_max_pool
    /// still takes int kH, dilationH) holds kernel size and
    /// dilation as int and computes the window end as ih0 + (kH − 1)·dilationH + 1 in int: past
    /// int.MaxValue the window comes out empty (−inf; found by the fuzz test, Note [Fuzz test]). Ours
    /// computes in 64-bit. True for configurations libtorch accepts where that product overflows.
    /// </summary>
    public static bool OverflowsLibtorch(ReadOnlySpan<int> inputShape, Pair kernel, Pair stride, Pair padding, Pair dilation, bool ceilMode)
    {
        if (inputShape.Length is not (3 or 4) || inputShape[^3] <= 0) return false;
        if (!Accepted(inputShape[^2], kernel.H, stride.H, padding.H, dilation.H, ceilMode)
            || !Accepted(inputShape[^1], kernel.W, stride.W, padding.W, dilation.W, ceilMode)) return false;
        return (long)(kernel.H - 1) * dilation.H + 1 > int.MaxValue || (long)(kernel.W - 1) * dilation.W + 1 > int.MaxValue;
    }

    /// <summary>PyTorch's pooling output size (Pool.h, pooling_output_shape_pad_lr), in 64-bit.</summary>
    public static long OutputSize(long input, long kernel, long pad, long stride, long dilation, bool ceilMode)
    {
        long num = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long output = (long)Math.Floor((double)num / stride) + 1;
        if (ceilMode && (output - 1) * stride >= input + pad) output--;
        return output;
    }

    private static bool Accepted(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
        => kernel > 0 && stride > 0 && dilation > 0 && pad >= 0 && pad <= kernel / 2 && input > 0
           && OutputSize(input, kernel, pad, stride, dilation, ceilMode) >= 1;

    /// <summary>Whether some window holds no real cell: its first tap at or past 0 (closed form, 64-bit) is past the input or the kernel.</summary>
    private static bool Dim(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        long outputs = OutputSize(input, kernel, pad, stride, dilation, ceilMode);
        for (long o = 0; o < outputs; o++)
        {
            long start = o * stride - pad;
            long first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;   // first tap at position >= 0
            if (first >= kernel || start + first * dilation >= input) return true;
        }
        return false;
    }
}
