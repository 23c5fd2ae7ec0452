import type { CommandModule } from 'yargs';
import { loadConfig, runCustomImports } from '../../config';
import { getRegistry, registries, registryNames } from '../../registry';
import { loadBuiltins } from '../../registry/builtins';

interface ListArgv {
  registry?: string;
  config?: string;
  json?: boolean;
}

export const listCommand: CommandModule<object, ListArgv> = {
  command: 'list [registry]',
  describe: 'list registered components with their descriptions',
  builder: (y) =>
    y
      .positional('registry', { type: 'string', describe: `one of: ${registryNames.join(', ')} (default: all)` })
      .option('config', {
        type: 'string',
        requiresArg: true,
        describe: "also load this config's custom_imports, to list a project's own components",
      })
      .option('json', { type: 'boolean', describe: 'print JSON: {registry: [{name, description}]}' })
      .example('$0 list', 'all built-in components')
      .example('$0 list trainers --config my_project/config.yaml', "built-in trainers plus the project's own") as any,
  handler: async (argv) => {
    const selected = argv.registry ? [getRegistry(argv.registry).name] : registryNames;
    loadBuiltins();
    if (argv.config) await runCustomImports(loadConfig(argv.config));
    const listing = Object.fromEntries(
      selected.map((name) => [name, getRegistry(name, registries).list()] as const),
    );
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
      return;
    }
    const lines: string[] = [];
    for (const [name, entries] of Object.entries(listing)) {
      lines.push(`${name}:`);
      if (entries.length === 0) lines.push('  (none registered)');
      const width = Math.max(0, ...entries.map((e) => e.name.length));
      for (const entry of entries) lines.push(`  ${entry.name.padEnd(width)}  ${entry.description}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
