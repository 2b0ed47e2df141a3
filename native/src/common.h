// Shared plumbing of the shim: the handle type, the exception barrier and argument helpers.
#pragma once

#include <ATen/ATen.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd_oracle.h"

struct ag_tensor {
  at::Tensor t;
};

namespace ag {

void set_error(const std::string& message);

// Dereferences a handle argument; a NULL handle is a caller bug reported as an error, not a crash.
inline const at::Tensor& T(const ag_tensor* h, const char* what = "tensor") {
  if (h == nullptr) throw std::invalid_argument(std::string("null ") + what + " handle");
  return h->t;
}

inline c10::optional<at::Tensor> Opt(const ag_tensor* h) {
  return h == nullptr ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(h->t);
}

inline at::IntArrayRef Ints(const int64_t* p, int n) {
  if (n < 0 || (n > 0 && p == nullptr)) throw std::invalid_argument("bad int array argument");
  return at::IntArrayRef(p, static_cast<size_t>(n));
}

// Note [Exception barrier]: every exported function runs its body through one of these two
// wrappers, so a c10::Error (or anything else thrown by libtorch) becomes a return code plus a
// message for ag_last_error(), never an exception unwinding into the .NET runtime (which would
// abort the test process). c10::Error's what() carries a C++ backtrace; the message without it
// is what PyTorch prints to users, so that is the one we keep.
template <class F>
ag_tensor* Wrap(F&& body) noexcept {
  try {
    return new ag_tensor{body()};
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown C++ exception");
  }
  return nullptr;
}

template <class F>
int Status(F&& body) noexcept {
  try {
    body();
    return 0;
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown C++ exception");
  }
  return -1;
}

inline ag_tensor* Own(at::Tensor t) { return new ag_tensor{std::move(t)}; }

}  // namespace ag
