// Deep merge of a child config over its base, carrying sources along:
// mappings merge key by key, anything else (scalars, lists) replaces;
// `_delete_: true` in a child mapping replaces the base mapping instead of
// merging into it. custom_imports lists are concatenated, because each file's
// imports register components that file relies on.
import { isObject } from '../registry/validate';
import { ConfigError } from './errors';
import type { LoadedConfig } from './parse';
import type { Segment, SourceMap } from './sources';

export const DELETE_KEY = '_delete_';

export function mergeConfigs(base: LoadedConfig, child: LoadedConfig): LoadedConfig {
  const sources = base.sources.clone();
  const data = mergeValue(base.data, child.data, [], sources, child.sources) as LoadedConfig['data'];
  return { file: child.file, data, sources, files: [...base.files, ...child.files] };
}

function deleteFlag(value: Record<string, unknown>, at: Segment[], sources: SourceMap): boolean {
  const flag = value[DELETE_KEY];
  if (flag === undefined) return false;
  if (typeof flag !== 'boolean') {
    const path = [...at, DELETE_KEY];
    throw new ConfigError({
      source: sources.find(path),
      path,
      message: `expected true or false, got ${JSON.stringify(flag)}`,
      hint: '`_delete_: true` makes this mapping replace the one inherited from _base_ instead of merging into it',
    });
  }
  return flag;
}

/**
 * Merges `child` (sources in `childSources`) over `base` at key path `at`.
 * `sources` holds the base's sources and is updated in place.
 */
export function mergeValue(
  base: unknown,
  child: unknown,
  at: Segment[],
  sources: SourceMap,
  childSources: SourceMap,
): unknown {
  if (isObject(child) && isObject(base) && !deleteFlag(child, at, childSources)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(child)) {
      if (key === DELETE_KEY) continue;
      const path = [...at, key];
      out[key] =
        at.length === 0 && key === 'custom_imports' && Array.isArray(base[key]) && Array.isArray(value)
          ? concatImports(base[key] as unknown[], value, sources, childSources)
          : mergeValue(base[key], value, path, sources, childSources);
    }
    const own = childSources.get(at);
    if (own) sources.set(at, own);
    return out;
  }
  sources.deleteSubtree(at);
  sources.copySubtree(childSources, at);
  return stripDeleteKeys(child, at, sources, childSources);
}

/** A replacing value has nothing to merge into: drop (and check) its `_delete_` keys. */
function stripDeleteKeys(value: unknown, at: Segment[], sources: SourceMap, childSources: SourceMap): unknown {
  if (Array.isArray(value)) return value.map((item, i) => stripDeleteKeys(item, [...at, i], sources, childSources));
  if (!isObject(value)) return value;
  if (deleteFlag(value, at, childSources)) sources.deleteSubtree([...at, DELETE_KEY]);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === DELETE_KEY) {
      sources.deleteSubtree([...at, key]);
      continue;
    }
    out[key] = stripDeleteKeys(item, [...at, key], sources, childSources);
  }
  return out;
}

function concatImports(base: unknown[], child: unknown[], sources: SourceMap, childSources: SourceMap): unknown[] {
  const out = [...base];
  child.forEach((entry, i) => {
    if (out.includes(entry)) return;
    sources.copySubtree(childSources, ['custom_imports', i], ['custom_imports', out.length]);
    out.push(entry);
  });
  return out;
}
