// What every config-taking command does first: register built-ins, then
// load, override, import and validate the config.
import * as fs from 'node:fs';
import { prepareConfig, type LoadedConfig } from '../config';
import type { TrainerContext, TrainerRunner } from '../engine/contract';
import { trainers } from '../registry';
import { loadBuiltins } from '../registry/builtins';
import { UsageError } from '../util/errors';
import { flagSettings, type RunFlags } from './run-settings';

export async function prepare(file: string, options: { overrides?: string[]; flags?: RunFlags } = {}): Promise<LoadedConfig> {
  loadBuiltins();
  return prepareConfig(file, { overrides: options.overrides, settings: flagSettings(options.flags ?? {}) });
}

export function requireFile(file: string, flag: string): void {
  if (!fs.existsSync(file)) throw new UsageError(`${flag} file not found: ${file}`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`${flag} is not a file: ${file}`);
}

/** Builds the trainer named by trainer.type with the run context. */
export async function buildTrainer(config: LoadedConfig, context: Omit<TrainerContext, 'config'>): Promise<TrainerRunner> {
  const type = String(config.data.trainer?.type);
  const runner = await trainers.build(config.data.trainer, { ...context, config: config.data });
  if (!runner || typeof runner.run !== 'function') {
    throw new Error(`trainer '${type}' factory did not return an object with a run() method`);
  }
  return runner;
}
