import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import { displayFile, dumpConfig } from '../../config';
import { cfgOptions, deviceOption, nprocOption, seedOption, workDirOption, type RunArgv } from '../options';
import { buildTrainer, prepare } from '../prepare';
import { settleRunSettings } from '../run-settings';
import { defaultWorkDir, ensureWorkDir } from '../workdir';

interface TrainArgv extends RunArgv {
  config: string;
}

export const trainCommand: CommandModule<object, TrainArgv> = {
  command: 'train <config>',
  describe: 'train with a config file',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.yaml, .yml or .json)' })
      .option('work-dir', workDirOption)
      .option('cfg-options', cfgOptions)
      .option('seed', seedOption)
      .option('device', deviceOption)
      .option('nproc', nprocOption)
      .example('$0 train configs/dann/mnist2usps.yaml', 'train into work_dirs/mnist2usps/<timestamp>/')
      .example('$0 train cfg.yaml --work-dir runs/a --seed 1 --device cuda:0', 'choose work dir, seed and device')
      .example('$0 train cfg.yaml --cfg-options trainer.max_iters=100 models.optimizer.lr=0.1', 'override values') as any,
  handler: async (argv) => {
    const config = await prepare(argv.config, {
      overrides: argv.cfgOptions,
      flags: { seed: argv.seed, device: argv.device, nproc: argv.nproc },
    });
    const settings = settleRunSettings(config);
    const workDir = argv.workDir ? path.resolve(argv.workDir) : defaultWorkDir(argv.config);
    ensureWorkDir(workDir);
    dumpConfig(config.data, workDir, displayFile(config.file));
    process.stderr.write(`fastda: work dir ${displayFile(workDir)}\n`);
    const runner = await buildTrainer(config, { workDir, ...settings, mode: 'train' });
    await runner.run();
  },
};
