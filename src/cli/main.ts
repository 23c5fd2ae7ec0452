// The fastda command line: yargs commands, and the mapping of outcomes to
// exit codes (0 success, 1 run failure, 2 usage or config error).
import * as fs from 'node:fs';
import * as path from 'node:path';
import yargs from 'yargs';
import { UsageError } from '../util/errors';
import { configCommand } from './commands/config';
import { listCommand } from './commands/list';
import { resumeCommand } from './commands/resume';
import { testCommand } from './commands/test';
import { trainCommand } from './commands/train';
import { EXIT_OK, reportError } from './errors';

function packageVersion(): string {
  try {
    const file = path.resolve(__dirname, '..', '..', '..', 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function buildParser(argv: string[]) {
  return (
    yargs(argv)
      .scriptName('fastda')
      .usage('$0 <command> [options]\n\nUnsupervised domain adaptation training on libtorch.')
      .command(trainCommand)
      .command(testCommand)
      .command(resumeCommand)
      .command(configCommand)
      .command(listCommand)
      .option('debug', { type: 'boolean', global: true, describe: 'print stack traces with errors' })
      .demandCommand(1, 'no command given')
      .strict()
      .recommendCommands()
      .help()
      .alias('help', 'h')
      .version(packageVersion())
      .example('$0 train configs/dann/mnist2usps.yaml', 'train a DANN model')
      .example('$0 config my.yaml --cfg-options trainer.max_iters=100', 'show the merged config')
      .epilogue(
        'Exit codes: 0 success, 1 run failure, 2 usage or config error, 130/143 stopped by SIGINT/SIGTERM (checkpoint saved).\n' +
          'Run `fastda <command> --help` for the options of a command. Docs: docs/cli.md, docs/config.md',
      )
      .wrap(null)
      .exitProcess(false)
      // Argument errors become UsageErrors (exit 2); errors thrown by command
      // handlers pass through unchanged.
      .fail((message, error) => {
        if (error) throw error;
        // recommendCommands reports only "Did you mean X?": say what was wrong first
        let text = message.startsWith('Did you mean') ? `unknown command '${argv[0]}'. ${message}` : message;
        if (message.startsWith('Not enough non-option arguments') && argv.includes('--cfg-options')) {
          text += '\nEvery word after --cfg-options is read as an override: put the config file first.';
        }
        throw new UsageError(`${text}\nRun 'fastda --help' (or 'fastda <command> --help') for usage.`);
      })
  );
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await buildParser(argv).parseAsync();
    return EXIT_OK;
  } catch (error) {
    return reportError(error, debug);
  }
}
