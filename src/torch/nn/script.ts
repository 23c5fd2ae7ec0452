// A TorchScript model (torch.jit.script/trace(...).save()) as a fastda Module:
// forward, parameters, buffers, train/eval and state dicts all go through the
// loaded graph, so any exported PyTorch model can be trained here.
import * as fs from 'node:fs';
import { native, type ScriptHandle } from '../native';
import { Tensor } from '../tensor';
import { keep } from '../scope';
import { Module, type StateDict } from './module';

export class ScriptModule extends Module {
  private readonly script: ScriptHandle;
  private readonly params: [string, Tensor][];
  private readonly buffers: [string, Tensor][];

  constructor(
    readonly path: string,
    device?: string,
  ) {
    super();
    if (!fs.existsSync(path)) throw new Error(`TorchScript file not found: ${path}`);
    try {
      this.script = native.jitLoad(path, device ?? null);
    } catch (error) {
      throw new Error(`cannot load TorchScript model ${path}: ${(error as Error).message.split('\n')[0]}`);
    }
    // Handles share the module's tensors: optimizers update the graph's weights.
    this.params = native.jitNamedParameters(this.script).map(([name, h]) => [name, keep(new Tensor(h))]);
    this.buffers = native.jitNamedBuffers(this.script).map(([name, h]) => [name, keep(new Tensor(h))]);
  }

  forward(...inputs: Tensor[]): Tensor | Tensor[] {
    const out = native.jitForward(this.script, inputs.map((t) => t.handle));
    return Array.isArray(out) ? out.map((h) => new Tensor(h)) : new Tensor(out);
  }

  override namedParameters(prefix = ''): [string, Tensor][] {
    return this.params.map(([name, t]) => [prefix ? `${prefix}.${name}` : name, t]);
  }

  override namedBuffers(prefix = ''): [string, Tensor][] {
    return this.buffers.map(([name, t]) => [prefix ? `${prefix}.${name}` : name, t]);
  }

  override stateDict(prefix = ''): StateDict {
    return new Map([...this.namedParameters(prefix), ...this.namedBuffers(prefix)]);
  }

  override train(mode = true): this {
    native.jitTrain(this.script, mode);
    this.training = mode;
    return this;
  }
}
