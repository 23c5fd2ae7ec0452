// Work dir naming and checkpoint discovery. Layout of a work dir:
//   work_dirs/<config name>/<YYYYmmdd_HHMMSS>/config.yaml   (written by the CLI)
//   ... logs, tensorboard events, checkpoints               (written by the engine)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECKPOINT_EXTENSIONS } from '../engine/contract';
import { UsageError } from '../util/errors';

export const WORK_DIRS_ROOT = 'work_dirs';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time as YYYYmmdd_HHMMSS. */
export function timestamp(date = new Date()): string {
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/** work_dirs/<config basename without extension>/<timestamp>, made unique with a suffix if taken. */
export function defaultWorkDir(configFile: string, date = new Date(), root = path.resolve(WORK_DIRS_ROOT)): string {
  const name = path.basename(configFile, path.extname(configFile));
  const base = path.join(root, name, timestamp(date));
  let dir = base;
  for (let n = 2; fs.existsSync(dir); n++) dir = `${base}_${n}`;
  return dir;
}

/** Creates the work dir; a path taken by a file is a usage error, not a crash. */
export function ensureWorkDir(dir: string): void {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`cannot use ${dir} as work dir: it exists and is not a directory`);
  }
  fs.mkdirSync(dir, { recursive: true });
}

/** Files under `dir` (depth-limited) named like checkpoints, newest first. */
export function listCheckpoints(dir: string, maxDepth = 3): string[] {
  const found: Array<{ file: string; mtime: number }> = [];
  const walk = (at: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory() && depth < maxDepth) walk(full, depth + 1);
      else if (entry.isFile() && CHECKPOINT_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
        found.push({ file: full, mtime: fs.statSync(full).mtimeMs });
      }
    }
  };
  walk(dir, 0);
  // ties (same mtime) go to the name with the larger number: iter_200 after iter_100
  const collator = new Intl.Collator(undefined, { numeric: true });
  return found.sort((a, b) => b.mtime - a.mtime || collator.compare(b.file, a.file)).map((f) => f.file);
}
