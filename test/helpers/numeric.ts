// Independent references for tensor tests: plain-JS float64 arithmetic and
// finite-difference gradients.
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';

export function flat(t: torch.Tensor): number[] {
  return Array.from(t.data() as Float64Array | Float32Array, Number);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, label = ''): void {
  assert.equal(actual.length, expected.length, `${label} length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const scale = Math.max(1, Math.abs(e));
    assert.ok(Math.abs(a - e) <= tol * scale, `${label}[${i}]: ${a} != ${e} (tol ${tol})`);
  }
}

/** Deterministic pseudo-random numbers (mulberry32), independent of libtorch's RNG. */
export function jsRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomValues(n: number, seed: number, lo = -1, hi = 1): number[] {
  const next = jsRandom(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * next());
}

/**
 * Checks d f(x)/dx from autograd against central finite differences in float64.
 * f maps the input tensor to a scalar tensor.
 */
export function gradCheck(f: (x: torch.Tensor) => torch.Tensor, values: number[], shape: number[], tol = 1e-6, eps = 1e-6): void {
  torch.scope(() => {
    const x = torch.tensor(values, { dtype: 'float64', shape }).requiresGrad_();
    f(x).backward();
    const analytic = flat(x.grad as torch.Tensor);
    const numeric = values.map((_, i) => {
      const at = (delta: number) =>
        torch.scope(() =>
          torch.noGrad(() => {
            const shifted = values.slice();
            shifted[i] = (shifted[i] as number) + delta;
            return f(torch.tensor(shifted, { dtype: 'float64', shape })).item();
          }),
        );
      return (at(eps) - at(-eps)) / (2 * eps);
    });
    assertClose(analytic, numeric, tol, 'gradient');
  });
}
