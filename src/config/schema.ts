// The top-level shape of a config: which sections exist and their outline.
// Components inside sections (anything with a `type:`) are only required to
// name their type here; their options are checked against their registry's
// schema by components.ts.
import { validateAgainst, type JsonSchema } from '../registry/validate';
import { ConfigError, type ConfigIssue } from './errors';
import type { LoadedConfig } from './parse';

export const DEVICE_PATTERN = '^(cpu|cuda(:[0-9]+)?)$';

const component: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', minLength: 1 } },
};

const datasetGroup: JsonSchema = { type: 'object', additionalProperties: component };

/**
 * Schemas of the top-level sections. Other layers may add sections or
 * runtime keys with defineSection() before configs are validated.
 */
export const sectionSchemas: Record<string, JsonSchema> = {
  datasets: {
    type: 'object',
    additionalProperties: false,
    properties: { train: datasetGroup, test: datasetGroup },
  },
  // every key is a model name, except the shared `optimizer`/`lr_scheduler`
  models: { type: 'object', additionalProperties: component },
  trainer: component,
  validator: component,
  hooks: { type: 'array', items: component },
  runtime: {
    type: 'object',
    additionalProperties: false,
    properties: {
      seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
      device: { type: 'string', pattern: DEVICE_PATTERN, description: 'cpu, cuda or cuda:N' },
      nproc: { type: 'integer', minimum: 1 },
      log_interval: { type: 'integer', minimum: 1 },
      log_level: { enum: ['debug', 'info', 'warn', 'error'] },
      deterministic: { type: 'boolean' },
      num_threads: { type: 'integer', minimum: 1 },
      checkpoint: {
        type: 'object',
        additionalProperties: false,
        properties: {
          interval: { type: 'integer', minimum: 1, description: 'save every N iterations (and always the last one)' },
          max_keep: { type: 'integer', minimum: 0, description: 'keep the newest N iter_*.ckpt (0: keep all)' },
          save_best: { type: ['string', 'boolean'], description: "metric kept as best.ckpt (default: the first '<set>/acc'); false: none" },
          best_mode: { enum: ['max', 'min'] },
        },
      },
    },
  },
  custom_imports: { type: 'array', items: { type: 'string', minLength: 1 } },
};

export const requiredSections: string[] = ['trainer'];

export function defineSection(name: string, schema: JsonSchema): void {
  sectionSchemas[name] = schema;
  cachedSchema = undefined;
}

let cachedSchema: JsonSchema | undefined;

export function topLevelSchema(): JsonSchema {
  cachedSchema ??= {
    type: 'object',
    additionalProperties: false,
    required: requiredSections,
    properties: { ...sectionSchemas },
  };
  return cachedSchema;
}

/** Throws a ConfigError listing every structural problem of the config. */
export function validateTopLevel(config: LoadedConfig): void {
  const issues: ConfigIssue[] = validateAgainst(topLevelSchema(), config.data).map((issue) => {
    const atRoot = issue.path.length === (issue.kind === 'unknown-key' ? 1 : 0);
    let message = issue.message;
    let hint: string | undefined;
    if (atRoot && issue.kind === 'unknown-key') message = message.replace('unknown key', 'unknown top-level section');
    if (atRoot && issue.kind === 'missing-key') message = message.replace('missing required key', 'missing required section');
    if (!atRoot && issue.kind === 'missing-key' && message.endsWith("'type'")) {
      hint = 'every component names the registered type it is built from with `type:` (see `fastda list`)';
    }
    return {
      source: config.sources.find(issue.path),
      path: issue.path,
      message,
      expected: issue.expected,
      suggestion: issue.suggestion,
      hint,
    };
  });
  if (issues.length > 0) throw new ConfigError(issues);
}
