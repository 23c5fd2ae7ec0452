// Tensor creation, conversion to and from JS memory, properties, seeding and
// thread settings.
#include "common.h"

#include <dlfcn.h>

#include <cstdlib>

#ifdef FASTDA_WITH_CUDA
#include <torch/cuda.h>
#endif

namespace fastda {
namespace {

at::TensorOptions optionsFrom(const Napi::CallbackInfo& info, size_t dtypeArg, size_t deviceArg) {
  auto options = at::TensorOptions().dtype(at::kFloat);
  if (info.Length() > dtypeArg && !isNullish(info[dtypeArg])) options = options.dtype(toDtype(info[dtypeArg]));
  if (info.Length() > deviceArg && !isNullish(info[deviceArg])) options = options.device(toDevice(info[deviceArg]));
  return options;
}

// zeros/ones/empty/rand/randn(shape, dtype?, device?)
template <at::Tensor (*Make)(at::IntArrayRef, at::TensorOptions)>
Napi::Value creator(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), Make(toIntVector(info[0], "shape"), optionsFrom(info, 1, 2)));
}
at::Tensor makeZeros(at::IntArrayRef s, at::TensorOptions o) { return at::zeros(s, o); }
at::Tensor makeOnes(at::IntArrayRef s, at::TensorOptions o) { return at::ones(s, o); }
at::Tensor makeEmpty(at::IntArrayRef s, at::TensorOptions o) { return at::empty(s, o); }
at::Tensor makeRand(at::IntArrayRef s, at::TensorOptions o) { return at::rand(s, o); }
at::Tensor makeRandn(at::IntArrayRef s, at::TensorOptions o) { return at::randn(s, o); }

Napi::Value full(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::full(toIntVector(info[0], "shape"), toScalar(info[1], "value"), optionsFrom(info, 2, 3)));
}

// randint(low, high, shape, dtype?, device?): integers in [low, high)
Napi::Value randint(const Napi::CallbackInfo& info) {
  auto options = optionsFrom(info, 3, 4);
  if (info.Length() <= 3 || isNullish(info[3])) options = options.dtype(at::kLong);
  return wrapTensor(info.Env(), at::randint(toInt(info[0], "low"), toInt(info[1], "high"), toIntVector(info[2], "shape"), options));
}

Napi::Value randperm(const Napi::CallbackInfo& info) {
  auto options = optionsFrom(info, 1, 2);
  if (info.Length() <= 1 || isNullish(info[1])) options = options.dtype(at::kLong);
  return wrapTensor(info.Env(), at::randperm(toInt(info[0], "n"), options));
}

// arange(start, end, step, dtype?, device?): dtype defaults like PyTorch's.
Napi::Value arange(const Napi::CallbackInfo& info) {
  at::Scalar start = toScalar(info[0], "start"), end = toScalar(info[1], "end"), step = toScalar(info[2], "step");
  auto options = optionsFrom(info, 3, 4);
  if (info.Length() <= 3 || isNullish(info[3])) {
    bool integral = start.isIntegral(false) && end.isIntegral(false) && step.isIntegral(false);
    options = options.dtype(integral ? at::kLong : at::kFloat);
  }
  return wrapTensor(info.Env(), at::arange(start, end, step, options));
}

Napi::Value linspace(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::linspace(toScalar(info[0], "start"), toScalar(info[1], "end"), toInt(info[2], "steps"),
                                             optionsFrom(info, 3, 4)));
}

Napi::Value eye(const Napi::CallbackInfo& info) {
  int64_t n = toInt(info[0], "n");
  int64_t m = isNullish(info[1]) ? n : toInt(info[1], "m");
  return wrapTensor(info.Env(), at::eye(n, m, optionsFrom(info, 2, 3)));
}

at::ScalarType typedArrayDtype(const Napi::TypedArray& array) {
  switch (array.TypedArrayType()) {
    case napi_float32_array: return at::kFloat;
    case napi_float64_array: return at::kDouble;
    case napi_int32_array: return at::kInt;
    case napi_uint8_array:
    case napi_uint8_clamped_array: return at::kByte;
    case napi_bigint64_array: return at::kLong;
    case napi_int8_array: return at::kChar;
    case napi_int16_array: return at::kShort;
    default:
      throw Napi::TypeError::New(array.Env(), "unsupported typed array (use Float32Array, Float64Array, Int32Array, "
                                              "BigInt64Array, Uint8Array or a Buffer)");
  }
}

