/* The libtorch oracle's C ABI (see docs/oracle.md).
 *
 * Tensors are opaque handles owning one at::Tensor each; every handle a function returns must be
 * released with ag_free. A function that fails returns NULL (handle results) or -1 (status results)
 * and leaves libtorch's message, without its C++ backtrace, in ag_last_error() for the calling
 * thread. No C++ exception ever crosses this boundary.
 *
 * Int-array parameters come as (pointer, length); length 0 means "not given" where PyTorch's
 * argument is optional (stride defaults to the kernel size, exactly as torch does it). */
#ifndef AUTOGRAD_ORACLE_H
#define AUTOGRAD_ORACLE_H

#include <stdint.h>

#ifdef __cplusplus
#define AG_API extern "C" __attribute__((visibility("default")))
#else
#define AG_API __attribute__((visibility("default")))
#endif

typedef struct ag_tensor ag_tensor;

/* dtype codes */
enum { AG_FLOAT32 = 0, AG_FLOAT64 = 1, AG_INT64 = 2 };
/* loss reductions, numbered as at::Reduction */
enum { AG_REDUCTION_NONE = 0, AG_REDUCTION_MEAN = 1, AG_REDUCTION_SUM = 2 };
/* conv2d padding modes */
enum { AG_PAD_EXPLICIT = 0, AG_PAD_SAME = 1, AG_PAD_VALID = 2 };

/* runtime */
AG_API const char* ag_last_error(void);
AG_API const char* ag_version(void);
AG_API int ag_set_num_threads(int n);
AG_API int ag_get_num_threads(void);

/* tensors */
AG_API ag_tensor* ag_from_f32(const float* data, const int64_t* shape, int ndim, int requires_grad);
AG_API ag_tensor* ag_from_f64(const double* data, const int64_t* shape, int ndim, int requires_grad);
AG_API ag_tensor* ag_from_i64(const int64_t* data, const int64_t* shape, int ndim);
AG_API void ag_free(ag_tensor* t);
AG_API int ag_dtype(const ag_tensor* t);
AG_API int ag_ndim(const ag_tensor* t);
AG_API int ag_shape(const ag_tensor* t, int64_t* out);
AG_API int64_t ag_numel(const ag_tensor* t);
AG_API int ag_read_f64(const ag_tensor* t, double* out, int64_t n);
AG_API int ag_read_f32(const ag_tensor* t, float* out, int64_t n);
AG_API int ag_read_i64(const ag_tensor* t, int64_t* out, int64_t n);
AG_API int ag_requires_grad(const ag_tensor* t);
AG_API int ag_set_requires_grad(ag_tensor* t, int value);
AG_API int ag_grad(const ag_tensor* t, ag_tensor** out); /* *out = NULL when .grad is undefined */
AG_API int ag_zero_grad(ag_tensor* t);
AG_API int ag_backward(const ag_tensor* root, const ag_tensor* gradient /* nullable */, int retain_graph);
AG_API ag_tensor* ag_detach(const ag_tensor* t);
AG_API ag_tensor* ag_to_dtype(const ag_tensor* t, int dtype);

/* elementwise */
AG_API ag_tensor* ag_add(const ag_tensor* a, const ag_tensor* b);
AG_API ag_tensor* ag_sub(const ag_tensor* a, const ag_tensor* b);
AG_API ag_tensor* ag_mul(const ag_tensor* a, const ag_tensor* b);
AG_API ag_tensor* ag_div(const ag_tensor* a, const ag_tensor* b);
AG_API ag_tensor* ag_add_scalar(const ag_tensor* a, double b);
AG_API ag_tensor* ag_sub_scalar(const ag_tensor* a, double b);
AG_API ag_tensor* ag_mul_scalar(const ag_tensor* a, double b);
AG_API ag_tensor* ag_div_scalar(const ag_tensor* a, double b);
AG_API ag_tensor* ag_neg(const ag_tensor* x);
AG_API ag_tensor* ag_pow(const ag_tensor* x, double exponent);
AG_API ag_tensor* ag_exp(const ag_tensor* x);
AG_API ag_tensor* ag_log(const ag_tensor* x);
AG_API ag_tensor* ag_sqrt(const ag_tensor* x);
AG_API ag_tensor* ag_abs(const ag_tensor* x);
AG_API ag_tensor* ag_relu(const ag_tensor* x);
AG_API ag_tensor* ag_sigmoid(const ag_tensor* x);
AG_API ag_tensor* ag_tanh(const ag_tensor* x);

