// Writes the merged config into a work dir as config.yaml: the complete
// record of a run, and all `fastda resume` reads back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { ConfigData } from './parse';

export const DUMPED_CONFIG_NAME = 'config.yaml';

export function configToYaml(data: ConfigData): string {
  // The default schema quotes strings that YAML 1.1 readers would take for
  // booleans or dates ('yes', '2020-01-01'), so the dump reads back the same
  // everywhere; noRefs writes shared objects out in full instead of aliases.
  return yaml.dump(data, { noRefs: true, lineWidth: 120 });
}

export function configToJson(data: ConfigData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Writes `<dir>/config.yaml` (atomically, via a temp file) and returns its path. */
export function dumpConfig(data: ConfigData, dir: string, origin?: string): string {
  const file = path.join(dir, DUMPED_CONFIG_NAME);
  const header =
    `# Merged config written by fastda on ${new Date().toISOString()}` +
    (origin ? `\n# from ${origin}` : '') +
    '\n# `fastda resume <this dir>` reads this file back.\n';
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, header + configToYaml(data));
  fs.renameSync(tmp, file);
  return file;
}
