// The foundation's ops (issue 2): elementwise, reductions, shape, linear algebra, softmax, losses.
// Each is the ATen function PyTorch's Python API calls, so autograd records the same graph.
#include "common.h"

using ag::Ints;
using ag::Opt;
using ag::Status;
using ag::T;
using ag::Wrap;

#define AG_BINARY(name, expr)                                                   \
  AG_API ag_tensor* ag_##name(const ag_tensor* a, const ag_tensor* b) {        \
    return Wrap([&] { const auto& x = T(a); const auto& y = T(b); return expr; }); \
  }
#define AG_SCALAR(name, expr)                                                   \
  AG_API ag_tensor* ag_##name(const ag_tensor* a, double s) {                   \
    return Wrap([&] { const auto& x = T(a); return expr; });                    \
  }
#define AG_UNARY(name, expr) \
  AG_API ag_tensor* ag_##name(const ag_tensor* a) { return Wrap([&] { const auto& x = T(a); return expr; }); }

AG_BINARY(add, at::add(x, y))
AG_BINARY(sub, at::sub(x, y))
AG_BINARY(mul, at::mul(x, y))
AG_BINARY(div, at::div(x, y))
AG_BINARY(matmul, at::matmul(x, y))
AG_SCALAR(add_scalar, at::add(x, s))
AG_SCALAR(sub_scalar, at::sub(x, s))
AG_SCALAR(mul_scalar, at::mul(x, s))
AG_SCALAR(div_scalar, at::div(x, s))
AG_SCALAR(pow, at::pow(x, s))
AG_UNARY(neg, at::neg(x))
AG_UNARY(exp, at::exp(x))
AG_UNARY(log, at::log(x))
AG_UNARY(sqrt, at::sqrt(x))
AG_UNARY(abs, at::abs(x))
AG_UNARY(relu, at::relu(x))
AG_UNARY(sigmoid, at::sigmoid(x))
AG_UNARY(tanh, at::tanh(x))
AG_UNARY(sum, at::sum(x))
AG_UNARY(mean, at::mean(x))
AG_UNARY(max_all, at::max(x))
AG_UNARY(min_all, at::min(x))
AG_UNARY(squeeze, at::squeeze(x))

AG_API ag_tensor* ag_sum_dims(const ag_tensor* x, const int64_t* dims, int ndims, int keepdim) {
  return Wrap([&] { return at::sum(T(x), Ints(dims, ndims), keepdim != 0); });
}

AG_API ag_tensor* ag_mean_dims(const ag_tensor* x, const int64_t* dims, int ndims, int keepdim) {
  return Wrap([&] { return at::mean(T(x), Ints(dims, ndims), keepdim != 0); });
}

AG_API int ag_max_dim(const ag_tensor* x, int64_t dim, int keepdim, ag_tensor** values, ag_tensor** indices) {
  return Status([&] {
    auto r = at::max(T(x), dim, keepdim != 0);
    *values = ag::Own(std::get<0>(r));
    *indices = ag::Own(std::get<1>(r));
  });
}

AG_API int ag_min_dim(const ag_tensor* x, int64_t dim, int keepdim, ag_tensor** values, ag_tensor** indices) {
  return Status([&] {
    auto r = at::min(T(x), dim, keepdim != 0);
    *values = ag::Own(std::get<0>(r));
    *indices = ag::Own(std::get<1>(r));
  });
}

AG_API ag_tensor* ag_reshape(const ag_tensor* x, const int64_t* shape, int ndim) {
  return Wrap([&] { return at::reshape(T(x), Ints(shape, ndim)); });
}

AG_API ag_tensor* ag_view(const ag_tensor* x, const int64_t* shape, int ndim) {
  return Wrap([&] { return T(x).view(Ints(shape, ndim)); });
}

AG_API ag_tensor* ag_flatten(const ag_tensor* x, int64_t start_dim, int64_t end_dim) {
  return Wrap([&] { return at::flatten(T(x), start_dim, end_dim); });
}

AG_API ag_tensor* ag_permute(const ag_tensor* x, const int64_t* dims, int ndims) {
  return Wrap([&] { return at::permute(T(x), Ints(dims, ndims)); });
}

AG_API ag_tensor* ag_transpose(const ag_tensor* x, int64_t dim0, int64_t dim1) {
  return Wrap([&] { return at::transpose(T(x), dim0, dim1); });
}

AG_API ag_tensor* ag_unsqueeze(const ag_tensor* x, int64_t dim) {
  return Wrap([&] { return at::unsqueeze(T(x), dim); });
}

AG_API ag_tensor* ag_squeeze_dim(const ag_tensor* x, int64_t dim) {
  return Wrap([&] { return at::squeeze(T(x), dim); });
}

AG_API ag_tensor* ag_linear(const ag_tensor* x, const ag_tensor* weight, const ag_tensor* bias) {
  return Wrap([&] { return at::linear(T(x), T(weight, "weight"), Opt(bias)); });
}

AG_API ag_tensor* ag_softmax(const ag_tensor* x, int64_t dim) {
  return Wrap([&] { return at::softmax(T(x), dim); });
}

AG_API ag_tensor* ag_log_softmax(const ag_tensor* x, int64_t dim) {
  return Wrap([&] { return at::log_softmax(T(x), dim); });
}

static int64_t CheckedReduction(int reduction) {
  if (reduction < AG_REDUCTION_NONE || reduction > AG_REDUCTION_SUM)
    throw std::invalid_argument("unknown reduction " + std::to_string(reduction));
  return reduction;
}

AG_API ag_tensor* ag_cross_entropy(const ag_tensor* input, const ag_tensor* target, int reduction, int64_t ignore_index) {
  return Wrap([&] {
    return at::cross_entropy_loss(T(input), T(target, "target"), {}, CheckedReduction(reduction), ignore_index);
  });
}

// F.mse_loss broadcasts input and target first (with a warning), then calls mse_loss.
AG_API ag_tensor* ag_mse_loss(const ag_tensor* input, const ag_tensor* target, int reduction) {
  return Wrap([&] {
    auto both = at::broadcast_tensors({T(input), T(target, "target")});
    return at::mse_loss(both[0], both[1], CheckedReduction(reduction));
  });
}
