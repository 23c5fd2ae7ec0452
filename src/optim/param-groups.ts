// Splits a model's trainable parameters into optimizer groups: per-model lr
// multiplier, per-name-prefix multipliers (pretrained backbone 0.1x, new
// layers 1x) and weight-decay multipliers for biases and normalisation layers.
import { nn, type Tensor } from '../torch';
import type { ParamGroupInput } from '../torch/optim';

export interface Multipliers {
  lr_mult?: number;
  decay_mult?: number;
}

export interface ParamwiseConfig {
  /** Parameter-name prefix -> multipliers; the longest matching prefix wins. */
  custom_keys?: Record<string, Multipliers>;
  /** Weight-decay multiplier of every bias (0 = no decay on biases). */
  bias_decay_mult?: number;
  /** Weight-decay multiplier of BatchNorm weights and biases. */
  norm_decay_mult?: number;
}

export interface GroupSettings {
  lr: number;
  weightDecay: number;
  /** The model's own lr multiplier (models.<name>.lr_mult). */
  lrMult?: number;
  paramwise?: ParamwiseConfig;
  /** Model name, used to label the groups. */
  name: string;
}

function normParameterNames(model: nn.Module): Set<string> {
  const names = new Set<string>();
  for (const [prefix, module] of model.namedModules()) {
    if (module instanceof nn.BatchNorm1d || module instanceof nn.BatchNorm2d) {
      for (const [name] of module.namedParameters(prefix)) names.add(name);
    }
  }
  return names;
}

export function buildParamGroups(model: nn.Module, settings: GroupSettings): ParamGroupInput[] {
  const paramwise = settings.paramwise ?? {};
  const keys = Object.keys(paramwise.custom_keys ?? {}).sort((a, b) => b.length - a.length);
  const norms = normParameterNames(model);
  const groups = new Map<string, { params: Tensor[]; lrMult: number; decayMult: number }>();
  for (const [name, param] of model.namedParameters()) {
    if (!param.requiresGrad) continue; // frozen
    const key = keys.find((k) => name === k || name.startsWith(k.endsWith('.') ? k : `${k}.`) || name.startsWith(k));
    const custom = key ? (paramwise.custom_keys as Record<string, Multipliers>)[key] ?? {} : {};
    let decayMult = custom.decay_mult ?? 1;
    if (norms.has(name) && paramwise.norm_decay_mult !== undefined) decayMult = paramwise.norm_decay_mult;
    else if ((name === 'bias' || name.endsWith('.bias')) && paramwise.bias_decay_mult !== undefined) decayMult = paramwise.bias_decay_mult;
    const lrMult = custom.lr_mult ?? 1;
    const id = `${lrMult}|${decayMult}`;
    let group = groups.get(id);
    if (!group) {
      group = { params: [], lrMult, decayMult };
      groups.set(id, group);
    }
    group.params.push(param);
  }
  const modelMult = settings.lrMult ?? 1;
  return [...groups.values()].map((g) => {
    const tags = [g.lrMult !== 1 ? `lr x${g.lrMult}` : '', g.decayMult !== 1 ? `decay x${g.decayMult}` : ''].filter(Boolean);
    return {
      params: g.params,
      lr: settings.lr * modelMult * g.lrMult,
      weightDecay: settings.weightDecay * g.decayMult,
      name: tags.length ? `${settings.name}(${tags.join(', ')})` : settings.name,
    };
  });
}
