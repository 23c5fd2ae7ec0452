// custom_imports: the user's own modules (paths, already absolute after
// loading, or package names) are loaded before components are validated, so
// they can register trainers, models, datasets and hooks.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './errors';
import { isPathLike } from './load';
import { OVERRIDE_ORIGIN } from './overrides';
import type { LoadedConfig } from './parse';
import type { Source } from './sources';

// TypeScript compiles `import()` to `require()` under CommonJS output; a
// Function keeps a real dynamic import for ES modules.
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

function searchPaths(source: Source | undefined): string[] {
  const paths = [process.cwd()];
  if (source && source.override === undefined && source.file !== OVERRIDE_ORIGIN && path.isAbsolute(source.file)) {
    paths.unshift(path.dirname(source.file));
  }
  return paths;
}

function isEsmError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

/** Loads one entry: require() first, dynamic import() for ES modules. */
export async function importModule(entry: string, source: Source | undefined): Promise<void> {
  let target: string;
  if (isPathLike(entry)) {
    target = path.resolve(searchPaths(source)[0], entry);
  } else {
    try {
      target = require.resolve(entry, { paths: searchPaths(source) });
    } catch (error) {
      if (!isEsmError(error)) throw error;
      await dynamicImport(entry);
      return;
    }
  }
  try {
    require(target);
  } catch (error) {
    if (!isEsmError(error)) throw error;
    await dynamicImport(pathToFileURL(target).href);
  }
}

/** Imports every custom_imports entry in order; a failure is a ConfigError naming entry and file. */
export async function runCustomImports(config: LoadedConfig): Promise<string[]> {
  const list = config.data.custom_imports;
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    throw new ConfigError({
      source: config.sources.find(['custom_imports']),
      path: ['custom_imports'],
      message: 'expected a list of module paths or package names',
    });
  }
  const loaded: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    const at = ['custom_imports', i];
    const source = config.sources.find(at);
    if (typeof entry !== 'string' || entry === '') {
      throw new ConfigError({ source, path: at, message: `expected a module path or package name, got ${JSON.stringify(entry)}` });
    }
    try {
      await importModule(entry, source);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const notFound = (error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' && reason.includes(entry);
      let hint: string;
      if (!notFound) hint = 'the module was found but failed while loading (run with --debug for its stack trace)';
      else if (isPathLike(entry)) hint = 'relative paths are resolved from the config file that lists them';
      else hint = 'package names are resolved from the config file directory and the working directory; write relative paths with a leading ./';
      // no key path: the merged list's index would not match the file's own list
      throw new ConfigError({ source, message: `cannot load custom import '${entry}': ${reason}`, hint }, { cause: error });
    }
    loaded.push(entry);
  }
  return loaded;
}
