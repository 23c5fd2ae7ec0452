// --seed / --device / --nproc: checked here, then written into the config's
// runtime section so the dumped config.yaml records them and `fastda resume`
// repeats the run as it was.
import { randomInt } from 'node:crypto';
import type { LoadedConfig, Source } from '../config';
import { DEVICE_PATTERN } from '../config';
import { UsageError } from '../util/errors';

export interface RunFlags {
  seed?: number;
  device?: string;
  nproc?: number;
}

export interface RunSettings {
  seed: number;
  device: string;
  nproc: number;
}

type Setting = { path: string[]; value: unknown; source: Source };

export function flagSettings(flags: RunFlags): Setting[] {
  const settings: Setting[] = [];
  if (flags.seed !== undefined) {
    if (!Number.isInteger(flags.seed) || flags.seed < 0 || flags.seed > 4294967295) {
      const given = Number.isNaN(flags.seed) ? '(not a number)' : String(flags.seed);
      throw new UsageError(`invalid --seed ${given}: expected an integer from 0 to 4294967295`);
    }
    settings.push({ path: ['runtime', 'seed'], value: flags.seed, source: { file: '--seed' } });
  }
  if (flags.device !== undefined) {
    if (!new RegExp(DEVICE_PATTERN).test(flags.device)) {
      throw new UsageError(`invalid --device '${flags.device}': expected cpu, cuda or cuda:N`);
    }
    settings.push({ path: ['runtime', 'device'], value: flags.device, source: { file: '--device' } });
  }
  if (flags.nproc !== undefined) {
    if (!Number.isInteger(flags.nproc) || flags.nproc < 1) {
      const given = Number.isNaN(flags.nproc) ? '(not a number)' : String(flags.nproc);
      throw new UsageError(`invalid --nproc ${given}: expected an integer >= 1`);
    }
    settings.push({ path: ['runtime', 'nproc'], value: flags.nproc, source: { file: '--nproc' } });
  }
  return settings;
}

/** Fills in what neither flags nor config set: a random seed (recorded), cpu, one process. */
export function settleRunSettings(config: LoadedConfig): RunSettings {
  const runtime = (config.data.runtime ??= {}) as Record<string, unknown>;
  runtime.seed ??= randomInt(0, 2 ** 31);
  runtime.device ??= 'cpu';
  runtime.nproc ??= 1;
  return { seed: runtime.seed as number, device: runtime.device as string, nproc: runtime.nproc as number };
}
