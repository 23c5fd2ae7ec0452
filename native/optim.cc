// Optimizer update rules, written after PyTorch's single-tensor SGD, Adam and
// AdamW so trajectories match torch.optim. Parameter groups, lr schedules and
// state bookkeeping live in TypeScript; one call updates one group.
#include "common.h"

namespace fastda {
namespace {

// sgdStep(params[], momentumBuffers[] (tensor|null), lr, momentum, dampening,
// weightDecay, nesterov, maximize) -> array of newly created buffers (or null).
Napi::Value sgdStep(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  auto params = unwrapTensorList(info[0], "params");
  auto buffers = info[1].As<Napi::Array>();
  double lr = toDouble(info[2], "lr"), momentum = toDouble(info[3], "momentum"), dampening = toDouble(info[4], "dampening");
  double weightDecay = toDouble(info[5], "weightDecay");
  bool nesterov = toBool(info[6], "nesterov"), maximize = toBool(info[7], "maximize");
  auto created = Napi::Array::New(info.Env(), params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    created.Set(static_cast<uint32_t>(i), info.Env().Null());
    at::Tensor& param = params[i];
    const at::Tensor& grad = param.grad();
    if (!grad.defined()) continue;
    at::Tensor step = maximize ? grad.neg() : grad;
    if (weightDecay != 0) step = step.add(param, weightDecay);
    if (momentum != 0) {
      Napi::Value bufferValue = buffers.Get(static_cast<uint32_t>(i));
      at::Tensor buffer;
      if (isNullish(bufferValue)) {
        buffer = step.clone().detach();
        created.Set(static_cast<uint32_t>(i), wrapTensor(info.Env(), buffer));
      } else {
        buffer = unwrapTensor(bufferValue, "momentumBuffer");
        buffer.mul_(momentum).add_(step, 1 - dampening);
      }
      step = nesterov ? step.add(buffer, momentum) : buffer;
    }
    param.add_(step, -lr);
  }
  return created;
}

// adamStep(params[], expAvg[], expAvgSq[], maxExpAvgSq[]|null, steps[], lr,
// beta1, beta2, eps, weightDecay, amsgrad, decoupledWeightDecay, maximize).
// steps[i] is the step count after this update (>= 1); state tensors are
// created by the caller (zeros), as torch.optim does.
Napi::Value adamStep(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  auto params = unwrapTensorList(info[0], "params");
  auto expAvgs = unwrapTensorList(info[1], "expAvg");
  auto expAvgSqs = unwrapTensorList(info[2], "expAvgSq");
  bool amsgrad = toBool(info[10], "amsgrad");
  std::vector<at::Tensor> maxExpAvgSqs;
  if (amsgrad) maxExpAvgSqs = unwrapTensorList(info[3], "maxExpAvgSq");
  auto steps = toIntVector(info[4], "steps");
  double lr = toDouble(info[5], "lr"), beta1 = toDouble(info[6], "beta1"), beta2 = toDouble(info[7], "beta2");
  double eps = toDouble(info[8], "eps"), weightDecay = toDouble(info[9], "weightDecay");
  bool decoupled = toBool(info[11], "decoupledWeightDecay"), maximize = toBool(info[12], "maximize");
  if (expAvgs.size() != params.size() || expAvgSqs.size() != params.size() || steps.size() != params.size() ||
      (amsgrad && maxExpAvgSqs.size() != params.size())) {
    throw Napi::RangeError::New(info.Env(), "adamStep: state lists must have one entry per parameter");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    at::Tensor& param = params[i];
    if (!param.grad().defined()) continue;
    at::Tensor grad = maximize ? param.grad().neg() : param.grad();
    if (weightDecay != 0) {
      if (decoupled) param.mul_(1 - lr * weightDecay);
      else grad = grad.add(param, weightDecay);
    }
    expAvgs[i].mul_(beta1).add_(grad, 1 - beta1);
    expAvgSqs[i].mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    double step = static_cast<double>(steps[i]);
    double biasCorrection1 = 1 - std::pow(beta1, step);
    double biasCorrection2Sqrt = std::sqrt(1 - std::pow(beta2, step));
    double stepSize = lr / biasCorrection1;
    at::Tensor denom;
    if (amsgrad) {
      at::maximum_out(maxExpAvgSqs[i], maxExpAvgSqs[i], expAvgSqs[i]);
      denom = (maxExpAvgSqs[i].sqrt() / biasCorrection2Sqrt).add_(eps);
    } else {
      denom = (expAvgSqs[i].sqrt() / biasCorrection2Sqrt).add_(eps);
    }
    param.addcdiv_(expAvgs[i], denom, -stepSize);
  }
  return info.Env().Undefined();
}

// clipGradNorm(params[], maxNorm, normType) -> total norm before clipping.
Napi::Value clipGradNorm(const Napi::CallbackInfo& info) {
  auto params = unwrapTensorList(info[0], "params");
  double total = torch::nn::utils::clip_grad_norm_(params, toDouble(info[1], "maxNorm"), toDouble(info[2], "normType"));
  return Napi::Number::New(info.Env(), total);
}

Napi::Value clipGradValue(const Napi::CallbackInfo& info) {
  auto params = unwrapTensorList(info[0], "params");
  torch::nn::utils::clip_grad_value_(params, toDouble(info[1], "clipValue"));
  return info.Env().Undefined();
}

}  // namespace

void initOptim(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "sgdStep", sgdStep);
  FASTDA_EXPORT(exports, "adamStep", adamStep);
  FASTDA_EXPORT(exports, "clipGradNorm", clipGradNorm);
  FASTDA_EXPORT(exports, "clipGradValue", clipGradValue);
}

}  // namespace fastda
