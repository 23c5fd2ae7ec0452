import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import { DUMPED_CONFIG_NAME, displayFile } from '../../config';
import { CHECKPOINT_EXTENSIONS } from '../../engine/contract';
import { UsageError } from '../../util/errors';
import { checkpointOption, deviceOption, nprocOption } from '../options';
import { buildTrainer, prepare, requireFile } from '../prepare';
import { settleRunSettings } from '../run-settings';
import { listCheckpoints } from '../workdir';

interface ResumeArgv {
  workdir: string;
  checkpoint?: string;
  device?: string;
  nproc?: number;
}

export const resumeCommand: CommandModule<object, ResumeArgv> = {
  command: 'resume <workdir>',
  describe: 'continue a run from its work dir (config.yaml + newest checkpoint)',
  builder: (y) =>
    y
      .positional('workdir', { type: 'string', demandOption: true, describe: 'work dir of an earlier `fastda train`' })
      .option('checkpoint', { ...checkpointOption, describe: 'checkpoint to resume from (default: the newest in the work dir)' })
      .option('device', deviceOption)
      .option('nproc', nprocOption)
      .example('$0 resume work_dirs/mnist2usps/20250101_120000', 'continue from the newest checkpoint')
      .example('$0 resume work_dirs/x/20250101_120000 --checkpoint work_dirs/x/20250101_120000/checkpoints/iter_5000.ckpt', '') as any,
  handler: async (argv) => {
    const workDir = path.resolve(argv.workdir);
    if (!fs.existsSync(workDir) || !fs.statSync(workDir).isDirectory()) {
      throw new UsageError(`work dir not found: ${argv.workdir}`);
    }
    const configFile = path.join(workDir, DUMPED_CONFIG_NAME);
    if (!fs.existsSync(configFile)) {
      throw new UsageError(`${displayFile(workDir)} is not a fastda work dir: it has no ${DUMPED_CONFIG_NAME}`);
    }
    let resumeFrom: string | undefined;
    if (argv.checkpoint) {
      resumeFrom = path.resolve(argv.checkpoint);
      requireFile(resumeFrom, '--checkpoint');
    } else {
      resumeFrom = listCheckpoints(workDir)[0];
      if (!resumeFrom) {
        throw new UsageError(
          `no checkpoint (${CHECKPOINT_EXTENSIONS.map((e) => `*${e}`).join(', ')}) found under ${displayFile(workDir)}; ` +
            'pass --checkpoint, or start again with `fastda train`',
        );
      }
    }
    // config.yaml is the record of the run: it is read, not rewritten.
    const config = await prepare(configFile, { flags: { device: argv.device, nproc: argv.nproc } });
    const settings = settleRunSettings(config);
    // The engine says which checkpoint it actually resumes from (it skips unreadable ones).
    process.stderr.write(`fastda: resuming in ${displayFile(workDir)}\n`);
    const runner = await buildTrainer(config, { workDir, ...settings, mode: 'resume', resumeFrom, resumeExplicit: Boolean(argv.checkpoint) });
    await runner.run();
  },
};
