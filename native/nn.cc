// Layer kernels (convolution, normalisation, pooling, feature dropout) and
// parameter initialisers. Module structure and names live in TypeScript.
#include "common.h"

namespace fastda {
namespace {

// conv2d(input, weight, bias|null, stride[2], padding[2], dilation[2], groups)
Napi::Value conv2d(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::conv2d(unwrapTensor(info[0], "input"), unwrapTensor(info[1], "weight"),
                                           toOptionalTensor(info[2], "bias"), toIntVector(info[3], "stride"),
                                           toIntVector(info[4], "padding"), toIntVector(info[5], "dilation"),
                                           toInt(info[6], "groups")));
}

// batchNorm(input, weight|null, bias|null, runningMean|null, runningVar|null,
// training, momentum, eps): updates the running statistics in place when training.
Napi::Value batchNorm(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::batch_norm(unwrapTensor(info[0], "input"), toOptionalTensor(info[1], "weight"),
                                               toOptionalTensor(info[2], "bias"), toOptionalTensor(info[3], "runningMean"),
                                               toOptionalTensor(info[4], "runningVar"), toBool(info[5], "training"),
                                               toDouble(info[6], "momentum"), toDouble(info[7], "eps"),
                                               /*cudnn_enabled=*/true));
}

// maxPool2d(input, kernel[2], stride[2], padding[2], dilation[2], ceilMode)
Napi::Value maxPool2d(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::max_pool2d(unwrapTensor(info[0], "input"), toIntVector(info[1], "kernelSize"),
                                               toIntVector(info[2], "stride"), toIntVector(info[3], "padding"),
                                               toIntVector(info[4], "dilation"), toBool(info[5], "ceilMode")));
}

// avgPool2d(input, kernel[2], stride[2], padding[2], ceilMode, countIncludePad)
Napi::Value avgPool2d(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::avg_pool2d(unwrapTensor(info[0], "input"), toIntVector(info[1], "kernelSize"),
                                               toIntVector(info[2], "stride"), toIntVector(info[3], "padding"),
                                               toBool(info[4], "ceilMode"), toBool(info[5], "countIncludePad")));
}

Napi::Value adaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::adaptive_avg_pool2d(unwrapTensor(info[0], "input"), toIntVector(info[1], "outputSize")));
}

// Dropout2d: zeroes whole channels.
Napi::Value featureDropout(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(),
                    at::feature_dropout(unwrapTensor(info[0], "input"), toDouble(info[1], "p"), toBool(info[2], "training")));
}

// Initialisers write in place without recording autograd history.
Napi::Value uniformInit(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  unwrapTensor(info[0], "tensor").uniform_(toDouble(info[1], "low"), toDouble(info[2], "high"));
  return info.Env().Undefined();
}

Napi::Value normalInit(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  unwrapTensor(info[0], "tensor").normal_(toDouble(info[1], "mean"), toDouble(info[2], "std"));
  return info.Env().Undefined();
}

torch::nn::init::FanModeType fanMode(const Napi::Value& value) {
  std::string mode = toString(value, "mode");
  if (mode == "fan_in") return torch::kFanIn;
  if (mode == "fan_out") return torch::kFanOut;
  throw Napi::TypeError::New(value.Env(), "unknown fan mode '" + mode + "' (expected fan_in or fan_out)");
}

torch::nn::init::NonlinearityType nonlinearity(const Napi::Value& value) {
  std::string name = toString(value, "nonlinearity");
  if (name == "relu") return torch::kReLU;
  if (name == "leaky_relu") return torch::kLeakyReLU;
  if (name == "linear") return torch::kLinear;
  if (name == "tanh") return torch::kTanh;
  if (name == "sigmoid") return torch::kSigmoid;
  throw Napi::TypeError::New(value.Env(), "unknown nonlinearity '" + name + "'");
}

// kaimingUniform(tensor, a, mode, nonlinearity)
Napi::Value kaimingUniform(const Napi::CallbackInfo& info) {
  torch::nn::init::kaiming_uniform_(unwrapTensor(info[0], "tensor"), toDouble(info[1], "a"), fanMode(info[2]), nonlinearity(info[3]));
  return info.Env().Undefined();
}

Napi::Value kaimingNormal(const Napi::CallbackInfo& info) {
  torch::nn::init::kaiming_normal_(unwrapTensor(info[0], "tensor"), toDouble(info[1], "a"), fanMode(info[2]), nonlinearity(info[3]));
  return info.Env().Undefined();
}

Napi::Value xavierUniform(const Napi::CallbackInfo& info) {
  torch::nn::init::xavier_uniform_(unwrapTensor(info[0], "tensor"), toDouble(info[1], "gain"));
  return info.Env().Undefined();
}

// setData(param, source): swaps the storage (e.g. device moves) while keeping
// the tensor's identity, so optimizers holding it stay valid.
Napi::Value setData(const Napi::CallbackInfo& info) {
  unwrapTensor(info[0], "tensor").set_data(unwrapTensor(info[1], "source"));
  return info.Env().Undefined();
}

}  // namespace

void initNn(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "conv2d", conv2d);
  FASTDA_EXPORT(exports, "batchNorm", batchNorm);
  FASTDA_EXPORT(exports, "maxPool2d", maxPool2d);
  FASTDA_EXPORT(exports, "avgPool2d", avgPool2d);
  FASTDA_EXPORT(exports, "adaptiveAvgPool2d", adaptiveAvgPool2d);
  FASTDA_EXPORT(exports, "featureDropout", featureDropout);
  FASTDA_EXPORT(exports, "uniformInit", uniformInit);
  FASTDA_EXPORT(exports, "normalInit", normalInit);
  FASTDA_EXPORT(exports, "kaimingUniform", kaimingUniform);
  FASTDA_EXPORT(exports, "kaimingNormal", kaimingNormal);
  FASTDA_EXPORT(exports, "xavierUniform", xavierUniform);
  FASTDA_EXPORT(exports, "setData", setData);
}

}  // namespace fastda
