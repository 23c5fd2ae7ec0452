// Short builders for the JSON schemas components declare, so registrations
// read like a table of options.
import type { JsonSchema } from './validate';

export const integer = (minimum?: number, extra: JsonSchema = {}): JsonSchema => ({
  type: 'integer',
  ...(minimum === undefined ? {} : { minimum }),
  ...extra,
});
export const number = (extra: JsonSchema = {}): JsonSchema => ({ type: 'number', ...extra });
export const positive = (extra: JsonSchema = {}): JsonSchema => ({ type: 'number', exclusiveMinimum: 0, ...extra });
export const probability = (extra: JsonSchema = {}): JsonSchema => ({ type: 'number', minimum: 0, maximum: 1, ...extra });
export const boolean = (extra: JsonSchema = {}): JsonSchema => ({ type: 'boolean', ...extra });
export const string = (extra: JsonSchema = {}): JsonSchema => ({ type: 'string', ...extra });
export const oneOf = (values: readonly (string | number)[], extra: JsonSchema = {}): JsonSchema => ({ enum: [...values], ...extra });
export const pair = (extra: JsonSchema = {}): JsonSchema => ({
  oneOf: [
    { type: 'integer', minimum: 0 },
    { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 },
  ],
  ...extra,
});

/** An object schema; `required` lists the keys without defaults. */
export const options = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});