/* reductions */
AG_API ag_tensor* ag_sum(const ag_tensor* x);
AG_API ag_tensor* ag_sum_dims(const ag_tensor* x, const int64_t* dims, int ndims, int keepdim);
AG_API ag_tensor* ag_mean(const ag_tensor* x);
AG_API ag_tensor* ag_mean_dims(const ag_tensor* x, const int64_t* dims, int ndims, int keepdim);
AG_API ag_tensor* ag_max_all(const ag_tensor* x);
AG_API ag_tensor* ag_min_all(const ag_tensor* x);
AG_API int ag_max_dim(const ag_tensor* x, int64_t dim, int keepdim, ag_tensor** values, ag_tensor** indices);
AG_API int ag_min_dim(const ag_tensor* x, int64_t dim, int keepdim, ag_tensor** values, ag_tensor** indices);

/* shape */
AG_API ag_tensor* ag_reshape(const ag_tensor* x, const int64_t* shape, int ndim);
AG_API ag_tensor* ag_view(const ag_tensor* x, const int64_t* shape, int ndim);
AG_API ag_tensor* ag_flatten(const ag_tensor* x, int64_t start_dim, int64_t end_dim);
AG_API ag_tensor* ag_permute(const ag_tensor* x, const int64_t* dims, int ndims);
AG_API ag_tensor* ag_transpose(const ag_tensor* x, int64_t dim0, int64_t dim1);
AG_API ag_tensor* ag_unsqueeze(const ag_tensor* x, int64_t dim);
AG_API ag_tensor* ag_squeeze(const ag_tensor* x);
AG_API ag_tensor* ag_squeeze_dim(const ag_tensor* x, int64_t dim);

/* linear algebra, softmax, losses */
AG_API ag_tensor* ag_matmul(const ag_tensor* a, const ag_tensor* b);
AG_API ag_tensor* ag_linear(const ag_tensor* x, const ag_tensor* weight, const ag_tensor* bias /* nullable */);
AG_API ag_tensor* ag_softmax(const ag_tensor* x, int64_t dim);
AG_API ag_tensor* ag_log_softmax(const ag_tensor* x, int64_t dim);
AG_API ag_tensor* ag_cross_entropy(const ag_tensor* input, const ag_tensor* target /* int64 */, int reduction,
                                   int64_t ignore_index);
AG_API ag_tensor* ag_mse_loss(const ag_tensor* input, const ag_tensor* target, int reduction);

/* convolution and padding */
AG_API ag_tensor* ag_conv2d(const ag_tensor* input, const ag_tensor* weight, const ag_tensor* bias /* nullable */,
                            const int64_t* stride, int nstride, int padding_mode, const int64_t* padding, int npadding,
                            const int64_t* dilation, int ndilation, int64_t groups);
AG_API ag_tensor* ag_pad(const ag_tensor* x, const int64_t* pad, int npad, double value);

/* pooling; indices (int64, flat in H*W) are returned when the indices pointer is not NULL */
AG_API int ag_max_pool2d(const ag_tensor* x, const int64_t* kernel, int nkernel, const int64_t* stride, int nstride,
                         const int64_t* padding, int npadding, const int64_t* dilation, int ndilation, int ceil_mode,
                         ag_tensor** output, ag_tensor** indices /* nullable */);
AG_API ag_tensor* ag_avg_pool2d(const ag_tensor* x, const int64_t* kernel, int nkernel, const int64_t* stride, int nstride,
                                const int64_t* padding, int npadding, int ceil_mode, int count_include_pad,
                                int has_divisor, int64_t divisor);
AG_API ag_tensor* ag_lp_pool2d(const ag_tensor* x, double norm_type, const int64_t* kernel, int nkernel,
                               const int64_t* stride, int nstride, int ceil_mode);
AG_API ag_tensor* ag_adaptive_avg_pool2d(const ag_tensor* x, const int64_t* output_size, int n);
AG_API int ag_adaptive_max_pool2d(const ag_tensor* x, const int64_t* output_size, int n,
                                  ag_tensor** output, ag_tensor** indices /* nullable */);
AG_API ag_tensor* ag_max_unpool2d(const ag_tensor* x, const ag_tensor* indices /* int64 */, const int64_t* kernel, int nkernel,
                                  const int64_t* stride, int nstride, const int64_t* padding, int npadding,
                                  const int64_t* output_size, int noutput);

#endif
