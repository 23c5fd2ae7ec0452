// Validation of a component's options against its JSON schema (ajv), turned
// into plain issues (relative key path + readable message) that the config
// layer can decorate with file names. Lives here, below config, because
// Registry.build validates too.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { didYouMean } from '../util/suggest';

export type Segment = string | number;
export type JsonSchema = Record<string, unknown>;

export type IssueKind = 'unknown-key' | 'missing-key' | 'type' | 'value';

export interface OptionIssue {
  kind: IssueKind;
  /** Key path relative to the validated object. */
  path: Segment[];
  message: string;
  expected?: string;
  suggestion?: string;
}

// Two ajv instances: checking must not mutate the user's config, building
// fills in schema defaults on a copy so factories see complete options.
// strict: false because user schemas may carry annotation keywords ajv does
// not know (e.g. `examples`, `x-unit`).
const checker = new Ajv({ allErrors: true, verbose: true, strict: false });
const builder = new Ajv({ allErrors: true, verbose: true, strict: false, useDefaults: true });
const compiled = new WeakMap<Ajv, WeakMap<object, ValidateFunction>>();

function compile(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  let cache = compiled.get(ajv);
  if (!cache) {
    cache = new WeakMap();
    compiled.set(ajv, cache);
  }
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

/**
 * Throws when the schema itself is malformed. Checks against the JSON Schema
 * meta-schema only: compiling is left to first use, because startup would
 * otherwise compile every registered component's schema.
 */
export function checkSchema(schema: JsonSchema): void {
  if (!checker.validateSchema(schema)) throw new Error(checker.errorsText(checker.errors));
}

/**
 * Validates `data` against `schema`. With `applyDefaults`, schema defaults are
 * written into `data` (pass a copy).
 */
export function validateAgainst(
  schema: JsonSchema,
  data: unknown,
  options: { applyDefaults?: boolean } = {},
): OptionIssue[] {
  const fn = compile(options.applyDefaults ? builder : checker, schema);
  if (fn(data)) return [];
  return toIssues(fn.errors ?? [], data);
}

/**
 * Unknown keys must be errors, so every object schema that lists
 * `properties` and says nothing about `additionalProperties` is closed.
 * Combinators (allOf/anyOf/oneOf) are left alone: closing their branches
 * separately would reject keys that another branch declares.
 */
export function closeSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (isObject(out.properties)) {
    const props: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(out.properties)) {
      props[key] = isObject(sub) ? closeSchema(sub) : sub;
    }
    out.properties = props;
    if (out.additionalProperties === undefined && out.patternProperties === undefined) {
      out.additionalProperties = false;
    }
  }
  if (isObject(out.items)) out.items = closeSchema(out.items);
  if (isObject(out.additionalProperties)) out.additionalProperties = closeSchema(out.additionalProperties);
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true/false)',
  null: 'null',
};

export function describeType(type: string): string {
  return type
    .split(',')
    .map((t) => TYPE_WORDS[t.trim()] ?? t)
    .join(' or ');
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'the integer' : 'the number'} ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return typeof value;
}

export function listNames(names: string[], limit = 20): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, limit).join(', ');
  return names.length > limit ? `${shown}, ... (${names.length - limit} more)` : shown;
}

function pointerToPath(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const path: Segment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(key);
      path.push(index);
      current = current[index];
    } else {
      path.push(key);
      current = isObject(current) ? current[key] : undefined;
    }
  }
  return path;
}

function describeBranch(schema: unknown): string {
  if (isObject(schema)) {
    if (typeof schema.type === 'string' || Array.isArray(schema.type)) return describeType(String(schema.type));
    if ('const' in schema) return JSON.stringify(schema.const);
    if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return JSON.stringify(schema);
}

function toIssue(error: ErrorObject, data: unknown): OptionIssue {
  const path = pointerToPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const parent = error.parentSchema as JsonSchema | undefined;
      const allowed = isObject(parent?.properties) ? Object.keys(parent.properties) : [];
      return {
        kind: 'unknown-key',
        path: [...path, key],
        message: `unknown key '${key}'`,
        expected: allowed.length > 0 ? `one of ${listNames(allowed)}` : 'no keys here',
        suggestion: didYouMean(key, allowed),
      };
    }
    case 'required':
      return { kind: 'missing-key', path, message: `missing required key '${String(params.missingProperty)}'` };
    case 'type':
      return {
        kind: 'type',
        path,
        message: `expected ${describeType(String(params.type))}, got ${describeValue(error.data)}`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      return {
        kind: 'value',
        path,
        message: `expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(error.data)}`,
        suggestion:
          typeof error.data === 'string'
            ? didYouMean(error.data, allowed.filter((v): v is string => typeof v === 'string'))
            : undefined,
      };
    }
    case 'anyOf':
    case 'oneOf': {
      const branches = Array.isArray(error.schema) ? error.schema.map(describeBranch) : [];
      return {
        kind: 'value',
        path,
        message: `expected ${branches.join(' or ') || 'a value matching the schema'}, got ${describeValue(error.data)}`,
      };
    }
    case 'pattern': {
      const parent = error.parentSchema as JsonSchema | undefined;
      const what = typeof parent?.description === 'string' ? parent.description : `a string matching ${String(params.pattern)}`;
      return { kind: 'value', path, message: `expected ${what}, got ${describeValue(error.data)}` };
    }
    default:
      return { kind: 'value', path, message: `${error.message ?? 'is invalid'}, got ${describeValue(error.data)}` };
  }
}

/**
 * Converts ajv errors into issues. Errors from inside a failed anyOf/oneOf are
 * dropped in favour of the single "expected A or B" issue.
 */
export function toIssues(errors: ErrorObject[], data: unknown): OptionIssue[] {
  const combinators = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => e.schemaPath + '/');
  const seen = new Set<string>();
  const issues: OptionIssue[] = [];
  for (const error of errors) {
    if (combinators.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const issue = toIssue(error, data);
    const key = JSON.stringify([issue.path, issue.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
