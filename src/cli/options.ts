// Option definitions shared by several commands, so flags read the same
// everywhere.
import type { Options } from 'yargs';

export const cfgOptions: Options = {
  type: 'string',
  array: true,
  requiresArg: true,
  describe: 'override config values, several allowed: key.path=value (numbers, true/false, null, [lists], "strings")',
};

export const workDirOption: Options = {
  type: 'string',
  requiresArg: true,
  describe: 'work dir (default: work_dirs/<config name>/<YYYYmmdd_HHMMSS>)',
};

export const deviceOption: Options = {
  type: 'string',
  requiresArg: true,
  describe: 'cpu, cuda or cuda:N (default: runtime.device, else cpu)',
};

export const nprocOption: Options = {
  type: 'number',
  requiresArg: true,
  describe: 'number of processes (default: runtime.nproc, else 1)',
};

export const seedOption: Options = {
  type: 'number',
  requiresArg: true,
  describe: 'random seed (default: runtime.seed, else a random one, recorded in config.yaml)',
};

export const checkpointOption: Options = {
  type: 'string',
  requiresArg: true,
  describe: 'checkpoint file',
};

/** Common argv fields of the run commands. */
export interface RunArgv {
  cfgOptions?: string[];
  workDir?: string;
  device?: string;
  nproc?: number;
  seed?: number;
}
