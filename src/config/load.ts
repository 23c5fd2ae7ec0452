// Loads a config file with its `_base_` chain: bases (a path or a list of
// paths, relative to the including file) are loaded recursively, merged in
// order, and the including file is merged over them. Cycles are errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { didYouMean } from '../util/suggest';
import { ConfigError } from './errors';
import { mergeConfigs } from './merge';
import { readConfigFile, type LoadedConfig } from './parse';
import { SourceMap, displayFile, type Source } from './sources';

export const BASE_KEY = '_base_';

/** Relative paths in custom_imports are written with a leading ./ or ../ */
export function isPathLike(entry: string): boolean {
  return entry.startsWith('.') || path.isAbsolute(entry);
}

export function loadConfig(file: string): LoadedConfig {
  return loadRecursive(path.resolve(file), [], undefined);
}

function emptyConfig(file: string): LoadedConfig {
  const sources = new SourceMap();
  sources.set([], { file });
  return { file, data: {}, sources, files: [] };
}

function notFound(file: string, includedFrom: { source?: Source; text: string } | undefined): ConfigError {
  const dir = path.dirname(file);
  let suggestion: string | undefined;
  if (fs.existsSync(dir)) {
    const near = didYouMean(path.basename(file), fs.readdirSync(dir));
    if (near) suggestion = path.join(path.dirname(includedFrom?.text ?? displayFile(file)), near);
  }
  if (!includedFrom) {
    return new ConfigError({ message: `config file not found: ${displayFile(file)}`, suggestion });
  }
  return new ConfigError({
    source: includedFrom.source,
    path: [BASE_KEY],
    message: `base config not found: '${includedFrom.text}' (resolved to ${displayFile(file)})`,
    suggestion,
  });
}

function readBases(own: LoadedConfig): Array<{ text: string; source?: Source }> {
  const value = own.data[BASE_KEY];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry, i) => {
    const at = Array.isArray(value) ? [BASE_KEY, i] : [BASE_KEY];
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new ConfigError({
        source: own.sources.find(at),
        path: at,
        message: `_base_ must be a path or a list of paths, got ${JSON.stringify(entry)}`,
      });
    }
    return { text: entry, source: own.sources.find(at) };
  });
}

/** Paths in custom_imports are relative to the file that lists them: make them absolute now. */
function absolutizeImports(own: LoadedConfig): void {
  const list = own.data.custom_imports;
  if (!Array.isArray(list)) return;
  const dir = path.dirname(own.file);
  own.data.custom_imports = list.map((entry: unknown) =>
    typeof entry === 'string' && isPathLike(entry) ? path.resolve(dir, entry) : entry,
  );
}

function loadRecursive(file: string, chain: string[], includedFrom: { source?: Source; text: string } | undefined): LoadedConfig {
  if (chain.includes(file)) {
    const cycle = [...chain.slice(chain.indexOf(file)), file].map((f) => displayFile(f)).join(' -> ');
    throw new ConfigError({
      source: includedFrom?.source,
      path: [BASE_KEY],
      message: `inheritance cycle: ${cycle}`,
    });
  }
  if (!fs.existsSync(file)) throw notFound(file, includedFrom);

  const own = readConfigFile(file);
  const bases = readBases(own);
  delete own.data[BASE_KEY];
  own.sources.deleteSubtree([BASE_KEY]);
  absolutizeImports(own);

  let merged = emptyConfig(file);
  for (const base of bases) {
    const basePath = path.resolve(path.dirname(file), base.text);
    merged = mergeConfigs(merged, loadRecursive(basePath, [...chain, file], base));
  }
  return mergeConfigs(merged, own);
}
