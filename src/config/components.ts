// Validates every component of a config (every mapping with a `type:` in a
// known place) against the registry it is built from: the type must be
// registered, and the options must match that component's schema.
import { registries as defaultRegistries, type Registries, type RegistryName } from '../registry';
import type { Registry } from '../registry/registry';
import { isObject, listNames, type OptionIssue } from '../registry/validate';
import { didYouMean } from '../util/suggest';
import { ConfigError, type ConfigIssue } from './errors';
import type { LoadedConfig } from './parse';
import { describeSource, type Segment, type Source } from './sources';

export interface ComponentSite {
  path: Segment[];
  registry: RegistryName;
  config: Record<string, unknown>;
  /**
   * For a per-model optimizer/lr_scheduler without its own type: the shared
   * models.<key> it is merged over.
   */
  inheritsFrom?: Segment[];
}

/** Shared defaults under `models:` that are not models themselves. */
export const SHARED_MODEL_KEYS: Record<string, RegistryName> = {
  optimizer: 'optimizers',
  lr_scheduler: 'lr_schedulers',
};

/** Every place a component is built from, in config order. */
export function componentSites(data: Record<string, any>): ComponentSite[] {
  const sites: ComponentSite[] = [];
  const add = (path: Segment[], registry: RegistryName, value: unknown) => {
    if (isObject(value)) sites.push({ path, registry, config: value });
  };

  for (const group of ['train', 'test']) {
    const sets = data.datasets?.[group];
    if (!isObject(sets)) continue;
    for (const [name, dataset] of Object.entries(sets)) {
      add(['datasets', group, name], 'datasets', dataset);
      const transforms = isObject(dataset) ? dataset.transforms : undefined;
      if (Array.isArray(transforms)) {
        transforms.forEach((t, i) => add(['datasets', group, name, 'transforms', i], 'transforms', t));
      }
    }
  }

  if (isObject(data.models)) {
    for (const [name, model] of Object.entries(data.models)) {
      if (name in SHARED_MODEL_KEYS) {
        add(['models', name], SHARED_MODEL_KEYS[name], model);
        continue;
      }
      add(['models', name], 'models', model);
      if (!isObject(model)) continue;
      for (const [key, registry] of Object.entries(SHARED_MODEL_KEYS)) {
        const own = model[key];
        if (!isObject(own)) continue;
        const shared = data.models[key];
        if (own.type === undefined && isObject(shared)) {
          sites.push({ path: ['models', name, key], registry, config: { ...shared, ...own }, inheritsFrom: ['models', key] });
        } else {
          add(['models', name, key], registry, own);
        }
      }
    }
  }

  add(['trainer'], 'trainers', data.trainer);
  add(['validator'], 'validators', data.validator);
  if (Array.isArray(data.hooks)) data.hooks.forEach((h: unknown, i: number) => add(['hooks', i], 'hooks', h));
  return sites;
}

/** Position in the merge order: later files and command-line values override earlier ones. */
function mergeRank(config: LoadedConfig, source: Source): number {
  const index = config.files.lastIndexOf(source.file);
  return index >= 0 ? index : Infinity;
}

function isPerModelShared(path: Segment[]): boolean {
  return path.length === 3 && path[0] === 'models' && String(path[2]) in SHARED_MODEL_KEYS;
}

function checkSite(site: ComponentSite, registry: Registry<unknown, any[]>, config: LoadedConfig): ConfigIssue[] {
  const { type, ...options } = site.config;
  const typePath = [...site.path, 'type'];
  if (typeof type !== 'string' || type === '') {
    return [
      {
        source: config.sources.find(site.path),
        path: site.path,
        message: isPerModelShared(site.path)
          ? `missing required key 'type', and there is no shared models.${String(site.path[2])} to inherit it from`
          : `missing required key 'type'`,
        hint: `name the ${registry.kind} to build, e.g. 'type: ${registry.names()[0] ?? 'Name'}' (see \`fastda list ${registry.name}\`)`,
      },
    ];
  }
  if (!registry.has(type)) {
    const names = registry.names();
    return [
      {
        source: config.sources.find(site.inheritsFrom ? [...site.inheritsFrom, 'type'] : typePath),
        path: site.inheritsFrom ? [...site.inheritsFrom, 'type'] : typePath,
        message: `unknown ${registry.kind} type '${type}'`,
        suggestion: didYouMean(type, names),
        expected: names.length > 0 ? `one of the registered ${registry.name}: ${listNames(names)}` : `a registered ${registry.kind} (none are registered)`,
        hint: `\`fastda list ${registry.name}\` shows what is registered; register your own through custom_imports`,
      },
    ];
  }
  let issues: OptionIssue[] = registry.validate(type, options);
  if (site.inheritsFrom) {
    // keys inherited from the shared entry are reported where they are written
    const own = Object.keys((config.data.models as any)[site.path[1]][site.path[2]]);
    issues = issues.filter((i) => i.kind !== 'unknown-key' || own.includes(String(i.path[0])));
  }
  return issues.map((issue) => {
    const path = [...site.path, ...issue.path];
    const source = config.sources.find(path);
    let message = issue.message;
    let hint: string | undefined;
    if (issue.kind === 'unknown-key' || issue.kind === 'missing-key') {
      message += ` for ${registry.kind} '${type}'`;
    }
    const typeSource = config.sources.find(typePath);
    // Only when the type was set after (over) the file the key was inherited from.
    if (issue.kind === 'unknown-key' && source && typeSource && mergeRank(config, typeSource) > mergeRank(config, source)) {
      hint =
        `this key comes from ${describeSource(source)} but 'type: ${type}' is set in ${describeSource(typeSource)}; ` +
        `to replace the inherited mapping instead of merging into it, add '_delete_: true' next to the new type`;
    }
    return { source, path, message, expected: issue.expected, suggestion: issue.suggestion, hint };
  });
}

/** Throws a ConfigError listing every component problem of the config. */
export function validateComponents(config: LoadedConfig, registries: Registries = defaultRegistries): void {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const site of componentSites(config.data)) {
    for (const issue of checkSite(site, registries[site.registry] as Registry<unknown, any[]>, config)) {
      // a shared optimizer's problem shows up once, not once per model inheriting it
      const key = JSON.stringify([issue.path, issue.message]);
      if (!seen.has(key)) issues.push(issue);
      seen.add(key);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
