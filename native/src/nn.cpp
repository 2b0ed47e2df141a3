// The seed ops (issue 3): conv2d, pad and the pooling family, called the way torch.nn.functional
// calls them in PyTorch 1.13 (optional strides passed as empty arrays, lp_pool2d and max_unpool2d's
// output size computed as in functional.py).
#include <cmath>

#include "common.h"

using ag::Ints;
using ag::Opt;
using ag::Status;
using ag::T;
using ag::Wrap;

namespace {

// PyTorch's pooling_output_shape_pad_lr (aten/src/ATen/native/Pool.h, 1.13).
int64_t PoolOut(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil, bool ceil) {
  int64_t num = in + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  int64_t out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil && (out - 1) * stride >= in + pad) --out;
  return out;
}

// True when some window of one spatial dim holds no real input cell (only padding).
bool HasPaddingOnlyWindow(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil, bool ceil) {
  int64_t out = PoolOut(in, k, pad, stride, dil, ceil);
  for (int64_t o = 0; o < out; ++o) {
    bool any = false;
    for (int64_t i = 0; i < k && !any; ++i) {
      int64_t pos = o * stride - pad + i * dil;
      any = pos >= 0 && pos < in;
    }
    if (!any) return true;
  }
  return false;
}

// Note [max_pool2d padding-only windows]: libtorch 1.13's CPU max_pool2d writes index -1 for a
// dilated window that covers only padding and its backward then scatters through that index,
// corrupting the heap (seen as crashes long after the call). Such configurations are refused
// here, before libtorch sees them, with an "oracle guard" error; the C# binding refuses them
// first with its own check (Autograd.Oracle.MaxPoolGuard). Arguments libtorch itself rejects
// (non-positive sizes, too much padding, empty output) are left for libtorch to report.
void GuardMaxPool(const at::Tensor& x, at::IntArrayRef k, at::IntArrayRef s, at::IntArrayRef p, at::IntArrayRef d,
                  bool ceil) {
  auto pick = [](at::IntArrayRef a, size_t i, int64_t dflt) { return a.empty() ? dflt : a[a.size() == 1 ? 0 : i]; };
  if ((x.dim() != 3 && x.dim() != 4) || k.empty() || k.size() > 2 || s.size() > 2 || p.size() > 2 || d.size() > 2 ||
      (p.size() == 0) || (d.size() == 0) || x.size(x.dim() - 3) == 0)   // zero channels: libtorch rejects
    return;
  // Both dims are validated before either is scanned: a valid H must not refuse a W libtorch rejects.
  bool unsafe = false;
  for (size_t i = 0; i < 2; ++i) {
    int64_t kk = pick(k, i, 0), ss = pick(s, i, kk), pp = pick(p, i, 0), dd = pick(d, i, 1);
    int64_t in = x.size(x.dim() - 2 + static_cast<int64_t>(i));
    if (kk <= 0 || ss <= 0 || dd <= 0 || pp < 0 || pp > kk / 2 || in <= 0) return;
    if (PoolOut(in, kk, pp, ss, dd, ceil) < 1) return;
    unsafe = unsafe || HasPaddingOnlyWindow(in, kk, pp, ss, dd, ceil);
  }
  if (unsafe)
    throw std::invalid_argument(
        "oracle guard: max_pool2d configuration has a window covering only padding; libtorch 1.13 corrupts its "
        "heap on it, so it is never sent to libtorch (see docs/oracle.md)");
}

// torch.nn.functional._unpool_output_size (1.13), with its ValueError messages.
std::vector<int64_t> UnpoolOutputSize(const at::Tensor& x, at::IntArrayRef k, at::IntArrayRef s, at::IntArrayRef p,
                                      at::IntArrayRef output_size) {
  if (k.size() != 2 || s.size() != 2 || p.size() != 2) throw std::invalid_argument("max_unpool2d: sizes must be pairs");
  if (x.dim() < 2) throw std::invalid_argument("max_unpool2d: input must have at least 2 dims");
  std::vector<int64_t> dflt(2);
  for (int d = 0; d < 2; ++d) dflt[d] = (x.size(x.dim() - 2 + d) - 1) * s[d] + k[d] - 2 * p[d];
  if (output_size.empty()) return dflt;
  auto out = output_size.size() == 4 ? output_size.slice(2) : output_size;
  if (out.size() != 2)
    throw std::invalid_argument("output_size should be a sequence containing 2 or 4 elements, but it has a length of '" +
                                std::to_string(output_size.size()) + "'");
  for (int d = 0; d < 2; ++d) {
    int64_t lo = dflt[d] - s[d], hi = dflt[d] + s[d];
    if (!(lo < out[d] && out[d] < hi))
      throw std::invalid_argument("invalid output_size (dim " + std::to_string(d) + " must be between " +
                                  std::to_string(lo) + " and " + std::to_string(hi) + ")");
  }
  return out.vec();
}
}  // namespace

