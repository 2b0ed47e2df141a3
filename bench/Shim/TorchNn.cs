using Autograd.Oracle;

namespace Autograd.Bench.Shim;

// conv2d, pad and the pooling family. Optional strides are passed as "not given" (an empty
// IntArrayRef), so libtorch applies its own default (the kernel size), as torch.nn.functional does.
public static unsafe partial class Torch
{
    public static TorchTensor Conv2d(TorchTensor input, TorchTensor weight, TorchTensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1)
    {
        long[] s = Ints(stride ?? 1), p = Ints(padding?.Size ?? 0), d = Ints(dilation ?? 1);
        int mode = padding?.Mode switch
        {
            null => 0,
            "same" => 1,
            "valid" => 2,
            var m => throw new ArgumentException($"conv2d: Invalid padding string '{m}', should be one of {{'valid', 'same'}}", nameof(padding)),
        };
        return TorchTensor.Call(() =>
        {
            fixed (long* sp = s) fixed (long* pp = p) fixed (long* dp = d)
                return Native.ag_conv2d(input.Ptr, weight.Ptr, bias?.Ptr ?? 0, sp, 2, mode, pp, 2, dp, 2, groups);
        }, input, weight, bias);
    }

    /// <summary>F.pad(input, pad, mode="constant", value).</summary>
    public static TorchTensor Pad(TorchTensor input, ReadOnlySpan<int> pad, double value = 0)
    {
        long[] p = TorchTensor.Longs(pad);
        return TorchTensor.Call(() => { fixed (long* pp = p) return Native.ag_pad(input.Ptr, pp, p.Length, value); }, input);
    }

    public static TorchTensor MaxPool2d(TorchTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? dilation = null, bool ceilMode = false)
        => MaxPool(input, kernelSize, stride, padding, dilation, ceilMode, withIndices: false).Output;

    public static (TorchTensor Output, int[] Indices) MaxPool2dWithIndices(TorchTensor input, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        var (o, i) = MaxPool(input, kernelSize, stride, padding, dilation, ceilMode, withIndices: true);
        return (o, i!);
    }

    public static TorchTensor AvgPool2d(TorchTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        long[] k = Ints(kernelSize), s = stride is { } st ? Ints(st) : [], p = Ints(padding ?? 0);
        return TorchTensor.Call(() =>
        {
            fixed (long* kp = k) fixed (long* sp = s) fixed (long* pp = p)
                return Native.ag_avg_pool2d(input.Ptr, kp, 2, sp, s.Length, pp, 2, ceilMode ? 1 : 0, countIncludePad ? 1 : 0,
                    divisorOverride.HasValue ? 1 : 0, divisorOverride ?? 0);
        }, input);
    }

    public static TorchTensor LpPool2d(TorchTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false)
    {
        long[] k = Ints(kernelSize), s = stride is { } st ? Ints(st) : [];
        return TorchTensor.Call(() =>
        {
            fixed (long* kp = k) fixed (long* sp = s)
                return Native.ag_lp_pool2d(input.Ptr, normType, kp, 2, sp, s.Length, ceilMode ? 1 : 0);
        }, input);
    }

    public static TorchTensor AdaptiveAvgPool2d(TorchTensor input, Pair outputSize)
    {
        long[] o = Ints(outputSize);
        return TorchTensor.Call(() => { fixed (long* op = o) return Native.ag_adaptive_avg_pool2d(input.Ptr, op, 2); }, input);
    }

    public static TorchTensor AdaptiveMaxPool2d(TorchTensor input, Pair outputSize) => AdaptiveMaxPool2dWithIndices(input, outputSize).Output;

    public static (TorchTensor Output, int[] Indices) AdaptiveMaxPool2dWithIndices(TorchTensor input, Pair outputSize)
    {
        long[] o = Ints(outputSize);
        nint output = 0, indices = 0;
        int rc;
        fixed (long* op = o) rc = Native.ag_adaptive_max_pool2d(input.Ptr, op, 2, &output, &indices);
        GC.KeepAlive(input);
        Check.Status(rc);
        using var idx = TorchTensor.Adopt(indices);
        return (TorchTensor.Adopt(output), idx.ToIndices());
    }

    /// <summary>F.max_unpool2d; indices are laid out like input (flat in each output plane).</summary>
    public static TorchTensor MaxUnpool2d(TorchTensor input, int[] indices, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, int[]? outputSize = null)
    {
        long[] k = Ints(kernelSize), s = stride is { } st ? Ints(st) : [], p = Ints(padding ?? 0);
        long[] o = outputSize is null ? [] : TorchTensor.Longs(outputSize);
        using var idx = TorchTensor.FromIndices(indices, indices.Length == input.Numel ? input.Shape : [indices.Length]);
        return TorchTensor.Call(() =>
        {
            fixed (long* kp = k) fixed (long* sp = s) fixed (long* pp = p) fixed (long* op = o)
                return Native.ag_max_unpool2d(input.Ptr, idx.Ptr, kp, 2, sp, s.Length, pp, 2, op, o.Length);
        }, input, idx);
    }

    private static (TorchTensor Output, int[]? Indices) MaxPool(TorchTensor input, Pair kernelSize, Pair? stride, Pair? padding,
        Pair? dilation, bool ceilMode, bool withIndices)
    {
        var shape = input.Shape;
        MaxPoolGuard.ThrowIfUnsafe(shape, kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1, ceilMode);
        long[] k = Ints(kernelSize), s = stride is { } st ? Ints(st) : [], p = Ints(padding ?? 0), d = Ints(dilation ?? 1);
        nint output = 0, indices = 0;
        int rc;
        fixed (long* kp = k) fixed (long* sp = s) fixed (long* pp = p) fixed (long* dp = d)
            rc = Native.ag_max_pool2d(input.Ptr, kp, 2, sp, s.Length, pp, 2, dp, 2, ceilMode ? 1 : 0, &output, withIndices ? &indices : null);
        GC.KeepAlive(input);
        Check.Status(rc);
        if (!withIndices) return (TorchTensor.Adopt(output), null);
        using var idx = TorchTensor.Adopt(indices);
        return (TorchTensor.Adopt(output), idx.ToIndices());
    }

    private static long[] Ints(Pair p) => [p.H, p.W];
}