// fromTypedArray(array, shape, dtype?, device?): copies the data; the tensor
// never aliases JS memory, so the GC may move or free the array afterwards.
Napi::Value fromTypedArray(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "expected a typed array or Buffer for 'data'");
  auto array = info[0].As<Napi::TypedArray>();
  auto shape = toIntVector(info[1], "shape");
  int64_t numel = 1;
  for (auto d : shape) numel *= d;
  if (numel != static_cast<int64_t>(array.ElementLength())) {
    throw Napi::RangeError::New(info.Env(), "data has " + std::to_string(array.ElementLength()) +
                                                " elements but shape " + c10::str(at::IntArrayRef(shape)) + " needs " +
                                                std::to_string(numel));
  }
  auto sourceType = typedArrayDtype(array);
  auto* data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(sourceType));
  if (numel > 0) std::memcpy(tensor.data_ptr(), data, array.ByteLength());
  at::ScalarType target = (info.Length() > 2 && !isNullish(info[2])) ? toDtype(info[2]) : sourceType;
  at::Device device = (info.Length() > 3 && !isNullish(info[3])) ? toDevice(info[3]) : at::Device(at::kCPU);
  if (target != sourceType || !device.is_cpu()) tensor = tensor.to(device, target);
  return wrapTensor(info.Env(), tensor);
}

// fromBytes(buffer, dtype): reinterprets raw little-endian bytes as a 1-d
// tensor of dtype (a copy), e.g. a storage record of a torch.save archive.
Napi::Value fromBytes(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "expected a Buffer for 'data'");
  auto array = info[0].As<Napi::TypedArray>();
  at::ScalarType type = toDtype(info[1]);
  size_t elementSize = c10::elementSize(type);
  if (array.ByteLength() % elementSize != 0) {
    throw Napi::RangeError::New(info.Env(), std::to_string(array.ByteLength()) + " bytes is not a whole number of " +
                                                dtypeName(type) + " elements");
  }
  auto numel = static_cast<int64_t>(array.ByteLength() / elementSize);
  at::Tensor tensor = at::empty({numel}, at::TensorOptions().dtype(type));
  if (numel) std::memcpy(tensor.data_ptr(), static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset(), array.ByteLength());
  return wrapTensor(info.Env(), tensor);
}

// toArrayBuffer(tensor): a fresh copy of the elements in row-major order.
Napi::Value toArrayBuffer(const Napi::CallbackInfo& info) {
  at::Tensor tensor = unwrapTensor(info[0]).detach().to(at::kCPU).contiguous();
  size_t bytes = static_cast<size_t>(tensor.numel()) * tensor.element_size();
  auto buffer = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes) std::memcpy(buffer.Data(), tensor.data_ptr(), bytes);
  return buffer;
}

Napi::Value item(const Napi::CallbackInfo& info) {
  const at::Tensor& tensor = unwrapTensor(info[0]);
  if (tensor.numel() != 1) {
    throw Napi::Error::New(info.Env(), "item() needs a tensor with exactly one element, got shape " + c10::str(tensor.sizes()));
  }
  at::Scalar value = tensor.item();
  if (tensor.scalar_type() == at::kBool) return Napi::Boolean::New(info.Env(), value.toBool());
  if (value.isIntegral(false)) return Napi::Number::New(info.Env(), static_cast<double>(value.toLong()));
  return Napi::Number::New(info.Env(), value.toDouble());
}

Napi::Value shape(const Napi::CallbackInfo& info) {
  auto sizes = unwrapTensor(info[0]).sizes();
  auto array = Napi::Array::New(info.Env(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) array.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), sizes[i]));
  return array;
}

Napi::Value dtype(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), dtypeName(unwrapTensor(info[0]).scalar_type()));
}

