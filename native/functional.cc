// Losses and activations of the functional namespace (torch.nn.functional).
#include "common.h"

namespace fastda {
namespace {

Napi::Value softmax(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").softmax(toInt(info[1], "dim")));
}

Napi::Value logSoftmax(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").log_softmax(toInt(info[1], "dim")));
}

Napi::Value dropout(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::dropout(unwrapTensor(info[0], "input"), toDouble(info[1], "p"), toBool(info[2], "training")));
}

Napi::Value linear(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::linear(unwrapTensor(info[0], "input"), unwrapTensor(info[1], "weight"),
                                           toOptionalTensor(info[2], "bias")));
}

// crossEntropy(input, target, weight|null, reduction, ignoreIndex, labelSmoothing)
// Class-index targets (int64) or class-probability targets (float).
Napi::Value crossEntropy(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(),
                    at::cross_entropy_loss(unwrapTensor(info[0], "input"), unwrapTensor(info[1], "target"),
                                           toOptionalTensor(info[2], "weight"), toReduction(info[3]),
                                           isNullish(info[4]) ? -100 : toInt(info[4], "ignoreIndex"),
                                           isNullish(info[5]) ? 0.0 : toDouble(info[5], "labelSmoothing")));
}

// nllLoss(input, target, weight|null, reduction, ignoreIndex)
Napi::Value nllLoss(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::nll_loss(unwrapTensor(info[0], "input"), unwrapTensor(info[1], "target"),
                                             toOptionalTensor(info[2], "weight"), toReduction(info[3]),
                                             isNullish(info[4]) ? -100 : toInt(info[4], "ignoreIndex")));
}

// binaryCrossEntropy(input, target, weight|null, reduction): input holds probabilities.
Napi::Value binaryCrossEntropy(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::binary_cross_entropy(unwrapTensor(info[0], "input"), unwrapTensor(info[1], "target"),
                                                         toOptionalTensor(info[2], "weight"), toReduction(info[3])));
}

// binaryCrossEntropyWithLogits(input, target, weight|null, reduction, posWeight|null)
Napi::Value binaryCrossEntropyWithLogits(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::binary_cross_entropy_with_logits(
                                    unwrapTensor(info[0], "input"), unwrapTensor(info[1], "target"),
                                    toOptionalTensor(info[2], "weight"), toOptionalTensor(info[4], "posWeight"),
                                    toReduction(info[3])));
}

Napi::Value mseLoss(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(),
                    at::mse_loss(unwrapTensor(info[0], "input"), unwrapTensor(info[1], "target"), toReduction(info[2])));
}

// klDiv(input, target, reduction, logTarget): input holds log-probabilities.
// 'batchmean' divides the sum by the batch size, as PyTorch recommends.
Napi::Value klDiv(const Napi::CallbackInfo& info) {
  const at::Tensor& input = unwrapTensor(info[0], "input");
  const at::Tensor& target = unwrapTensor(info[1], "target");
  bool logTarget = !isNullish(info[3]) && toBool(info[3], "logTarget");
  if (!isNullish(info[2]) && toString(info[2], "reduction") == "batchmean") {
    at::Tensor total = at::kl_div(input, target, at::Reduction::Sum, logTarget);
    return wrapTensor(info.Env(), input.dim() > 0 ? total.div(input.size(0)) : total);
  }
  return wrapTensor(info.Env(), at::kl_div(input, target, toReduction(info[2]), logTarget));
}

}  // namespace

void initFunctional(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "softmax", softmax);
  FASTDA_EXPORT(exports, "logSoftmax", logSoftmax);
  FASTDA_EXPORT(exports, "dropout", dropout);
  FASTDA_EXPORT(exports, "linear", linear);
  FASTDA_EXPORT(exports, "crossEntropy", crossEntropy);
  FASTDA_EXPORT(exports, "nllLoss", nllLoss);
  FASTDA_EXPORT(exports, "binaryCrossEntropy", binaryCrossEntropy);
  FASTDA_EXPORT(exports, "binaryCrossEntropyWithLogits", binaryCrossEntropyWithLogits);
  FASTDA_EXPORT(exports, "mseLoss", mseLoss);
  FASTDA_EXPORT(exports, "klDiv", klDiv);
}

}  // namespace fastda
