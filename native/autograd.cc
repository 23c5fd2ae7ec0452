// Autograd: requires_grad, backward, grad access, grad mode and the
// gradient-reversal layer used by adversarial DA methods.
#include "common.h"

namespace fastda {
namespace {

// Identity forward, gradient multiplied by -coeff backward. The coefficient is
// an argument of each call and lives in the graph node, never in a global.
struct GradientReversal : public torch::autograd::Function<GradientReversal> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, double coeff) {
    ctx->saved_data["coeff"] = coeff;
    return input.clone();
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradOutputs) {
    double coeff = ctx->saved_data["coeff"].toDouble();
    return {gradOutputs[0].mul(-coeff), at::Tensor()};
  }
};

Napi::Value gradReverse(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), GradientReversal::apply(unwrapTensor(info[0], "input"), toDouble(info[1], "coeff")));
}

Napi::Value requiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), unwrapTensor(info[0]).requires_grad());
}

Napi::Value setRequiresGrad(const Napi::CallbackInfo& info) {
  unwrapTensor(info[0]).set_requires_grad(toBool(info[1], "requiresGrad"));
  return info.Env().Undefined();
}

Napi::Value isLeaf(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), unwrapTensor(info[0]).is_leaf()); }

// backward(tensor, gradient|null, retainGraph)
Napi::Value backward(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "tensor");
  auto gradient = toOptionalTensor(info[1], "gradient");
  bool retain = !isNullish(info[2]) && toBool(info[2], "retainGraph");
  if (!t.requires_grad()) {
    throw Napi::Error::New(info.Env(), "backward() on a tensor that does not require grad (no parameter or "
                                       "requiresGrad input reaches it, or it was computed under noGrad)");
  }
  if (!gradient && t.numel() != 1) {
    throw Napi::Error::New(info.Env(), "backward() without a gradient needs a scalar (one element) tensor, got shape " +
                                           c10::str(t.sizes()));
  }
  t.backward(gradient.value_or(at::Tensor()), retain);
  return info.Env().Undefined();
}

Napi::Value grad(const Napi::CallbackInfo& info) {
  const at::Tensor& g = unwrapTensor(info[0]).grad();
  if (!g.defined()) return info.Env().Null();
  return wrapTensor(info.Env(), g);
}

// hasGrad(tensor): whether a gradient is set, without wrapping it in a new
// handle (a handle would keep the gradient alive until it is collected).
Napi::Value hasGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), unwrapTensor(info[0]).grad().defined());
}

Napi::Value setGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0]);
  if (isNullish(info[1])) t.mutable_grad().reset();
  else t.mutable_grad() = unwrapTensor(info[1], "grad");
  return info.Env().Undefined();
}

// zeroGrad(tensor, setToNone): like torch.optim's zero_grad for one tensor.
Napi::Value zeroGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0]);
  bool setToNone = isNullish(info[1]) || toBool(info[1], "setToNone");
  at::Tensor& g = t.mutable_grad();
  if (!g.defined()) return info.Env().Undefined();
  if (setToNone) {
    g.reset();
  } else {
    if (g.grad_fn()) g = g.detach();
    else g.requires_grad_(false);
    g.zero_();
  }
  return info.Env().Undefined();
}

Napi::Value isGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

Napi::Value setGradEnabled(const Napi::CallbackInfo& info) {
  at::GradMode::set_enabled(toBool(info[0], "enabled"));
  return info.Env().Undefined();
}

Napi::Value gradFnName(const Napi::CallbackInfo& info) {
  const auto& fn = unwrapTensor(info[0]).grad_fn();
  if (!fn) return info.Env().Null();
  return Napi::String::New(info.Env(), fn->name());
}

}  // namespace

void initAutograd(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "gradReverse", gradReverse);
  FASTDA_EXPORT(exports, "requiresGrad", requiresGrad);
  FASTDA_EXPORT(exports, "setRequiresGrad", setRequiresGrad);
  FASTDA_EXPORT(exports, "isLeaf", isLeaf);
  FASTDA_EXPORT(exports, "backward", backward);
  FASTDA_EXPORT(exports, "grad", grad);
  FASTDA_EXPORT(exports, "hasGrad", hasGrad);
  FASTDA_EXPORT(exports, "setGrad", setGrad);
  FASTDA_EXPORT(exports, "zeroGrad", zeroGrad);
  FASTDA_EXPORT(exports, "isGradEnabled", isGradEnabled);
  FASTDA_EXPORT(exports, "setGradEnabled", setGradEnabled);
  FASTDA_EXPORT(exports, "gradFnName", gradFnName);
}

}  // namespace fastda
