// Shared plumbing of the addon: tensor handles, argument parsing and the
// error guard that turns libtorch exceptions into plain JS errors.
#pragma once
#include <napi.h>
#include <torch/torch.h>

#include <atomic>
#include <string>
#include <vector>

namespace fastda {

// A tensor handle is a JS object wrapping a TensorBox. dispose() drops the
// reference right away; the GC finalizer only frees what dispose() did not.
struct TensorBox {
  at::Tensor tensor;
  int64_t reportedBytes = 0;
};

extern std::atomic<int64_t> liveTensors;

Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor);
Napi::Value wrapTensorList(Napi::Env env, const std::vector<at::Tensor>& tensors);
// Returns the tensor behind a handle; throws a JS TypeError naming `what` when
// the value is not a live tensor handle.
const at::Tensor& unwrapTensor(const Napi::Value& value, const char* what = "tensor");
TensorBox* unwrapBox(const Napi::Value& value, const char* what = "tensor");
bool isTensorHandle(const Napi::Value& value);
std::vector<at::Tensor> unwrapTensorList(const Napi::Value& value, const char* what);
void disposeBox(Napi::Env env, TensorBox* box);
// Frees the tensor and the wrap of a handle now; a no-op when already disposed.
void disposeHandle(const Napi::Value& value);

// Argument parsing. Each throws a JS TypeError naming the argument.
int64_t toInt(const Napi::Value& value, const char* what);
double toDouble(const Napi::Value& value, const char* what);
bool toBool(const Napi::Value& value, const char* what);
std::string toString(const Napi::Value& value, const char* what);
std::vector<int64_t> toIntVector(const Napi::Value& value, const char* what);
c10::optional<std::vector<int64_t>> toOptionalIntVector(const Napi::Value& value, const char* what);
c10::optional<at::Tensor> toOptionalTensor(const Napi::Value& value, const char* what);
at::Scalar toScalar(const Napi::Value& value, const char* what);
bool isNullish(const Napi::Value& value);
at::ScalarType toDtype(const Napi::Value& value);
std::string dtypeName(at::ScalarType type);
at::Device toDevice(const Napi::Value& value);
std::string deviceName(const at::Device& device);
int64_t toReduction(const Napi::Value& value);

// Wraps a callback so that c10::Error and std::exception reach JS as Error
// objects carrying libtorch's message without its C++ backtrace.
std::string cleanMessage(const std::string& message);

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), cleanMessage(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), cleanMessage(e.what()));
  }
}

#define FASTDA_EXPORT(exports, name, fn) \
  (exports).Set(name, Napi::Function::New<::fastda::guarded<fn>>((exports).Env(), name))

// Module sections; each registers its functions on `exports`.
void initTensor(Napi::Env env, Napi::Object exports);
void initOps(Napi::Env env, Napi::Object exports);
void initAutograd(Napi::Env env, Napi::Object exports);
void initFunctional(Napi::Env env, Napi::Object exports);
void initNn(Napi::Env env, Napi::Object exports);
void initOptim(Napi::Env env, Napi::Object exports);
void initSerialize(Napi::Env env, Napi::Object exports);
void initJit(Napi::Env env, Napi::Object exports);
void initData(Napi::Env env, Napi::Object exports);

}  // namespace fastda