Napi::Value device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), deviceName(unwrapTensor(info[0]).device()));
}

Napi::Value numel(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(unwrapTensor(info[0]).numel()));
}

Napi::Value dim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(unwrapTensor(info[0]).dim()));
}

// to(tensor, dtype?, device?, copy?)
Napi::Value to(const Napi::CallbackInfo& info) {
  const at::Tensor& tensor = unwrapTensor(info[0]);
  at::ScalarType type = isNullish(info[1]) ? tensor.scalar_type() : toDtype(info[1]);
  at::Device dev = isNullish(info[2]) ? tensor.device() : toDevice(info[2]);
  bool copy = info.Length() > 3 && !isNullish(info[3]) && toBool(info[3], "copy");
  return wrapTensor(info.Env(), tensor.to(dev, type, /*non_blocking=*/false, copy));
}

Napi::Value dispose(const Napi::CallbackInfo& info) {
  disposeHandle(info[0]);
  return info.Env().Undefined();
}

Napi::Value isDisposed(const Napi::CallbackInfo& info) {
  TensorBox* box = unwrapBox(info[0]);
  return Napi::Boolean::New(info.Env(), box == nullptr || !box->tensor.defined());
}

Napi::Value isTensor(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), isTensorHandle(info[0])); }

Napi::Value liveTensorCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(liveTensors.load()));
}

// Two handles may wrap the same tensor (e.g. repeated grad reads).
Napi::Value sameTensor(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), unwrapTensor(info[0], "a").is_same(unwrapTensor(info[1], "b")));
}

Napi::Value dataPtrEquals(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), unwrapTensor(info[0], "a").data_ptr() == unwrapTensor(info[1], "b").data_ptr());
}

Napi::Value toStringRepr(const Napi::CallbackInfo& info) {
  std::ostringstream out;
  out << unwrapTensor(info[0]);
  return Napi::String::New(info.Env(), out.str());
}

Napi::Value manualSeed(const Napi::CallbackInfo& info) {
  double seed = toDouble(info[0], "seed");
  if (seed < 0 || seed != std::floor(seed)) throw Napi::RangeError::New(info.Env(), "seed must be a non-negative integer");
  torch::manual_seed(static_cast<uint64_t>(seed));
  return info.Env().Undefined();
}

// The default CPU generator's state as a uint8 tensor, for exact resume.
Napi::Value getRngState(const Napi::CallbackInfo& info) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return wrapTensor(info.Env(), gen.get_state());
}

Napi::Value setRngState(const Napi::CallbackInfo& info) {
  const at::Tensor& state = unwrapTensor(info[0], "state");
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
  return info.Env().Undefined();
}

// OpenBLAS (Debian's libopenblas0-pthread) keeps its own thread pool, one
// thread per core, that at::set_num_threads does not reach; its idle threads
// spin and took a whole core beside a 1-thread train step. setNumThreads
// sizes it too, unless the user has set OPENBLAS_NUM_THREADS.
void* openBlasSymbol(const char* name) {
  for (const char* lib : {"libblas.so.3", "libopenblas.so.0"}) {
    void* handle = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD);
    if (!handle) continue;
    void* symbol = dlsym(handle, name);
    dlclose(handle);  // libtorch keeps the library loaded
    if (symbol) return symbol;
  }
  return nullptr;
}

void setBlasThreads(int n) {
  if (std::getenv("OPENBLAS_NUM_THREADS")) return;
  if (auto set = reinterpret_cast<void (*)(int)>(openBlasSymbol("openblas_set_num_threads"))) set(n);
}

// blasThreads() -> OpenBLAS's thread count, or null when the BLAS is not OpenBLAS.
Napi::Value blasThreads(const Napi::CallbackInfo& info) {
  auto get = reinterpret_cast<int (*)()>(openBlasSymbol("openblas_get_num_threads"));
  return get ? Napi::Number::New(info.Env(), get()) : info.Env().Null();
}

