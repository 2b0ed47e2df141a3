using System.Runtime.InteropServices;

namespace Autograd.Bench.Shim;

/// <summary>The shim's C ABI (native/include/autograd_oracle.h), one declaration per function.</summary>
/// <remarks>
/// Handles are raw pointers here; <see cref="TorchTensor"/> owns them. Calls that fail return
/// <c>0</c> (handles) or <c>-1</c> (status) and leave the message in <see cref="ag_last_error"/>.
/// The library is found by <see cref="OracleLibrary"/>'s resolver, never by the default probing.
/// </remarks>
internal static unsafe partial class Native
{
    internal const string Lib = "autograd_oracle";

    [LibraryImport(Lib)] internal static partial nint ag_last_error();
    [LibraryImport(Lib)] internal static partial nint ag_version();
    [LibraryImport(Lib)] internal static partial int ag_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int ag_get_num_threads();

    [LibraryImport(Lib)] internal static partial nint ag_from_f32(float* data, long* shape, int ndim, int requiresGrad);
    [LibraryImport(Lib)] internal static partial nint ag_from_f64(double* data, long* shape, int ndim, int requiresGrad);
    [LibraryImport(Lib)] internal static partial nint ag_from_i64(long* data, long* shape, int ndim);
    [LibraryImport(Lib)] internal static partial void ag_free(nint t);
    [LibraryImport(Lib)] internal static partial int ag_dtype(nint t);
    [LibraryImport(Lib)] internal static partial int ag_ndim(nint t);
    [LibraryImport(Lib)] internal static partial int ag_shape(nint t, long* shape);
    [LibraryImport(Lib)] internal static partial long ag_numel(nint t);
    [LibraryImport(Lib)] internal static partial int ag_read_f64(nint t, double* data, long n);
    [LibraryImport(Lib)] internal static partial int ag_read_f32(nint t, float* data, long n);
    [LibraryImport(Lib)] internal static partial int ag_read_i64(nint t, long* data, long n);
    [LibraryImport(Lib)] internal static partial int ag_requires_grad(nint t);
    [LibraryImport(Lib)] internal static partial int ag_set_requires_grad(nint t, int value);
    [LibraryImport(Lib)] internal static partial int ag_grad(nint t, nint* grad);
    [LibraryImport(Lib)] internal static partial int ag_zero_grad(nint t);
    [LibraryImport(Lib)] internal static partial int ag_backward(nint root, nint gradient, int retainGraph);
    [LibraryImport(Lib)] internal static partial nint ag_detach(nint t);
    [LibraryImport(Lib)] internal static partial nint ag_to_dtype(nint t, int dtype);

    [LibraryImport(Lib)] internal static partial nint ag_add(nint a, nint b);
    [LibraryImport(Lib)] internal static partial nint ag_sub(nint a, nint b);
    [LibraryImport(Lib)] internal static partial nint ag_mul(nint a, nint b);
    [LibraryImport(Lib)] internal static partial nint ag_div(nint a, nint b);
    [LibraryImport(Lib)] internal static partial nint ag_add_scalar(nint a, double b);
    [LibraryImport(Lib)] internal static partial nint ag_sub_scalar(nint a, double b);
    [LibraryImport(Lib)] internal static partial nint ag_mul_scalar(nint a, double b);
    [LibraryImport(Lib)] internal static partial nint ag_div_scalar(nint a, double b);
    [LibraryImport(Lib)] internal static partial nint ag_neg(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_pow(nint x, double exponent);
    [LibraryImport(Lib)] internal static partial nint ag_exp(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_log(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_sqrt(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_abs(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_relu(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_sigmoid(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_tanh(nint x);

    [LibraryImport(Lib)] internal static partial nint ag_sum(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_sum_dims(nint x, long* dims, int ndims, int keepDim);
    [LibraryImport(Lib)] internal static partial nint ag_mean(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_mean_dims(nint x, long* dims, int ndims, int keepDim);
    [LibraryImport(Lib)] internal static partial nint ag_max_all(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_min_all(nint x);
    [LibraryImport(Lib)] internal static partial int ag_max_dim(nint x, long dim, int keepDim, nint* values, nint* indices);
    [LibraryImport(Lib)] internal static partial int ag_min_dim(nint x, long dim, int keepDim, nint* values, nint* indices);

    [LibraryImport(Lib)] internal static partial nint ag_reshape(nint x, long* shape, int ndim);
    [LibraryImport(Lib)] internal static partial nint ag_view(nint x, long* shape, int ndim);
    [LibraryImport(Lib)] internal static partial nint ag_flatten(nint x, long startDim, long endDim);
    [LibraryImport(Lib)] internal static partial nint ag_permute(nint x, long* dims, int ndims);
    [LibraryImport(Lib)] internal static partial nint ag_transpose(nint x, long dim0, long dim1);
    [LibraryImport(Lib)] internal static partial nint ag_unsqueeze(nint x, long dim);
    [LibraryImport(Lib)] internal static partial nint ag_squeeze(nint x);
    [LibraryImport(Lib)] internal static partial nint ag_squeeze_dim(nint x, long dim);

    [LibraryImport(Lib)] internal static partial nint ag_matmul(nint a, nint b);
    [LibraryImport(Lib)] internal static partial nint ag_linear(nint x, nint weight, nint bias);
    [LibraryImport(Lib)] internal static partial nint ag_softmax(nint x, long dim);
    [LibraryImport(Lib)] internal static partial nint ag_log_softmax(nint x, long dim);
    [LibraryImport(Lib)] internal static partial nint ag_cross_entropy(nint input, nint target, int reduction, long ignoreIndex);
    [LibraryImport(Lib)] internal static partial nint ag_mse_loss(nint input, nint target, int reduction);

    [LibraryImport(Lib)]
    internal static partial nint ag_conv2d(nint input, nint weight, nint bias, long* stride, int nstride, int paddingMode,
        long* padding, int npadding, long* dilation, int ndilation, long groups);
    [LibraryImport(Lib)] internal static partial nint ag_pad(nint x, long* pad, int npad, double value);

    [LibraryImport(Lib)]
    internal static partial int ag_max_pool2d(nint x, long* kernel, int nkernel, long* stride, int nstride,
        long* padding, int npadding, long* dilation, int ndilation, int ceilMode, nint* output, nint* indices);
    [LibraryImport(Lib)]
    internal static partial nint ag_avg_pool2d(nint x, long* kernel, int nkernel, long* stride, int nstride,
        long* padding, int npadding, int ceilMode, int countIncludePad, int hasDivisor, long divisor);
    [LibraryImport(Lib)]
    internal static partial nint ag_lp_pool2d(nint x, double normType, long* kernel, int nkernel, long* stride, int nstride, int ceilMode);
    [LibraryImport(Lib)] internal static partial nint ag_adaptive_avg_pool2d(nint x, long* outputSize, int n);
    [LibraryImport(Lib)] internal static partial int ag_adaptive_max_pool2d(nint x, long* outputSize, int n, nint* output, nint* indices);
    [LibraryImport(Lib)]
    internal static partial nint ag_max_unpool2d(nint x, nint indices, long* kernel, int nkernel, long* stride, int nstride,
        long* padding, int npadding, long* outputSize, int noutput);
}
