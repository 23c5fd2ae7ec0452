// Entry point of the fastda native addon.
#include "common.h"

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace fastda {

// glibc returns freed tensor buffers of a few MiB to the kernel (munmap, or
// trimming the heap top) and every step then faults them in again: a LeNet
// DANN step spent ~15% of its time zeroing fresh pages. Keep buffers below
// 32 MiB in the heap and trim only above 256 MiB of free space at its top.
// Left alone when the user tunes malloc through the environment.
static void tuneMalloc() {
#if defined(__GLIBC__)
  if (std::getenv("GLIBC_TUNABLES") || std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_")) return;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  tuneMalloc();
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
