using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

// conv2d, pad and the pooling family through TorchSharp.
public sealed partial class TorchSharpBackend
{
    public OracleTensor Conv2d(OracleTensor input, OracleTensor weight, OracleTensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1)
    {
        long[] s = Ints(stride ?? 1), d = Ints(dilation ?? 1);
        var (x, w, b) = (U(input), U(weight), Opt(bias));
        // libtorch 2.10's float32 conv2d hands a zero-size kernel to oneDNN, whose error is thrown where
        // nothing catches it: the process terminates. float64 rejects it ("kernel size should be greater
        // than zero"), as 1.13 did for both; so PyTorch rejects it, and float32 is refused here.
        if (w.dtype == TorchApi.ScalarType.Float32 && w.dim() == 4 && (w.shape[2] == 0 || w.shape[3] == 0))
            throw new OracleGuardException($"oracle guard: conv2d with a zero-size kernel [{string.Join(", ", w.shape)}] in float32 terminates " +
                "libtorch 2.10's process (an uncaught oneDNN error); PyTorch rejects it (float64: \"kernel size should be greater than zero\")",
                "float32 zero-size kernel: libtorch 2.10 terminates on it", libtorchRejects: true);
        // Note [oneDNN and huge strides]: libtorch's float32 CPU convolution goes through oneDNN, whose
        // backward with a batch of 2 or more and a huge stride kills the process (a 2×3×5×4 input, 2×2
        // kernel, stride 262144; fuzz seed 4 case 366: 2×3×3×3, 2×3 kernel, padding 3, stride 65536),
        // and whose input gradient at strides near int.MaxValue is wrong (seen with 1.13: fuzz seed 5
        // case 3023). Its float64 path is right, so float32 convolutions with a stride beyond 4096 (no
        // real network's) are refused here: the oracle grids compare those geometries in float64, and
        // the fuzz test re-checks float32 cases in float64.
        if (w.dtype == TorchApi.ScalarType.Float32 && s.Any(v => v > 4096))
            throw new OracleGuardException($"oracle guard: float32 conv2d with stride ({string.Join(", ", s)}): libtorch's oneDNN path " +
                "terminates the process or miscomputes gradients at huge strides (Note [oneDNN and huge strides]); compare it in float64",
                "float32 stride beyond 4096: oneDNN terminates or miscomputes");
        return padding?.Mode switch
        {
            null => Op(() => TorchApi.nn.functional.conv2d(x, w, b, s, Ints(padding?.Size ?? 0), d, groups)),
            "same" => Op(() => TorchApi.nn.functional.conv2d_padding(x, w, b, s, global::TorchSharp.Padding.Same, d, groups)),
            "valid" => Op(() => TorchApi.nn.functional.conv2d_padding(x, w, b, s, global::TorchSharp.Padding.Valid, d, groups)),
            var m => throw new TorchException($"Invalid padding string '{m}', should be one of ['valid', 'same']"),
        };
    }

    /// <summary>F.pad(input, pad, mode="constant", value).</summary>
    public OracleTensor Pad(OracleTensor input, int[] pad, double value = 0)
        => Op(() => TorchApi.nn.functional.pad(U(input), Longs(pad), global::TorchSharp.PaddingModes.Constant, value));

    public OracleTensor MaxPool2d(OracleTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? dilation = null, bool ceilMode = false)
    {
        var x = U(input);
        GuardMaxPool(x, kernelSize, stride, padding, dilation, ceilMode);
        return Op(() => TorchApi.nn.functional.max_pool2d(x, Ints(kernelSize), Ints(stride ?? kernelSize), Ints(padding ?? 0), Ints(dilation ?? 1), ceilMode));
    }

    public (OracleTensor Output, int[] Indices) MaxPool2dWithIndices(OracleTensor input, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        var x = U(input);
        GuardMaxPool(x, kernelSize, stride, padding, dilation, ceilMode);
        return WithIndices(() => TorchApi.nn.functional.max_pool2d_with_indices(x, Ints(kernelSize), Ints(stride ?? kernelSize), Ints(padding ?? 0), Ints(dilation ?? 1), ceilMode));
    }

    public OracleTensor AvgPool2d(OracleTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        // TorchSharp passes divisor_override 0 as "no override", so libtorch never sees the 0 that PyTorch
        // rejects ("divisor must be not zero"); the configuration is refused here instead.
        if (divisorOverride == 0)
            throw new OracleGuardException("oracle guard: avg_pool2d with divisor_override=0 cannot be expressed through TorchSharp (it means None there); " +
                "PyTorch rejects it (\"divisor must be not zero\")", "divisor_override=0: TorchSharp passes it as None", libtorchRejects: true);
        var x = U(input);
        return Op(() => TorchApi.nn.functional.avg_pool2d(x, Ints(kernelSize), Ints(stride ?? kernelSize), Ints(padding ?? 0), ceilMode, countIncludePad, divisorOverride));
    }

