// Public API of the config layer. prepareConfig() runs the whole pipeline:
// load (+ _base_ inheritance) -> overrides -> top-level schema ->
// custom_imports -> component schemas.
import { registries as defaultRegistries, type Registries } from '../registry';
import { validateComponents } from './components';
import { runCustomImports } from './imports';
import { loadConfig } from './load';
import { applyOverrides, setConfigValue } from './overrides';
import type { LoadedConfig } from './parse';
import { validateTopLevel } from './schema';
import type { Source } from './sources';

export { ConfigError, formatIssue, type ConfigIssue } from './errors';
export { componentSites, validateComponents, SHARED_MODEL_KEYS, type ComponentSite } from './components';
export { configToJson, configToYaml, dumpConfig, DUMPED_CONFIG_NAME } from './dump';
export { importModule, runCustomImports } from './imports';
export { BASE_KEY, isPathLike, loadConfig } from './load';
export { DELETE_KEY, mergeConfigs } from './merge';
export { applyOverrides, parseOverride, setConfigValue, OVERRIDE_ORIGIN, type Override } from './overrides';
export { CONFIG_EXTENSIONS, parseConfigText, readConfigFile, type ConfigData, type LoadedConfig } from './parse';
export { DEVICE_PATTERN, defineSection, sectionSchemas, topLevelSchema, validateTopLevel } from './schema';
export { SourceMap, describeSource, displayFile, formatPath, type Segment, type Source } from './sources';

export interface PrepareOptions {
  /** --cfg-options entries, "key.path=value". */
  overrides?: readonly string[];
  /** Values set by dedicated flags (--seed...), applied after the overrides. */
  settings?: ReadonlyArray<{ path: string[]; value: unknown; source: Source }>;
  /** Registries to validate against (default: the global ones). */
  registries?: Registries;
  /** Skip custom_imports (they are already loaded, or must not be). */
  skipImports?: boolean;
}

/** Loads, merges, overrides and fully validates a config file. */
export async function prepareConfig(file: string, options: PrepareOptions = {}): Promise<LoadedConfig> {
  const config = applyOverrides(loadConfig(file), options.overrides ?? []);
  for (const setting of options.settings ?? []) setConfigValue(config, setting.path, setting.value, setting.source);
  validateTopLevel(config);
  if (!options.skipImports) await runCustomImports(config);
  validateComponents(config, options.registries ?? defaultRegistries);
  return config;
}
