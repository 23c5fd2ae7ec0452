// Builds a model from its config: registry lookup and option checks, then the
// generic keys every model accepts (pretrained weights, frozen).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../torch';
import type { nn } from '../torch';
import { models } from '../registry';

export interface BuildModelOptions {
  /** Directory that relative `pretrained` paths are resolved against. */
  baseDir?: string;
  /** Name used in error messages ("models.backbone"). */
  name?: string;
}

/** Reads a weights file: a plain state dict, or a dict holding one under state_dict/model. */
export function loadWeights(file: string): Map<string, torch.Tensor> {
  if (!fs.existsSync(file)) throw new Error(`pretrained weights not found: ${file}`);
  const loaded = torch.loadFromBuffer(fs.readFileSync(file), file);
  let dict = loaded as Record<string, unknown>;
  for (const key of ['state_dict', 'model']) {
    if (dict && typeof dict === 'object' && !(dict instanceof torch.Tensor) && key in dict && !(dict[key] instanceof torch.Tensor)) {
      dict = dict[key] as Record<string, unknown>;
    }
  }
  const entries = Object.entries(dict ?? {}).filter(([, v]) => v instanceof torch.Tensor) as [string, torch.Tensor][];
  if (entries.length === 0) throw new Error(`${file} holds no tensors to load as model weights`);
  // Weights saved from nn.DataParallel/DistributedDataParallel carry a "module." prefix.
  return new Map(entries.map(([k, v]) => [k.startsWith('module.') ? k.slice(7) : k, v]));
}

export function buildModel(config: Record<string, any>, options: BuildModelOptions = {}): nn.Module {
  const model = models.build(config) as nn.Module;
  const label = options.name ?? `model '${config.type}'`;
  if (config.pretrained === true) {
    throw new Error(
      `${label}: pretrained: true needs weights, and fastda downloads nothing; save them once in Python ` +
        `(torch.save(torchvision.models.resnet50(weights="DEFAULT").state_dict(), "resnet50.pth")) and set pretrained: <path>`,
    );
  }
  if (typeof config.pretrained === 'string') {
    const file = path.resolve(options.baseDir ?? process.cwd(), config.pretrained);
    const weights = loadWeights(file);
    const own = new Set(model.stateDict().keys());
    // A feature extractor built without torchvision's classifier ignores its weights.
    for (const key of [...weights.keys()]) if (key.startsWith('fc.') && !own.has(key)) weights.delete(key);
    model.loadStateDict(weights, { context: `${label}: cannot load pretrained weights ${file}` });
    torch.dispose([...weights.values()]);
  }
  if (config.frozen) model.requiresGrad_(false);
  return model;
}
