// Tensor handles, argument parsing and error cleanup shared by every section.
#include "common.h"

#ifdef FASTDA_WITH_CUDA
#include <torch/cuda.h>
#endif

namespace fastda {

std::atomic<int64_t> liveTensors{0};

namespace {
// Distinguishes our externals from any other external a caller might pass.
const napi_type_tag kTensorTag = {0x6661737464613031ULL, 0x74656e736f723031ULL};

int64_t storageBytes(const at::Tensor& tensor) {
  if (!tensor.defined()) return 0;
  return static_cast<int64_t>(tensor.numel()) * static_cast<int64_t>(tensor.element_size());
}
}  // namespace

namespace {
void finalizeBox(napi_env env, void* data, void* /*hint*/) {
  auto* box = static_cast<TensorBox*>(data);
  disposeBox(Napi::Env(env), box);
  delete box;
}
}  // namespace

void disposeBox(Napi::Env env, TensorBox* box) {
  if (!box->tensor.defined()) return;
  box->tensor.reset();
  liveTensors--;
  if (box->reportedBytes) Napi::MemoryManagement::AdjustExternalMemory(env, -box->reportedBytes);
  box->reportedBytes = 0;
}

// A handle is a plain object wrapping a TensorBox. dispose() removes the wrap
// and frees the box at once: a wrap left for the GC keeps a small malloc'd
// reference alive until Node drains its finalizer queue (only when the event
// loop turns), and thousands of those pinned between large tensor buffers made
// glibc's heap grow without bound in synchronous training loops.
Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  auto* box = new TensorBox{std::move(tensor), 0};
  // Report native bytes so V8 runs its GC sooner: a safety net, not the policy.
  box->reportedBytes = box->tensor.device().is_cpu() ? storageBytes(box->tensor) : 0;
  if (box->reportedBytes) Napi::MemoryManagement::AdjustExternalMemory(env, box->reportedBytes);
  liveTensors++;
  auto object = Napi::Object::New(env);
  object.TypeTag(&kTensorTag);
  napi_status status = napi_wrap(env, object, box, finalizeBox, nullptr, nullptr);
  if (status != napi_ok) {
    disposeBox(env, box);
    delete box;
    throw Napi::Error::New(env, "fastda: could not wrap a native tensor");
  }
  return object;
}

Napi::Value wrapTensorList(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  auto array = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) array.Set(static_cast<uint32_t>(i), wrapTensor(env, tensors[i]));
  return array;
}

bool isTensorHandle(const Napi::Value& value) {
  return value.IsObject() && value.As<Napi::Object>().CheckTypeTag(&kTensorTag);
}

// Null for a handle whose tensor was disposed.
TensorBox* unwrapBox(const Napi::Value& value, const char* what) {
  if (!isTensorHandle(value)) {
    throw Napi::TypeError::New(value.Env(), std::string("expected a tensor for '") + what + "'");
  }
  void* data = nullptr;
  if (napi_unwrap(value.Env(), value, &data) != napi_ok) return nullptr;
  return static_cast<TensorBox*>(data);
}

const at::Tensor& unwrapTensor(const Napi::Value& value, const char* what) {
  TensorBox* box = unwrapBox(value, what);
  if (box == nullptr || !box->tensor.defined()) {
    throw Napi::Error::New(value.Env(), std::string("tensor '") + what + "' was used after dispose()");
  }
  return box->tensor;
}

void disposeHandle(const Napi::Value& value) {
  TensorBox* box = unwrapBox(value, "tensor");
  if (box == nullptr) return;
  void* removed = nullptr;
  napi_remove_wrap(value.Env(), value, &removed);
  disposeBox(value.Env(), box);
  delete box;
}

std::vector<at::Tensor> unwrapTensorList(const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string("expected an array of tensors for '") + what + "'");
  auto array = value.As<Napi::Array>();
  std::vector<at::Tensor> tensors;
  tensors.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) tensors.push_back(unwrapTensor(array.Get(i), what));
  return tensors;
}

bool isNullish(const Napi::Value& value) { return value.IsUndefined() || value.IsNull(); }

