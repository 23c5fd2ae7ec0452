// Entry point of the fastda native addon.
#include "common.h"

namespace fastda {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  initTensor(env, exports);
  initOps(env, exports);
  initAutograd(env, exports);
  initFunctional(env, exports);
  initNn(env, exports);
  initOptim(env, exports);
  initSerialize(env, exports);
  initJit(env, exports);
  initData(env, exports);
  return exports;
}

}  // namespace fastda

// NODE_API_MODULE pastes the name into an identifier, so it needs an unqualified one.
static Napi::Object InitFastda(Napi::Env env, Napi::Object exports) { return fastda::init(env, exports); }
NODE_API_MODULE(fastda_native, InitFastda)