    /// <summary>
    /// F.lp_pool2d composed as functional.py does (TorchSharp's goes through the C++ frontend, which takes
    /// 1 / 0 as ∞ where Python raises): avg_pool2d(x^p), then (sign(out)·relu(|out|))·(kw·kh), then ^(1/p).
    /// </summary>
    public OracleTensor LpPool2d(OracleTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false)
    {
        if (normType == 0) throw new TorchException("float division by zero (lp_pool2d's 1.0 / norm_type in functional.py)");
        var x = U(input);
        return Op(() =>
        {
            using var powered = x.pow(normType);
            using var avg = TorchApi.nn.functional.avg_pool2d(powered, Ints(kernelSize), Ints(stride ?? kernelSize), [0, 0], ceilMode);
            using var sign = avg.sign();
            using var abs = avg.abs();
            using var relu = TorchApi.nn.functional.relu(abs);
            using var prod = sign.mul(relu);
            using var scaled = prod.mul((double)kernelSize.H * kernelSize.W);
            return scaled.pow(1.0 / normType);
        });
    }

    public OracleTensor AdaptiveAvgPool2d(OracleTensor input, Pair outputSize)
        => Op(() => TorchApi.nn.functional.adaptive_avg_pool2d(U(input), Ints(outputSize)));

    public OracleTensor AdaptiveMaxPool2d(OracleTensor input, Pair outputSize) => AdaptiveMaxPool2dWithIndices(input, outputSize).Output;

    public (OracleTensor Output, int[] Indices) AdaptiveMaxPool2dWithIndices(OracleTensor input, Pair outputSize)
        => WithIndices(() => TorchApi.nn.functional.adaptive_max_pool2d_with_indices(U(input), Ints(outputSize)));

    /// <summary>
    /// F.max_unpool2d. The output size is computed and checked here as functional.py's _unpool_output_size
    /// does (strict bounds, 2 or 4 elements), then passed whole, so TorchSharp's C++-frontend defaults
    /// (its stride is only forwarded together with a padding) cannot change the result.
    /// </summary>
    public OracleTensor MaxUnpool2d(OracleTensor input, int[] indices, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, int[]? outputSize = null)
    {
        var x = U(input);
        Pair s = stride ?? kernelSize, p = padding ?? 0;
        long[] size = UnpoolOutputSize(x.shape, kernelSize, s, p, outputSize);
        using var idx = TorchApi.tensor(Longs(indices), indices.Length == x.numel() ? x.shape : [indices.Length], TorchApi.ScalarType.Int64);
        return Op(() => TorchApi.nn.functional.max_unpool2d(x, idx, Ints(kernelSize), Ints(s), Ints(p), size));
    }

    /// <summary>torch.nn.functional._unpool_output_size, with its ValueError messages.</summary>
    private static long[] UnpoolOutputSize(long[] shape, Pair k, Pair s, Pair p, int[]? outputSize)
    {
        if (shape.Length < 2) throw new TorchException("max_unpool2d: input must have at least 2 dims");
        long[] dflt = [(shape[^2] - 1) * s.H + k.H - 2L * p.H, (shape[^1] - 1) * s.W + k.W - 2L * p.W];
        if (outputSize is null) return [1, 1, dflt[0], dflt[1]];
        int[] o = outputSize.Length == 4 ? outputSize[2..] : outputSize;
        if (o.Length != 2)
            throw new TorchException($"output_size should be a sequence containing 2 or 4 elements, but it has a length of '{outputSize.Length}'");
        long[] strides = [s.H, s.W];
        for (int d = 0; d < 2; d++)
        {
            long lo = dflt[d] - strides[d], hi = dflt[d] + strides[d];
            if (!(lo < o[d] && o[d] < hi)) throw new TorchException($"invalid output_size (dim {d} must be between {lo} and {hi})");
        }
        // Four elements: TorchSharp's C++-frontend path drops a two-element output_size (it keeps only
        // the last two of a four-element one), so the leading pair is a placeholder it ignores.
        return [1, 1, o[0], o[1]];
    }

    /// <summary>Windows of padding only (Note [Window of padding only]): refused before libtorch sees them (<see cref="MaxPoolGuard"/>).</summary>
    private static void GuardMaxPool(TorchTensor x, Pair kernel, Pair? stride, Pair? padding, Pair? dilation, bool ceilMode)
    {
        var shape = Array.ConvertAll(x.shape, d => d > int.MaxValue ? int.MaxValue : (int)d);
        MaxPoolGuard.ThrowIfUnsafe(shape, kernel, stride ?? kernel, padding ?? 0, dilation ?? 1, ceilMode);
    }

    private static long[] Ints(Pair p) => [p.H, p.W];
}