AG_API ag_tensor* ag_conv2d(const ag_tensor* input, const ag_tensor* weight, const ag_tensor* bias, const int64_t* stride,
                            int nstride, int padding_mode, const int64_t* padding, int npadding, const int64_t* dilation,
                            int ndilation, int64_t groups) {
  return Wrap([&] {
    const auto& x = T(input);
    const auto& w = T(weight, "weight");
    auto s = Ints(stride, nstride);
    auto d = Ints(dilation, ndilation);
    switch (padding_mode) {
      case AG_PAD_EXPLICIT: return at::conv2d(x, w, Opt(bias), s, Ints(padding, npadding), d, groups);
      case AG_PAD_SAME: return at::conv2d(x, w, Opt(bias), s, "same", d, groups);
      case AG_PAD_VALID: return at::conv2d(x, w, Opt(bias), s, "valid", d, groups);
      default: throw std::invalid_argument("unknown padding mode " + std::to_string(padding_mode));
    }
  });
}

AG_API ag_tensor* ag_pad(const ag_tensor* x, const int64_t* pad, int npad, double value) {
  return Wrap([&] { return at::pad(T(x), Ints(pad, npad), "constant", value); });
}

AG_API int ag_max_pool2d(const ag_tensor* x, const int64_t* kernel, int nkernel, const int64_t* stride, int nstride,
                         const int64_t* padding, int npadding, const int64_t* dilation, int ndilation, int ceil_mode,
                         ag_tensor** output, ag_tensor** indices) {
  return Status([&] {
    const auto& t = T(x);
    auto k = Ints(kernel, nkernel), s = Ints(stride, nstride), p = Ints(padding, npadding), d = Ints(dilation, ndilation);
    GuardMaxPool(t, k, s, p, d, ceil_mode != 0);
    if (indices == nullptr) {
      *output = ag::Own(at::max_pool2d(t, k, s, p, d, ceil_mode != 0));
      return;
    }
    auto r = at::max_pool2d_with_indices(t, k, s, p, d, ceil_mode != 0);
    *output = ag::Own(std::get<0>(r));
    *indices = ag::Own(std::get<1>(r));
  });
}

AG_API ag_tensor* ag_avg_pool2d(const ag_tensor* x, const int64_t* kernel, int nkernel, const int64_t* stride,
                                int nstride, const int64_t* padding, int npadding, int ceil_mode, int count_include_pad,
                                int has_divisor, int64_t divisor) {
  return Wrap([&] {
    c10::optional<int64_t> div = has_divisor ? c10::optional<int64_t>(divisor) : c10::nullopt;
    return at::avg_pool2d(T(x), Ints(kernel, nkernel), Ints(stride, nstride), Ints(padding, npadding), ceil_mode != 0,
                          count_include_pad != 0, div);
  });
}

// F.lp_pool2d (1.13): (sign(out) * relu(|out|)) * (kw * kh), then ^(1/p), out = avg_pool2d(x^p).
AG_API ag_tensor* ag_lp_pool2d(const ag_tensor* x, double norm_type, const int64_t* kernel, int nkernel,
                               const int64_t* stride, int nstride, int ceil_mode) {
  return Wrap([&] {
    auto k = Ints(kernel, nkernel);
    if (k.size() != 1 && k.size() != 2) throw std::invalid_argument("lp_pool2d: kernel_size must be an int or a pair");
    if (norm_type == 0) throw std::invalid_argument("float division by zero");  // Python's 1.0 / norm_type
    int64_t area = k[0] * k[k.size() - 1];
    auto out = at::avg_pool2d(at::pow(T(x), norm_type), k, Ints(stride, nstride), 0, ceil_mode != 0);
    return at::mul(at::sign(out) * at::relu(at::abs(out)), area).pow(1.0 / norm_type);
  });
}

AG_API ag_tensor* ag_adaptive_avg_pool2d(const ag_tensor* x, const int64_t* output_size, int n) {
  return Wrap([&] { return at::adaptive_avg_pool2d(T(x), Ints(output_size, n)); });
}

AG_API int ag_adaptive_max_pool2d(const ag_tensor* x, const int64_t* output_size, int n, ag_tensor** output,
                                  ag_tensor** indices) {
  return Status([&] {
    auto r = at::adaptive_max_pool2d(T(x), Ints(output_size, n));
    *output = ag::Own(std::get<0>(r));
    if (indices != nullptr) *indices = ag::Own(std::get<1>(r));
  });
}

AG_API ag_tensor* ag_max_unpool2d(const ag_tensor* x, const ag_tensor* indices, const int64_t* kernel, int nkernel,
                                  const int64_t* stride, int nstride, const int64_t* padding, int npadding,
                                  const int64_t* output_size, int noutput) {
  return Wrap([&] {
    const auto& t = T(x);
    auto k = Ints(kernel, nkernel);
    auto s = nstride == 0 ? k : Ints(stride, nstride);
    auto size = UnpoolOutputSize(t, k, s, Ints(padding, npadding), Ints(output_size, noutput));
    return at::max_unpool2d(t, T(indices, "indices"), size);
  });
}
