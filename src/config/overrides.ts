// --cfg-options key.path=value overrides, applied after inheritance.
// Values are read as YAML flow scalars/collections: 3 -> number, true ->
// boolean, null, [1, 2] -> list, {a: 1} -> mapping (merged like a child
// config), "quoted" or 'quoted' -> string, anything else -> string.
// List items are addressed as hooks.0.priority or hooks[0].priority.
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { describeValue, isObject } from '../registry/validate';
import { ConfigError } from './errors';
import { isPathLike } from './load';
import { mergeValue } from './merge';
import { CONFIG_YAML_SCHEMA, type LoadedConfig } from './parse';
import { SourceMap, formatPath, type Segment, type Source } from './sources';

export const OVERRIDE_ORIGIN = '--cfg-options';

export interface Override {
  text: string;
  path: string[];
  value: unknown;
}

function parseKey(key: string, source: Source): string[] {
  const bad = (why: string) =>
    new ConfigError({
      source,
      message: `invalid override key '${key}': ${why}`,
      expected: 'key.path=value, e.g. trainer.max_iters=1000 or hooks[0].priority=10',
    });
  if (key.trim() === '') throw bad('the key is empty');
  const segments: string[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]\s]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw bad(`cannot read '${part}'`);
    if (m[1] === '' && m[2] === '') throw bad('empty key segment');
    if (m[1] !== '') segments.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) segments.push(index[1]);
  }
  return segments;
}

export function parseOverride(text: string): Override {
  const source: Source = { file: OVERRIDE_ORIGIN, override: text };
  const eq = text.indexOf('=');
  if (eq < 0) {
    throw new ConfigError({
      source,
      message: `invalid override '${text}': missing '='`,
      expected: 'key.path=value, e.g. trainer.max_iters=1000',
      hint: /\.(ya?ml|json)$/i.test(text)
        ? 'every word after --cfg-options is read as an override: put the config file before --cfg-options'
        : undefined,
    });
  }
  const key = text.slice(0, eq).trim();
  const rawValue = text.slice(eq + 1).trim();
  const path = parseKey(key, source);
  let value: unknown = '';
  if (rawValue !== '') {
    try {
      value = yaml.load(rawValue, { schema: CONFIG_YAML_SCHEMA });
    } catch (error) {
      throw new ConfigError({
        source,
        message: `cannot parse the value of override '${key}': ${(error as yaml.YAMLException).reason ?? (error as Error).message}`,
        expected: 'a number, true/false, null, a list like [1, 2], a mapping like {a: 1}, or a (quoted) string',
      });
    }
  }
  return { text, path, value };
}

/** Sets `value` at `path`, creating missing mappings; a mapping merges into a mapping. */
export function setConfigValue(config: LoadedConfig, rawPath: readonly string[], value: unknown, source: Source): void {
  const fail = (at: Segment[], message: string) =>
    new ConfigError({ source, path: at, message });
  const resolved: Segment[] = [];
  let container: unknown = config.data;
  for (let i = 0; i < rawPath.length; i++) {
    const raw = rawPath[i];
    const last = i === rawPath.length - 1;
    let segment: Segment;
    if (Array.isArray(container)) {
      if (!/^\d+$/.test(raw)) throw fail(resolved, `is a list: address its items by index (e.g. ${formatPath([...resolved, 0])})`);
      segment = Number(raw);
      if (segment >= container.length) {
        throw fail([...resolved, segment], `index out of range: the list has ${container.length} item(s)`);
      }
    } else if (isObject(container)) {
      segment = raw;
    } else {
      throw fail(resolved, `cannot set a key inside ${describeValue(container)}`);
    }
    const holder = container as Record<string | number, unknown>;
    const at = [...resolved, segment];
    if (last) {
      const childSources = new SourceMap();
      childSources.markTree(at, value, source);
      holder[segment] = mergeValue(holder[segment], value, at, config.sources, childSources);
      return;
    }
    if (holder[segment] === undefined || holder[segment] === null) {
      holder[segment] = {};
      config.sources.set(at, source);
    }
    resolved.push(segment);
    container = holder[segment];
  }
}

/** Applies overrides in order to a copy of `config`. */
export function applyOverrides(config: LoadedConfig, overrides: readonly string[]): LoadedConfig {
  if (overrides.length === 0) return config;
  const out: LoadedConfig = { ...config, data: structuredClone(config.data), sources: config.sources.clone() };
  for (const text of overrides) {
    const override = parseOverride(text);
    const value = override.path[0] === 'custom_imports' ? absolutizeImports(override.value) : override.value;
    setConfigValue(out, override.path, value, { file: OVERRIDE_ORIGIN, override: text });
  }
  return out;
}

/** Relative custom_imports given on the command line are relative to the working directory. */
function absolutizeImports(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absolutizeImports);
  return typeof value === 'string' && isPathLike(value) ? path.resolve(value) : value;
}
