// Serialisation in PyTorch's own format: torch::pickle_save writes the zip
// archive that Python's torch.load reads. JS values map to IValues:
// tensor -> Tensor, number -> int/float, string, boolean, null -> None,
// array -> list, plain object -> dict[str, ...], Map with number keys -> dict[int, ...].
// Reading goes through readArchive + the TypeScript unpickler (src/torch/unpickle.ts).
#include "common.h"

#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/serialize.h>

namespace fastda {
namespace {

c10::IValue toIValue(const Napi::Value& value, int depth);

c10::IValue objectToDict(const Napi::Object& object, int depth) {
  c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
  auto keys = object.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    auto key = keys.Get(i);
    auto item = object.Get(key);
    if (item.IsUndefined()) continue;
    dict.insert(key.ToString().Utf8Value(), toIValue(item, depth + 1));
  }
  return dict;
}

c10::IValue mapToDict(const Napi::Object& map, int depth) {
  // Read entries through Array.from(map) to stay within the plain N-API surface.
  auto arrayFrom = map.Env().Global().Get("Array").As<Napi::Object>().Get("from").As<Napi::Function>();
  auto entries = arrayFrom.Call({map}).As<Napi::Array>();
  bool intKeys = true;
  for (uint32_t i = 0; i < entries.Length(); ++i) {
    if (!entries.Get(i).As<Napi::Array>().Get(0u).IsNumber()) intKeys = false;
  }
  c10::impl::GenericDict dict(intKeys ? c10::TypePtr(c10::IntType::get()) : c10::TypePtr(c10::StringType::get()),
                              c10::AnyType::get());
  for (uint32_t i = 0; i < entries.Length(); ++i) {
    auto entry = entries.Get(i).As<Napi::Array>();
    auto key = entry.Get(0u);
    c10::IValue keyValue = intKeys ? c10::IValue(toInt(key, "map key")) : c10::IValue(key.ToString().Utf8Value());
    dict.insert(keyValue, toIValue(entry.Get(1u), depth + 1));
  }
  return dict;
}

c10::IValue toIValue(const Napi::Value& value, int depth) {
  if (depth > 64) throw Napi::RangeError::New(value.Env(), "value nests too deeply to serialise (cycle?)");
  if (isNullish(value)) return c10::IValue();
  if (value.IsBoolean()) return c10::IValue(value.As<Napi::Boolean>().Value());
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) return c10::IValue(static_cast<int64_t>(d));
    return c10::IValue(d);
  }
  if (value.IsString()) return c10::IValue(value.As<Napi::String>().Utf8Value());
  if (isTensorHandle(value)) return c10::IValue(unwrapTensor(value, "tensor"));
  if (value.IsArray()) {
    auto array = value.As<Napi::Array>();
    c10::impl::GenericList list(c10::AnyType::get());
    list.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i) list.push_back(toIValue(array.Get(i), depth + 1));
    return list;
  }
  if (value.IsObject()) {
    auto object = value.As<Napi::Object>();
    auto mapCtor = value.Env().Global().Get("Map").As<Napi::Function>();
    if (object.InstanceOf(mapCtor)) return mapToDict(object, depth);
    return objectToDict(object, depth);
  }
  throw Napi::TypeError::New(value.Env(), "cannot serialise a value of this type (functions and symbols are not data)");
}

// pickleSave(value) -> Buffer holding a torch.save-compatible archive.
Napi::Value pickleSave(const Napi::CallbackInfo& info) {
  std::vector<char> bytes = torch::pickle_save(toIValue(info[0], 0));
  return Napi::Buffer<char>::Copy(info.Env(), bytes.data(), bytes.size());
}

// readArchive(buffer) -> [[recordName, Buffer], ...]: the records of a
// torch.save zip archive (data.pkl and the raw storages). The pickle itself is
// interpreted in TypeScript, which also understands PyTorch's OrderedDict state
// dicts that libtorch's own unpickler rejects.
Napi::Value readArchive(const Napi::CallbackInfo& info) {
  if (!info[0].IsBuffer()) throw Napi::TypeError::New(info.Env(), "expected a Buffer for 'data'");
  auto buffer = info[0].As<Napi::Buffer<char>>();
  auto adapter = std::make_shared<caffe2::serialize::MemoryReadAdapter>(buffer.Data(), static_cast<off_t>(buffer.Length()));
  caffe2::serialize::PyTorchStreamReader reader(adapter);
  auto names = reader.getAllRecords();
  auto out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    at::DataPtr data;
    size_t size = 0;
    std::tie(data, size) = reader.getRecord(names[i]);
    auto pair = Napi::Array::New(info.Env(), 2);
    pair.Set(0u, Napi::String::New(info.Env(), names[i]));
    pair.Set(1u, Napi::Buffer<char>::Copy(info.Env(), static_cast<const char*>(data.get()), size));
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

}  // namespace

void initSerialize(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "pickleSave", pickleSave);
  FASTDA_EXPORT(exports, "readArchive", readArchive);
}

}  // namespace fastda
