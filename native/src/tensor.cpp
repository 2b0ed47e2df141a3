// Tensor handles: creation from buffers, reading back, requires_grad, grad, backward, threads.
#include <ATen/Parallel.h>
#include <torch/version.h>
#include <cstring>

#include "common.h"

namespace {
thread_local std::string last_error;

at::Tensor FromBuffer(const void* data, const int64_t* shape, int ndim, at::ScalarType type) {
  auto sizes = ag::Ints(shape, ndim);
  int64_t numel = 1;
  for (auto s : sizes) {
    if (s < 0) throw std::invalid_argument("negative dimension in shape");
    numel *= s;
  }
  if (numel > 0 && data == nullptr) throw std::invalid_argument("null data buffer");
  auto t = at::empty(sizes, at::TensorOptions().dtype(type));
  if (numel > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(numel) * t.element_size());
  return t;
}

template <class E>
int Read(const ag_tensor* h, E* out, int64_t n, at::ScalarType type) {
  return ag::Status([&] {
    const auto& t = ag::T(h);
    if (t.numel() != n)
      throw std::invalid_argument("read: buffer holds " + std::to_string(n) + " elements, tensor " + std::to_string(t.numel()));
    auto c = t.detach().to(type).contiguous();
    if (n > 0) std::memcpy(out, c.data_ptr(), static_cast<size_t>(n) * sizeof(E));
  });
}

at::ScalarType TypeOf(int dtype) {
  switch (dtype) {
    case AG_FLOAT32: return at::kFloat;
    case AG_FLOAT64: return at::kDouble;
    case AG_INT64: return at::kLong;
    default: throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
  }
}
}  // namespace

void ag::set_error(const std::string& message) { last_error = message; }

using ag::Status;
using ag::T;
using ag::Wrap;

AG_API const char* ag_last_error(void) { return last_error.c_str(); }

AG_API const char* ag_version(void) { return TORCH_VERSION; }

AG_API int ag_set_num_threads(int n) {
  return Status([&] {
    if (n < 1) throw std::invalid_argument("set_num_threads: n must be positive");
    at::set_num_threads(n);
  });
}

AG_API int ag_get_num_threads(void) { return at::get_num_threads(); }

AG_API ag_tensor* ag_from_f32(const float* data, const int64_t* shape, int ndim, int requires_grad) {
  return Wrap([&] { return FromBuffer(data, shape, ndim, at::kFloat).set_requires_grad(requires_grad != 0); });
}

AG_API ag_tensor* ag_from_f64(const double* data, const int64_t* shape, int ndim, int requires_grad) {
  return Wrap([&] { return FromBuffer(data, shape, ndim, at::kDouble).set_requires_grad(requires_grad != 0); });
}

AG_API ag_tensor* ag_from_i64(const int64_t* data, const int64_t* shape, int ndim) {
  return Wrap([&] { return FromBuffer(data, shape, ndim, at::kLong); });
}

AG_API void ag_free(ag_tensor* t) { delete t; }

AG_API int ag_dtype(const ag_tensor* t) {
  if (t == nullptr) return -1;
  switch (t->t.scalar_type()) {
    case at::kFloat: return AG_FLOAT32;
    case at::kDouble: return AG_FLOAT64;
    case at::kLong: return AG_INT64;
    default: return -1;
  }
}

AG_API int ag_ndim(const ag_tensor* t) { return t == nullptr ? -1 : static_cast<int>(t->t.dim()); }

AG_API int ag_shape(const ag_tensor* t, int64_t* out) {
  return Status([&] {
    auto sizes = T(t).sizes();
    std::copy(sizes.begin(), sizes.end(), out);
  });
}

AG_API int64_t ag_numel(const ag_tensor* t) { return t == nullptr ? -1 : t->t.numel(); }

AG_API int ag_read_f64(const ag_tensor* t, double* out, int64_t n) { return Read(t, out, n, at::kDouble); }
AG_API int ag_read_f32(const ag_tensor* t, float* out, int64_t n) { return Read(t, out, n, at::kFloat); }
AG_API int ag_read_i64(const ag_tensor* t, int64_t* out, int64_t n) { return Read(t, out, n, at::kLong); }

AG_API int ag_requires_grad(const ag_tensor* t) { return t == nullptr ? -1 : (t->t.requires_grad() ? 1 : 0); }

AG_API int ag_set_requires_grad(ag_tensor* t, int value) {
  return Status([&] { ag::T(t).set_requires_grad(value != 0); });
}

AG_API int ag_grad(const ag_tensor* t, ag_tensor** out) {
  return Status([&] {
    const auto& g = T(t).grad();
    *out = g.defined() ? ag::Own(g) : nullptr;
  });
}

AG_API int ag_zero_grad(ag_tensor* t) {
  return Status([&] { T(t).mutable_grad() = at::Tensor(); });
}

AG_API int ag_backward(const ag_tensor* root, const ag_tensor* gradient, int retain_graph) {
  return Status([&] {
    at::Tensor g = gradient == nullptr ? at::Tensor() : gradient->t;
    T(root, "root").backward(g, retain_graph != 0);
  });
}

AG_API ag_tensor* ag_detach(const ag_tensor* t) {
  return Wrap([&] { return T(t).detach(); });
}

AG_API ag_tensor* ag_to_dtype(const ag_tensor* t, int dtype) {
  return Wrap([&] { return T(t).to(TypeOf(dtype)); });
}
