// Where each value of a merged config came from (file and line, or a
// command-line override), so errors can name it. Keyed by formatted key path.
import * as path from 'node:path';
import type { Segment } from '../registry/validate';

export type { Segment };

export interface Source {
  /** Absolute file path, or a pseudo origin such as "--cfg-options". */
  file: string;
  /** 1-based line, when known (YAML and JSON files). */
  line?: number;
  /** The command-line text that set the value ("a.b=1"). */
  override?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** models.head.lr_mult, hooks[0].type, datasets["my set"] */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** File paths are shown relative to the working directory when inside it. */
export function displayFile(file: string, cwd = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

export function describeSource(source: Source | undefined): string {
  if (!source) return 'config';
  if (source.override !== undefined) return `${source.file} '${source.override}'`;
  const file = displayFile(source.file);
  return source.line !== undefined ? `${file}:${source.line}` : file;
}

export class SourceMap {
  private readonly entries = new Map<string, Source>();

  set(segments: readonly Segment[], source: Source): void {
    this.entries.set(formatPath(segments), source);
  }

  get(segments: readonly Segment[]): Source | undefined {
    return this.entries.get(formatPath(segments));
  }

  /** The source of the value or, failing that, of its nearest recorded ancestor. */
  find(segments: readonly Segment[]): Source | undefined {
    for (let n = segments.length; n >= 0; n--) {
      const found = this.entries.get(formatPath(segments.slice(0, n)));
      if (found) return found;
    }
    return undefined;
  }

  /** Forgets the value at `segments` and everything below it. */
  deleteSubtree(segments: readonly Segment[]): void {
    const prefix = formatPath(segments);
    for (const key of [...this.entries.keys()]) {
      if (isWithin(key, prefix)) this.entries.delete(key);
    }
  }

  /** Copies `from`'s sources at and below `fromPath`, re-rooted at `toPath`. */
  copySubtree(from: SourceMap, fromPath: readonly Segment[], toPath: readonly Segment[] = fromPath): void {
    const prefix = formatPath(fromPath);
    const target = formatPath(toPath);
    for (const [key, source] of from.entries) {
      if (!isWithin(key, prefix)) continue;
      let rest = key.slice(prefix.length);
      if (prefix === '' && rest !== '' && !rest.startsWith('[')) rest = `.${rest}`;
      const joined = target === '' && rest.startsWith('.') ? rest.slice(1) : target + rest;
      this.entries.set(joined, source);
    }
  }

  /** Records `source` for `value` at `segments` and every key and item inside it. */
  markTree(segments: readonly Segment[], value: unknown, source: Source | ((p: Segment[]) => Source)): void {
    const walk = (at: Segment[], v: unknown): void => {
      this.set(at, typeof source === 'function' ? source(at) : source);
      if (Array.isArray(v)) v.forEach((item, i) => walk([...at, i], item));
      else if (typeof v === 'object' && v !== null) {
        for (const [key, item] of Object.entries(v)) walk([...at, key], item);
      }
    };
    walk([...segments], value);
  }

  clone(): SourceMap {
    const copy = new SourceMap();
    for (const [key, source] of this.entries) copy.entries.set(key, source);
    return copy;
  }
}

function isWithin(key: string, prefix: string): boolean {
  if (prefix === '') return true;
  if (!key.startsWith(prefix)) return false;
  const next = key.charAt(prefix.length);
  return next === '' || next === '.' || next === '[';
}
