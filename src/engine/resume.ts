// Which checkpoint `fastda resume` continues from: the one asked for, or the
// newest readable one in the work dir (by iteration in the file name, never
// by file time), skipping unreadable files with a reason.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCheckpoint, type Checkpoint } from './checkpoint';

export const CHECKPOINT_DIR = 'checkpoints';
const ITER_FILE = /^iter_(\d+)\.ckpt$/;

/** iter_N.ckpt files of a work dir, newest iteration first. */
export function listCheckpoints(workDir: string): { file: string; iteration: number }[] {
  const dir = path.join(workDir, CHECKPOINT_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, match: ITER_FILE.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ file: path.join(dir, e.name), iteration: Number(e.match[1]) }))
    .sort((a, b) => b.iteration - a.iteration);
}

/**
 * The checkpoint to resume from. An explicit one must load; otherwise the
 * newest readable iter_N.ckpt wins and unreadable newer ones are reported.
 */
export function findResumeCheckpoint(
  workDir: string,
  requested: string | undefined,
  explicit: boolean,
): { file: string; checkpoint: Checkpoint; skipped: { file: string; reason: string }[] } {
  if (explicit && requested) {
    return { file: requested, checkpoint: loadCheckpoint(requested), skipped: [] };
  }
  const candidates = listCheckpoints(workDir).map((c) => c.file);
  if (candidates.length === 0 && requested) candidates.push(requested);
  const skipped: { file: string; reason: string }[] = [];
  for (const file of candidates) {
    try {
      return { file, checkpoint: loadCheckpoint(file), skipped };
    } catch (error) {
      skipped.push({ file, reason: (error as Error).message });
    }
  }
  throw new Error(
    `no readable checkpoint in ${path.join(workDir, CHECKPOINT_DIR)}` + (skipped.length ? `:\n${skipped.map((s) => `  ${s.file}: ${s.reason}`).join('\n')}` : ''),
  );
}

/** Removes temp files a killed save left behind. */
export function removeStaleTemps(workDir: string): void {
  const dir = path.join(workDir, CHECKPOINT_DIR);
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) if (name.startsWith('.') && name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
}
