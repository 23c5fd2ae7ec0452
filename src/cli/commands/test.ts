import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import { displayFile, dumpConfig } from '../../config';
import { formatMetric } from '../../engine/hooks/logger';
import { UsageError } from '../../util/errors';
import { cfgOptions, checkpointOption, deviceOption, nprocOption, workDirOption, type RunArgv } from '../options';
import { buildTrainer, prepare, requireFile } from '../prepare';
import { settleRunSettings } from '../run-settings';
import { defaultWorkDir, ensureWorkDir } from '../workdir';

interface TestArgv extends RunArgv {
  config: string;
  checkpoint: string;
  out?: string;
}

function checkMetrics(type: string, metrics: unknown): Record<string, number> {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw new Error(`trainer '${type}' test() must resolve to an object of metric name -> number`);
  }
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== 'number') throw new Error(`trainer '${type}' test() returned a ${typeof value} for metric '${name}', not a number`);
  }
  return metrics as Record<string, number>;
}

export const testCommand: CommandModule<object, TestArgv> = {
  command: 'test <config>',
  describe: 'evaluate a checkpoint on the test sets of a config',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.yaml, .yml or .json)' })
      .option('checkpoint', { ...checkpointOption, demandOption: true, describe: 'checkpoint file to evaluate' })
      .option('out', { type: 'string', requiresArg: true, describe: 'also write the metrics to this JSON file' })
      .option('work-dir', { ...workDirOption, describe: 'work dir (default: work_dirs/<config name>/<YYYYmmdd_HHMMSS>_test)' })
      .option('cfg-options', cfgOptions)
      .option('device', deviceOption)
      .option('nproc', nprocOption)
      .example('$0 test cfg.yaml --checkpoint work_dirs/cfg/20250101_120000/checkpoints/iter_10000.ckpt', '')
      .example('$0 test cfg.yaml --checkpoint model.ckpt --out metrics.json', 'write the metrics as JSON') as any,
  handler: async (argv) => {
    const checkpoint = path.resolve(argv.checkpoint);
    requireFile(checkpoint, '--checkpoint');
    const config = await prepare(argv.config, {
      overrides: argv.cfgOptions,
      flags: { device: argv.device, nproc: argv.nproc },
    });
    const settings = settleRunSettings(config);
    const workDir = argv.workDir ? path.resolve(argv.workDir) : `${defaultWorkDir(argv.config)}_test`;
    ensureWorkDir(workDir);
    dumpConfig(config.data, workDir, displayFile(config.file));
    const runner = await buildTrainer(config, { workDir, ...settings, mode: 'test' });
    const type = String(config.data.trainer.type);
    if (typeof runner.test !== 'function') {
      throw new UsageError(`trainer '${type}' does not support \`fastda test\` (it has no test() method)`);
    }
    const metrics = checkMetrics(type, await runner.test(checkpoint));
    // As the training log prints them; --out keeps full precision.
    for (const [name, value] of Object.entries(metrics)) process.stdout.write(`${name}: ${formatMetric(value)}\n`);
    if (argv.out) {
      const out = path.resolve(argv.out);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(metrics, null, 2)}\n`);
    }
  },
};
