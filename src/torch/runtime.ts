// Process-wide libtorch settings: seeding, RNG state, threads, devices.
import { native } from './native';
import { Tensor } from './tensor';

/** Seeds libtorch's default generators (CPU, and CUDA when present). */
export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}

/** The CPU generator's state (uint8 tensor), for exact resume. */
export function getRngState(): Tensor {
  return new Tensor(native.getRngState());
}

export function setRngState(state: Tensor): void {
  native.setRngState(state.handle);
}

/**
 * Intra-op threads used by CPU kernels, and the size of OpenBLAS's own pool
 * unless OPENBLAS_NUM_THREADS is set (docs/benchmarks.md: what is fastest).
 */
export function setNumThreads(threads: number): void {
  native.setNumThreads(threads);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

/** OpenBLAS's thread count, or null when libtorch's BLAS is not OpenBLAS. */
export function blasThreads(): number | null {
  return native.blasThreads();
}

/** Inter-op threads; libtorch allows setting this once, before any parallel work. */
export function setNumInteropThreads(threads: number): void {
  native.setNumInteropThreads(threads);
}

export function cudaIsAvailable(): boolean {
  return native.cudaAvailable();
}

export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/** libtorch version, CUDA support and the threading backend of this build. */
export function buildInfo(): { torchVersion: string; cuda: boolean; parallelInfo: string } {
  return native.buildInfo();
}

/** Number of native tensors alive right now (not yet disposed or collected). */
export function liveTensorCount(): number {
  return native.liveTensorCount();
}
