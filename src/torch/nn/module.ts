// Module: a tree of named parameters, buffers and child modules with PyTorch's
// naming ("layer1.0.conv1.weight"), state dicts and train/eval modes.
// Composition lives here in TypeScript so that researchers can write their own
// modules; the compute of every layer is a native libtorch kernel.
import { native } from '../native';
import { Tensor } from '../tensor';
import { keep } from '../scope';
import { noGrad } from '../autograd';

export type StateDict = Map<string, Tensor>;

export interface LoadReport {
  missingKeys: string[];
  unexpectedKeys: string[];
  mismatchedKeys: { key: string; expected: number[]; got: number[] }[];
}

/** Raised by a strict loadStateDict; the message lists every problem key. */
export class StateDictError extends Error {
  constructor(
    readonly report: LoadReport,
    context: string,
  ) {
    const lines: string[] = [];
    const list = (keys: string[]) => keys.slice(0, 20).join(', ') + (keys.length > 20 ? `, … (${keys.length} in all)` : '');
    if (report.missingKeys.length) lines.push(`  missing keys: ${list(report.missingKeys)}`);
    if (report.unexpectedKeys.length) lines.push(`  unexpected keys: ${list(report.unexpectedKeys)}`);
    for (const m of report.mismatchedKeys.slice(0, 20)) {
      lines.push(`  size mismatch for ${m.key}: checkpoint has [${m.got.join(', ')}], model has [${m.expected.join(', ')}]`);
    }
    super(`${context}:\n${lines.join('\n')}`);
    this.name = 'StateDictError';
  }
}

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

export abstract class Module {
  training = true;
  private readonly ownParameters = new Map<string, Tensor | null>();
  private readonly ownBuffers = new Map<string, { tensor: Tensor | null; persistent: boolean }>();
  private readonly childModules = new Map<string, Module>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  abstract forward(...inputs: any[]): any;

  /** Registers a trainable tensor; it is kept out of any open scope. */
  protected registerParameter(name: string, tensor: Tensor | null): Tensor {
    this.checkName(name);
    if (tensor) {
      keep(tensor);
      if (!tensor.requiresGrad) tensor.requiresGrad_(true);
    }
    this.ownParameters.set(name, tensor);
    return tensor as Tensor;
  }

  /** Registers state that is saved but not trained (e.g. BatchNorm statistics). */
  protected registerBuffer(name: string, tensor: Tensor | null, persistent = true): Tensor {
    this.checkName(name);
    if (tensor) keep(tensor);
    this.ownBuffers.set(name, { tensor, persistent });
    return tensor as Tensor;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkName(name);
    this.childModules.set(name, module);
    return module;
  }

  private checkName(name: string): void {
    if (name === '' || name.includes('.')) throw new Error(`invalid module member name '${name}' (non-empty, no dots)`);
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.childModules.has(name)) {
      throw new Error(`'${name}' is already registered on ${this.constructor.name}`);
    }
  }

  /** Direct children in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.childModules];
  }

  /** This module and every descendant, pre-order, with dotted names. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childModules) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /** Own parameters, then each child's, with dotted names (PyTorch's order). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, tensor] of this.ownParameters) if (tensor) out.push([join(prefix, name), tensor]);
    for (const [name, child] of this.childModules) out.push(...child.namedParameters(join(prefix, name)));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, { tensor }] of this.ownBuffers) if (tensor) out.push([join(prefix, name), tensor]);
    for (const [name, child] of this.childModules) out.push(...child.namedBuffers(join(prefix, name)));
    return out;
  }

  /** Number of parameter elements (all, or only trainable ones). */
  numParameters(trainableOnly = false): number {
    return this.parameters()
      .filter((p) => !trainableOnly || p.requiresGrad)
      .reduce((sum, p) => sum + p.numel, 0);
  }

  train(mode = true): this {
    this.training = mode;
    for (const [, child] of this.childModules) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Freezes (false) or unfreezes (true) every parameter. */
  requiresGrad_(value: boolean): this {
    for (const p of this.parameters()) p.requiresGrad = value;
    return this;
  }

  /** Moves parameters and buffers in place (tensor identity is kept for optimizers). */
  to(device: string): this {
    noGrad(() => {
      for (const [, tensor] of [...this.namedParameters(), ...this.namedBuffers()]) {
        if (tensor.device === device) continue;
        const moved = tensor.to({ device });
        native.setData(tensor.handle, moved.handle);
        moved.dispose();
      }
    });
    return this;
  }

  /**
   * Parameters then persistent buffers of each module, pre-order: the same
   * keys and order as PyTorch's state_dict(). Tensors are shared, not copied.
   */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = new Map();
    for (const [name, tensor] of this.ownParameters) if (tensor) out.set(join(prefix, name), tensor);
    for (const [name, { tensor, persistent }] of this.ownBuffers) if (tensor && persistent) out.set(join(prefix, name), tensor);
    for (const [name, child] of this.childModules) for (const entry of child.stateDict(join(prefix, name))) out.set(...entry);
    return out;
  }

  /**
   * Copies values from a state dict (Map or plain object of tensors). strict
   * (the default) throws a StateDictError listing missing, unexpected and
   * mis-shaped keys; non-strict loads what matches and returns the report.
   */
  loadStateDict(source: StateDict | Record<string, unknown>, options: { strict?: boolean; context?: string } = {}): LoadReport {
    const entries = source instanceof Map ? source : new Map(Object.entries(source));
    const own = this.stateDict();
    const report: LoadReport = { missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] };
    for (const key of own.keys()) if (!entries.has(key)) report.missingKeys.push(key);
    for (const key of entries.keys()) if (!own.has(key)) report.unexpectedKeys.push(key);
    const matches: [Tensor, Tensor][] = [];
    for (const [key, target] of own) {
      const value = entries.get(key);
      if (!(value instanceof Tensor)) {
        if (value !== undefined) report.mismatchedKeys.push({ key, expected: target.shape, got: [] });
        continue;
      }
      const expected = target.shape;
      const got = value.shape;
      if (expected.length !== got.length || expected.some((d, i) => d !== got[i])) {
        report.mismatchedKeys.push({ key, expected, got });
      } else {
        matches.push([target, value]);
      }
    }
    const strict = options.strict ?? true;
    const problems = report.missingKeys.length + report.unexpectedKeys.length + report.mismatchedKeys.length;
    if (strict && problems > 0) {
      throw new StateDictError(report, options.context ?? `error loading state dict into ${this.constructor.name}`);
    }
    // Mismatched shapes are never loaded, even when not strict.
    noGrad(() => {
      for (const [target, value] of matches) target.copy_(value);
    });
    return report;
  }

  /** Frees every parameter and buffer of this module tree. */
  dispose(): void {
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }
}
