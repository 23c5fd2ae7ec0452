// Explicit tensor lifetime. V8's GC does not see native memory pressure inside
// a synchronous loop, so every tensor created inside `scope(fn)` is disposed
// when fn returns, except the tensors it returns and those passed to keep().

/** Brand that marks tensor objects without importing the Tensor class. */
export const TENSOR_BRAND: unique symbol = Symbol.for('fastda.tensor');

export interface Disposable {
  readonly [TENSOR_BRAND]: true;
  dispose(): void;
}

const scopeStack: Set<Disposable>[] = [];

/** Registers a freshly created tensor with the innermost open scope. */
export function track<T extends Disposable>(tensor: T): T {
  const top = scopeStack[scopeStack.length - 1];
  if (top !== undefined) top.add(tensor);
  return tensor;
}

/** Collects every tensor reachable through arrays, plain objects and Maps. */
export function collectTensors(value: unknown, found = new Set<Disposable>(), seen = new Set<unknown>()): Set<Disposable> {
  if (value === null || typeof value !== 'object' || seen.has(value)) return found;
  seen.add(value);
  if ((value as Partial<Disposable>)[TENSOR_BRAND] === true) {
    found.add(value as Disposable);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, found, seen);
  } else if (value instanceof Map) {
    for (const item of value.values()) collectTensors(item, found, seen);
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      for (const item of Object.values(value)) collectTensors(item, found, seen);
    }
  }
  return found;
}

/**
 * Removes the tensors in `value` from every open scope, so they outlive it.
 * The caller then owns them and must dispose() them.
 */
export function keep<T>(value: T): T {
  for (const tensor of collectTensors(value)) {
    for (const level of scopeStack) level.delete(tensor);
  }
  return value;
}

function isThenable(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Runs fn and disposes every tensor it created, except those reachable from its
 * result (which move to the enclosing scope, if any). fn must be synchronous:
 * tensor lifetimes across an await are the caller's to manage.
 */
export function scope<T>(fn: () => T): T {
  const created = new Set<Disposable>();
  scopeStack.push(created);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopeStack.pop();
    for (const tensor of created) tensor.dispose();
    throw error;
  }
  scopeStack.pop();
  if (isThenable(result)) {
    for (const tensor of created) tensor.dispose();
    throw new TypeError('scope() needs a synchronous function; it returned a Promise');
  }
  const survivors = collectTensors(result);
  for (const tensor of created) {
    if (!survivors.has(tensor)) tensor.dispose();
  }
  const parent = scopeStack[scopeStack.length - 1];
  if (parent !== undefined) {
    for (const tensor of survivors) if (created.has(tensor)) parent.add(tensor);
  }
  return result;
}

/** Number of currently open scopes (for diagnostics and tests). */
export function scopeDepth(): number {
  return scopeStack.length;
}

/** Disposes every tensor reachable from `value`. */
export function dispose(value: unknown): void {
  for (const tensor of collectTensors(value)) tensor.dispose();
}
