// TorchScript import: any model saved with torch.jit.script/trace(...).save()
// becomes trainable from fastda (forward, parameters, buffers, train/eval).
#include "common.h"

#include <torch/script.h>

namespace fastda {
namespace {

const napi_type_tag kScriptModuleTag = {0x6661737464613031ULL, 0x6a69746d6f643031ULL};

struct ScriptBox {
  torch::jit::Module module;
};

torch::jit::Module& unwrapModule(const Napi::Value& value) {
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kScriptModuleTag)) {
    throw Napi::TypeError::New(value.Env(), "expected a TorchScript module handle");
  }
  void* data = nullptr;
  napi_unwrap(value.Env(), value, &data);
  return static_cast<ScriptBox*>(data)->module;
}

// jitLoad(path, device|null)
Napi::Value jitLoad(const Napi::CallbackInfo& info) {
  std::string path = toString(info[0], "path");
  c10::optional<at::Device> device;
  if (!isNullish(info[1])) device = toDevice(info[1]);
  auto* box = new ScriptBox{torch::jit::load(path, device)};
  auto object = Napi::Object::New(info.Env());
  object.TypeTag(&kScriptModuleTag);
  napi_wrap(info.Env(), object, box, [](napi_env, void* data, void*) { delete static_cast<ScriptBox*>(data); }, nullptr, nullptr);
  return object;
}

// jitForward(module, inputs[]) -> tensor, or array for tuple/list outputs.
Napi::Value jitForward(const Napi::CallbackInfo& info) {
  auto& module = unwrapModule(info[0]);
  std::vector<c10::IValue> inputs;
  for (const auto& t : unwrapTensorList(info[1], "inputs")) inputs.emplace_back(t);
  c10::IValue out = module.forward(inputs);
  if (out.isTensor()) return wrapTensor(info.Env(), out.toTensor());
  std::vector<at::Tensor> outs;
  if (out.isTuple()) {
    for (const auto& item : out.toTupleRef().elements()) outs.push_back(item.toTensor());
  } else if (out.isTensorList()) {
    outs = out.toTensorVector();
  } else {
    throw Napi::TypeError::New(info.Env(), std::string("TorchScript forward returned ") + out.tagKind() +
                                               "; fastda supports a tensor or a tuple/list of tensors");
  }
  return wrapTensorList(info.Env(), outs);
}

template <bool Buffers>
Napi::Value jitNamedTensors(const Napi::CallbackInfo& info) {
  auto& module = unwrapModule(info[0]);
  auto out = Napi::Array::New(info.Env());
  uint32_t i = 0;
  auto add = [&](const std::string& name, const at::Tensor& value) {
    auto pair = Napi::Array::New(info.Env(), 2);
    pair.Set(0u, Napi::String::New(info.Env(), name));
    pair.Set(1u, wrapTensor(info.Env(), value));
    out.Set(i++, pair);
  };
  if (Buffers) {
    for (const auto& item : module.named_buffers(true)) add(item.name, item.value);
  } else {
    for (const auto& item : module.named_parameters(true)) add(item.name, item.value);
  }
  return out;
}

Napi::Value jitTrain(const Napi::CallbackInfo& info) {
  unwrapModule(info[0]).train(toBool(info[1], "mode"));
  return info.Env().Undefined();
}

}  // namespace

void initJit(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "jitLoad", jitLoad);
  FASTDA_EXPORT(exports, "jitForward", jitForward);
  FASTDA_EXPORT(exports, "jitNamedParameters", jitNamedTensors<false>);
  FASTDA_EXPORT(exports, "jitNamedBuffers", jitNamedTensors<true>);
  FASTDA_EXPORT(exports, "jitTrain", jitTrain);
}

}  // namespace fastda
