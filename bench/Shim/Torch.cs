namespace Autograd.Bench.Shim;

/// <summary>
/// libtorch's ops with our names and parameters (<see cref="F"/>'s signatures), each calling the
/// ATen function torch.nn.functional calls in PyTorch 1.13. Results are new tensors owned by the caller.
/// </summary>
public static unsafe partial class Torch
{
    public static TorchTensor Add(TorchTensor a, TorchTensor b) => TorchTensor.Call(() => Native.ag_add(a.Ptr, b.Ptr), a, b);
    public static TorchTensor Sub(TorchTensor a, TorchTensor b) => TorchTensor.Call(() => Native.ag_sub(a.Ptr, b.Ptr), a, b);
    public static TorchTensor Mul(TorchTensor a, TorchTensor b) => TorchTensor.Call(() => Native.ag_mul(a.Ptr, b.Ptr), a, b);
    public static TorchTensor Div(TorchTensor a, TorchTensor b) => TorchTensor.Call(() => Native.ag_div(a.Ptr, b.Ptr), a, b);
    public static TorchTensor Add(TorchTensor a, double b) => TorchTensor.Call(() => Native.ag_add_scalar(a.Ptr, b), a);
    public static TorchTensor Sub(TorchTensor a, double b) => TorchTensor.Call(() => Native.ag_sub_scalar(a.Ptr, b), a);
    public static TorchTensor Mul(TorchTensor a, double b) => TorchTensor.Call(() => Native.ag_mul_scalar(a.Ptr, b), a);
    public static TorchTensor Div(TorchTensor a, double b) => TorchTensor.Call(() => Native.ag_div_scalar(a.Ptr, b), a);
    public static TorchTensor Neg(TorchTensor x) => TorchTensor.Call(() => Native.ag_neg(x.Ptr), x);
    public static TorchTensor Pow(TorchTensor x, double exponent) => TorchTensor.Call(() => Native.ag_pow(x.Ptr, exponent), x);
    public static TorchTensor Exp(TorchTensor x) => TorchTensor.Call(() => Native.ag_exp(x.Ptr), x);
    public static TorchTensor Log(TorchTensor x) => TorchTensor.Call(() => Native.ag_log(x.Ptr), x);
    public static TorchTensor Sqrt(TorchTensor x) => TorchTensor.Call(() => Native.ag_sqrt(x.Ptr), x);
    public static TorchTensor Abs(TorchTensor x) => TorchTensor.Call(() => Native.ag_abs(x.Ptr), x);
    public static TorchTensor Relu(TorchTensor x) => TorchTensor.Call(() => Native.ag_relu(x.Ptr), x);
    public static TorchTensor Sigmoid(TorchTensor x) => TorchTensor.Call(() => Native.ag_sigmoid(x.Ptr), x);
    public static TorchTensor Tanh(TorchTensor x) => TorchTensor.Call(() => Native.ag_tanh(x.Ptr), x);

    public static TorchTensor Sum(TorchTensor x) => TorchTensor.Call(() => Native.ag_sum(x.Ptr), x);
    public static TorchTensor Mean(TorchTensor x) => TorchTensor.Call(() => Native.ag_mean(x.Ptr), x);

    public static TorchTensor Sum(TorchTensor x, ReadOnlySpan<int> dims, bool keepDim = false)
    {
        long[] d = TorchTensor.Longs(dims);
        return TorchTensor.Call(() => { fixed (long* p = d) return Native.ag_sum_dims(x.Ptr, p, d.Length, keepDim ? 1 : 0); }, x);
    }

    public static TorchTensor Mean(TorchTensor x, ReadOnlySpan<int> dims, bool keepDim = false)
    {
        long[] d = TorchTensor.Longs(dims);
        return TorchTensor.Call(() => { fixed (long* p = d) return Native.ag_mean_dims(x.Ptr, p, d.Length, keepDim ? 1 : 0); }, x);
    }

    public static TorchTensor Max(TorchTensor x) => TorchTensor.Call(() => Native.ag_max_all(x.Ptr), x);
    public static TorchTensor Min(TorchTensor x) => TorchTensor.Call(() => Native.ag_min_all(x.Ptr), x);

    public static (TorchTensor Values, int[] Indices) Max(TorchTensor x, int dim, bool keepDim = false)
        => Pair2(x, (v, i) => Native.ag_max_dim(x.Ptr, dim, keepDim ? 1 : 0, v, i));

