import type { CommandModule } from 'yargs';
import { configToJson, configToYaml } from '../../config';
import { cfgOptions } from '../options';
import { prepare } from '../prepare';

interface ConfigArgv {
  config: string;
  cfgOptions?: string[];
  format: 'yaml' | 'json';
}

export const configCommand: CommandModule<object, ConfigArgv> = {
  command: 'config <config>',
  describe: 'print the merged, validated config',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.yaml, .yml or .json)' })
      .option('cfg-options', cfgOptions)
      .option('format', { choices: ['yaml', 'json'], default: 'yaml', describe: 'output format' })
      .example('$0 config configs/dann/mnist2usps.yaml', 'check a config and see what _base_ files add')
      .example('$0 config cfg.yaml --cfg-options trainer.max_iters=10 --format json', '') as any,
  handler: async (argv) => {
    const config = await prepare(argv.config, { overrides: argv.cfgOptions });
    process.stdout.write(argv.format === 'json' ? configToJson(config.data) : configToYaml(config.data));
  },
};
