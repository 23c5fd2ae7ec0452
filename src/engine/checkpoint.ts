// Checkpoint files: one torch.save-compatible archive per save, written
// atomically (temp file, fsync, rename, fsync of the directory) so a crash
// never leaves a half-written file under the real name, and verified on load
// (zip structure and per-record CRC-32) so corruption is reported, not loaded.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../torch';

export const CHECKPOINT_FORMAT = 1;

export interface CheckpointMeta {
  fastda_version: string;
  format: number;
  /** ISO time of the save. */
  time: string;
  world_size: number;
  iteration: number;
}

/**
 * What a checkpoint holds. Model entries are plain PyTorch state dicts, so
 * `model.load_state_dict(torch.load(f)["models"]["backbone"])` works in Python.
 */
export interface Checkpoint {
  meta: CheckpointMeta;
  iteration: number;
  models: Record<string, Map<string, torch.Tensor> | Record<string, torch.Tensor>>;
  optimizers: Record<string, unknown>;
  lr_schedulers: Record<string, unknown>;
  /** Scalar schedules (GRL coefficient, loss weights), by name. */
  schedules: Record<string, unknown>;
  rng: Record<string, unknown>;
  samplers: Record<string, unknown>;
  hooks: Record<string, unknown>;
  /** The merged config as JSON text (exact round trip of every value). */
  config: string;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

function packageVersion(): string {
  try {
    return (require(path.resolve(__dirname, '..', '..', '..', 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function checkpointMeta(iteration: number, worldSize = 1): CheckpointMeta {
  return { fastda_version: packageVersion(), format: CHECKPOINT_FORMAT, time: new Date().toISOString(), world_size: worldSize, iteration };
}

/** Writes bytes so that `file` is either the old or the complete new content. */
export function writeFileAtomic(file: string, data: Buffer): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(temp, 'w');
  try {
    let written = 0;
    while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, file);
  // Persist the rename itself.
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}

export function saveCheckpoint(file: string, checkpoint: Checkpoint): void {
  writeFileAtomic(file, torch.saveToBuffer(checkpoint));
}

/** Loads and checks a checkpoint; every problem is a CheckpointError naming the file. */
export function loadCheckpoint(file: string): Checkpoint {
  if (!fs.existsSync(file)) throw new CheckpointError(`checkpoint not found: ${file}`);
  let value: unknown;
  try {
    value = torch.loadFromBuffer(fs.readFileSync(file), file);
  } catch (error) {
    throw new CheckpointError((error as Error).message);
  }
  const ckpt = value as Partial<Checkpoint>;
  if (!ckpt || typeof ckpt !== 'object' || !ckpt.meta || typeof ckpt.iteration !== 'number' || !ckpt.models) {
    throw new CheckpointError(`${file} is not a fastda checkpoint (no meta/iteration/models); for plain weights use a model's pretrained: option`);
  }
  if (ckpt.meta.format > CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${file} has checkpoint format ${ckpt.meta.format}; this fastda reads format ${CHECKPOINT_FORMAT} (upgrade fastda)`);
  }
  return ckpt as Checkpoint;
}