    public static (TorchTensor Values, int[] Indices) Min(TorchTensor x, int dim, bool keepDim = false)
        => Pair2(x, (v, i) => Native.ag_min_dim(x.Ptr, dim, keepDim ? 1 : 0, v, i));

    public static TorchTensor Reshape(TorchTensor x, ReadOnlySpan<int> shape)
    {
        long[] s = TorchTensor.Longs(shape);
        return TorchTensor.Call(() => { fixed (long* p = s) return Native.ag_reshape(x.Ptr, p, s.Length); }, x);
    }

    public static TorchTensor View(TorchTensor x, ReadOnlySpan<int> shape)
    {
        long[] s = TorchTensor.Longs(shape);
        return TorchTensor.Call(() => { fixed (long* p = s) return Native.ag_view(x.Ptr, p, s.Length); }, x);
    }

    public static TorchTensor Flatten(TorchTensor x, int startDim = 0, int endDim = -1)
        => TorchTensor.Call(() => Native.ag_flatten(x.Ptr, startDim, endDim), x);

    public static TorchTensor Permute(TorchTensor x, ReadOnlySpan<int> dims)
    {
        long[] d = TorchTensor.Longs(dims);
        return TorchTensor.Call(() => { fixed (long* p = d) return Native.ag_permute(x.Ptr, p, d.Length); }, x);
    }

    public static TorchTensor Transpose(TorchTensor x, int dim0, int dim1) => TorchTensor.Call(() => Native.ag_transpose(x.Ptr, dim0, dim1), x);
    public static TorchTensor Unsqueeze(TorchTensor x, int dim) => TorchTensor.Call(() => Native.ag_unsqueeze(x.Ptr, dim), x);
    public static TorchTensor Squeeze(TorchTensor x) => TorchTensor.Call(() => Native.ag_squeeze(x.Ptr), x);
    public static TorchTensor Squeeze(TorchTensor x, int dim) => TorchTensor.Call(() => Native.ag_squeeze_dim(x.Ptr, dim), x);

    public static TorchTensor Matmul(TorchTensor a, TorchTensor b) => TorchTensor.Call(() => Native.ag_matmul(a.Ptr, b.Ptr), a, b);

    public static TorchTensor Linear(TorchTensor x, TorchTensor weight, TorchTensor? bias = null)
        => TorchTensor.Call(() => Native.ag_linear(x.Ptr, weight.Ptr, bias?.Ptr ?? 0), x, weight, bias);

    public static TorchTensor Softmax(TorchTensor x, int dim) => TorchTensor.Call(() => Native.ag_softmax(x.Ptr, dim), x);
    public static TorchTensor LogSoftmax(TorchTensor x, int dim) => TorchTensor.Call(() => Native.ag_log_softmax(x.Ptr, dim), x);

    /// <summary>F.cross_entropy with class indices; target is 0-dim for unbatched (C) input, like PyTorch.</summary>
    public static TorchTensor CrossEntropy(TorchTensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        using var t = TorchTensor.FromIndices(target, input.Shape.Length == 1 && target.Length == 1 ? [] : [target.Length]);
        return TorchTensor.Call(() => Native.ag_cross_entropy(input.Ptr, t.Ptr, ReductionCode(reduction), ignoreIndex), input, t);
    }

    public static TorchTensor MseLoss(TorchTensor input, TorchTensor target, Reduction reduction = Reduction.Mean)
        => TorchTensor.Call(() => Native.ag_mse_loss(input.Ptr, target.Ptr, ReductionCode(reduction)), input, target);

    private static int ReductionCode(Reduction r) => r switch
    {
        Reduction.None => 0,
        Reduction.Mean => 1,
        Reduction.Sum => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(r), r, "unknown reduction"),
    };

    private delegate int TwoOutputs(nint* first, nint* second);

    /// <summary>Calls a native op with two outputs (values, int64 indices); reads and frees the indices.</summary>
    private static (TorchTensor, int[]) Pair2(TorchTensor keep, TwoOutputs call)
    {
        nint v = 0, i = 0;
        int rc = call(&v, &i);
        GC.KeepAlive(keep);
        Check.Status(rc);
        using var idx = TorchTensor.Adopt(i);
        return (TorchTensor.Adopt(v), idx.ToIndices());
    }
}
