// Reads one config file (YAML or JSON) into plain data plus the source of
// every key. No inheritance here: see load.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { isObject } from '../registry/validate';
import { ConfigError } from './errors';
import { jsonKeyLines, yamlKeyLines } from './lines';
import { SourceMap, formatPath, type Segment, type Source } from './sources';

export type ConfigData = Record<string, any>;

export interface LoadedConfig {
  /** Absolute path of the file the config was loaded from. */
  file: string;
  data: ConfigData;
  sources: SourceMap;
  /** Files merged into `data`, bases first (a later file overrides an earlier one). */
  files: string[];
}

// YAML 1.2 core types plus `<<` merge keys: no timestamps or binary, so a
// value like 2020-01-01 stays a string and everything maps onto JSON.
// (@types/js-yaml does not declare the `types` export js-yaml 4 has.)
const mergeType = (yaml as unknown as { types: { merge: yaml.Type } }).types.merge;
export const CONFIG_YAML_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [mergeType] });

export const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json'];

function parseYaml(text: string, file: string): unknown {
  try {
    return yaml.load(text, { schema: CONFIG_YAML_SCHEMA, filename: file });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark as { line?: number; column?: number; snippet?: string } | undefined;
      const snippet = mark?.snippet ? `\n${mark.snippet.replace(/^/gm, '    ')}` : '';
      throw new ConfigError({
        source: { file, line: mark?.line !== undefined ? mark.line + 1 : undefined },
        message: `invalid YAML: ${error.reason}${mark?.column !== undefined ? ` (column ${mark.column + 1})` : ''}${snippet}`,
      });
    }
    throw error;
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    let line: number | undefined;
    if (at) line = text.slice(0, Number(at[1])).split('\n').length;
    throw new ConfigError({ source: { file, line }, message: `invalid JSON: ${message}` });
  }
}

/** Empty files are empty configs; anything but a mapping at the top is an error. */
export function parseConfigText(text: string, file: string): LoadedConfig {
  const isJson = path.extname(file).toLowerCase() === '.json';
  const parsed = isJson ? parseJson(text, file) : parseYaml(text, file);
  if (parsed !== undefined && parsed !== null && !isObject(parsed)) {
    throw new ConfigError({
      source: { file, line: 1 },
      message: `the top level of a config file must be a mapping of sections, got ${Array.isArray(parsed) ? 'a list' : `a ${typeof parsed}`}`,
    });
  }
  // structuredClone breaks YAML alias sharing, so later in-place edits of one
  // occurrence cannot leak into another.
  const data = structuredClone((parsed ?? {}) as ConfigData);
  const lines = isJson ? jsonKeyLines(text) : yamlKeyLines(text);
  const sources = new SourceMap();
  sources.markTree([], data, (at: Segment[]): Source => {
    // Inside a flow collection a key has no line of its own: use the line of
    // the closest ancestor that has one.
    for (let n = at.length; n > 0; n--) {
      const line = lines.get(formatPath(at.slice(0, n)));
      if (line !== undefined) return { file, line };
    }
    return { file };
  });
  return { file, data, sources, files: [file] };
}

export function readConfigFile(file: string): LoadedConfig {
  const ext = path.extname(file).toLowerCase();
  if (!CONFIG_EXTENSIONS.includes(ext)) {
    throw new ConfigError({
      source: { file },
      message: `unsupported config file extension '${ext || '(none)'}'`,
      expected: CONFIG_EXTENSIONS.join(', '),
    });
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError({
      source: { file },
      message: code === 'EISDIR' ? 'is a directory, not a config file' : `cannot read config file (${code ?? (error as Error).message})`,
    });
  }
  return parseConfigText(text, file);
}