int64_t toInt(const Napi::Value& value, const char* what) {
  if (!value.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string("expected an integer for '") + what + "'");
  double d = value.As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<int64_t>(d))) {
    throw Napi::TypeError::New(value.Env(), std::string("expected an integer for '") + what + "', got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

double toDouble(const Napi::Value& value, const char* what) {
  if (!value.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string("expected a number for '") + what + "'");
  return value.As<Napi::Number>().DoubleValue();
}

bool toBool(const Napi::Value& value, const char* what) {
  if (!value.IsBoolean()) throw Napi::TypeError::New(value.Env(), std::string("expected a boolean for '") + what + "'");
  return value.As<Napi::Boolean>().Value();
}

std::string toString(const Napi::Value& value, const char* what) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), std::string("expected a string for '") + what + "'");
  return value.As<Napi::String>().Utf8Value();
}

std::vector<int64_t> toIntVector(const Napi::Value& value, const char* what) {
  if (value.IsNumber()) return {toInt(value, what)};
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string("expected an array of integers for '") + what + "'");
  auto array = value.As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) out[i] = toInt(array.Get(i), what);
  return out;
}

c10::optional<std::vector<int64_t>> toOptionalIntVector(const Napi::Value& value, const char* what) {
  if (isNullish(value)) return c10::nullopt;
  return toIntVector(value, what);
}

c10::optional<at::Tensor> toOptionalTensor(const Napi::Value& value, const char* what) {
  if (isNullish(value)) return c10::nullopt;
  return unwrapTensor(value, what);
}

at::Scalar toScalar(const Napi::Value& value, const char* what) {
  if (value.IsBoolean()) return at::Scalar(value.As<Napi::Boolean>().Value());
  double d = toDouble(value, what);
  // Integral JS numbers act like Python ints (no promotion of integer tensors).
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) {
    return at::Scalar(static_cast<int64_t>(d));
  }
  return at::Scalar(d);
}

at::ScalarType toDtype(const Napi::Value& value) {
  std::string name = toString(value, "dtype");
  if (name == "float32" || name == "float") return at::kFloat;
  if (name == "float64" || name == "double") return at::kDouble;
  if (name == "float16" || name == "half") return at::kHalf;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "int64" || name == "long") return at::kLong;
  if (name == "int32" || name == "int") return at::kInt;
  if (name == "uint8") return at::kByte;
  if (name == "bool") return at::kBool;
  throw Napi::TypeError::New(value.Env(), "unknown dtype '" + name +
                                              "' (expected float32, float64, float16, bfloat16, int64, int32, uint8 or bool)");
}

std::string dtypeName(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    default: return c10::toString(type);
  }
}

at::Device toDevice(const Napi::Value& value) {
  std::string name = toString(value, "device");
  at::Device device(at::kCPU);
  try {
    device = at::Device(name);
  } catch (const c10::Error&) {
    throw Napi::TypeError::New(value.Env(), "unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
  }
  if (device.is_cuda()) {
#ifdef FASTDA_WITH_CUDA
    if (!torch::cuda::is_available()) {
      throw Napi::Error::New(value.Env(), "device '" + name + "' requested but no CUDA GPU is visible to this process");
    }
    if (device.has_index() && device.index() >= static_cast<int>(torch::cuda::device_count())) {
      throw Napi::Error::New(value.Env(), "device '" + name + "' requested but only " +
                                              std::to_string(torch::cuda::device_count()) + " CUDA device(s) are visible");
    }
#else
    throw Napi::Error::New(value.Env(), "device '" + name +
                                            "' requested but this fastda build has no CUDA support "
                                            "(it was built against a CPU-only libtorch; see docs/install.md)");
#endif
  } else if (!device.is_cpu()) {
    throw Napi::TypeError::New(value.Env(), "unsupported device '" + name + "' (expected cpu, cuda or cuda:N)");
  }
  return device;
}

std::string deviceName(const at::Device& device) { return device.str(); }

int64_t toReduction(const Napi::Value& value) {
  std::string name = isNullish(value) ? "mean" : toString(value, "reduction");
  if (name == "mean") return at::Reduction::Mean;
  if (name == "sum") return at::Reduction::Sum;
  if (name == "none") return at::Reduction::None;
  throw Napi::TypeError::New(value.Env(), "unknown reduction '" + name + "' (expected mean, sum or none)");
}

std::string cleanMessage(const std::string& message) {
  // Some libtorch builds still append "Exception raised from ..." lines.
  std::string out = message;
  auto cut = out.find("\nException raised from");
  if (cut != std::string::npos) out = out.substr(0, cut);
  cut = out.find("Exception raised from");
  if (cut != std::string::npos && cut > 0) out = out.substr(0, cut);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace fastda