Napi::Value setNumThreads(const Napi::CallbackInfo& info) {
  int64_t n = toInt(info[0], "threads");
  if (n < 1) throw Napi::RangeError::New(info.Env(), "threads must be >= 1");
  at::set_num_threads(static_cast<int>(n));
  setBlasThreads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value getNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

Napi::Value setNumInteropThreads(const Napi::CallbackInfo& info) {
  int64_t n = toInt(info[0], "threads");
  if (n < 1) throw Napi::RangeError::New(info.Env(), "threads must be >= 1");
  at::set_num_interop_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value cudaAvailable(const Napi::CallbackInfo& info) {
#ifdef FASTDA_WITH_CUDA
  return Napi::Boolean::New(info.Env(), torch::cuda::is_available());
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value cudaDeviceCount(const Napi::CallbackInfo& info) {
#ifdef FASTDA_WITH_CUDA
  return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count()));
#else
  return Napi::Number::New(info.Env(), 0);
#endif
}

Napi::Value buildInfo(const Napi::CallbackInfo& info) {
  auto out = Napi::Object::New(info.Env());
  out.Set("torchVersion", Napi::String::New(info.Env(), TORCH_VERSION));
#ifdef FASTDA_WITH_CUDA
  out.Set("cuda", Napi::Boolean::New(info.Env(), true));
#else
  out.Set("cuda", Napi::Boolean::New(info.Env(), false));
#endif
  out.Set("parallelInfo", Napi::String::New(info.Env(), at::get_parallel_info()));
  return out;
}

}  // namespace

void initTensor(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "zeros", creator<makeZeros>);
  FASTDA_EXPORT(exports, "ones", creator<makeOnes>);
  FASTDA_EXPORT(exports, "empty", creator<makeEmpty>);
  FASTDA_EXPORT(exports, "rand", creator<makeRand>);
  FASTDA_EXPORT(exports, "randn", creator<makeRandn>);
  FASTDA_EXPORT(exports, "full", full);
  FASTDA_EXPORT(exports, "randint", randint);
  FASTDA_EXPORT(exports, "randperm", randperm);
  FASTDA_EXPORT(exports, "arange", arange);
  FASTDA_EXPORT(exports, "linspace", linspace);
  FASTDA_EXPORT(exports, "eye", eye);
  FASTDA_EXPORT(exports, "fromTypedArray", fromTypedArray);
  FASTDA_EXPORT(exports, "toArrayBuffer", toArrayBuffer);
  FASTDA_EXPORT(exports, "fromBytes", fromBytes);
  FASTDA_EXPORT(exports, "item", item);
  FASTDA_EXPORT(exports, "shape", shape);
  FASTDA_EXPORT(exports, "dtype", dtype);
  FASTDA_EXPORT(exports, "device", device);
  FASTDA_EXPORT(exports, "numel", numel);
  FASTDA_EXPORT(exports, "dim", dim);
  FASTDA_EXPORT(exports, "to", to);
  FASTDA_EXPORT(exports, "dispose", dispose);
  FASTDA_EXPORT(exports, "isDisposed", isDisposed);
  FASTDA_EXPORT(exports, "isTensor", isTensor);
  FASTDA_EXPORT(exports, "liveTensorCount", liveTensorCount);
  FASTDA_EXPORT(exports, "sameTensor", sameTensor);
  FASTDA_EXPORT(exports, "dataPtrEquals", dataPtrEquals);
  FASTDA_EXPORT(exports, "toStringRepr", toStringRepr);
  FASTDA_EXPORT(exports, "manualSeed", manualSeed);
  FASTDA_EXPORT(exports, "getRngState", getRngState);
  FASTDA_EXPORT(exports, "setRngState", setRngState);
  FASTDA_EXPORT(exports, "setNumThreads", setNumThreads);
  FASTDA_EXPORT(exports, "getNumThreads", getNumThreads);
  FASTDA_EXPORT(exports, "blasThreads", blasThreads);
  FASTDA_EXPORT(exports, "setNumInteropThreads", setNumInteropThreads);
  FASTDA_EXPORT(exports, "cudaAvailable", cudaAvailable);
  FASTDA_EXPORT(exports, "cudaDeviceCount", cudaDeviceCount);
  FASTDA_EXPORT(exports, "buildInfo", buildInfo);
}

}  // namespace fastda
