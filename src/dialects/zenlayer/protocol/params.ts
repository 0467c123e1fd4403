/**
 * An action's JSON parameters read as the action's schema declares them:
 *
 *   const schema = { zoneId: str({ required: true }), pageSize: int({ min: 1, max: 1000, default: 20 }) };
 *   const p = parseZcParams(schema, body); // p: { zoneId: string; pageSize: number }
 *
 * The schema is the shared one (../../schema/fields.ts); this file is the ZEC reading of
 * it. Values keep their JSON types (the SDKs send numbers and booleans as such); a value
 * of the wrong type is INVALID_PARAMETER_TYPE, never coerced. null counts as absent, and
 * parameters an action does not declare are ignored, as the vendor gateway does. Every
 * error names the parameter by its path (`systemDisk.diskSize`, `tags[1].key`).
 */
import type { TObject, TProperties } from '@sinclair/typebox';
import { ZcCode } from './error-codes.ts';
import { ZcHttpError } from './envelope.ts';
import type { DecodedProps, Tag } from '../../schema/fields.ts';
import { enumValues, json, kindOf, patternOf, propertiesOf, textProblemOf, type JsonSchema } from '../../schema/json-schema.ts';
import { objectSchema } from '../../schema/object-schema.ts';

export { bool, enumOf, int, num as float, obj, objArray, str, strArray, tags, type Tag } from '../../schema/fields.ts';

export class ZcParamError extends ZcHttpError {
  constructor(
    code: string,
    readonly param: string,
    detail: string,
  ) {
    super(400, code, `${code === ZcCode.MissingParameter ? 'missing parameter' : 'invalid parameter'} ${param}: ${detail}`);
  }
}

export type Schema = TProperties;
export type Infer<S extends TProperties> = DecodedProps<S>;

function missing(path: string, detail = 'is required'): ZcParamError {
  return new ZcParamError(ZcCode.MissingParameter, path, detail);
}

function wrongType(path: string, detail: string): ZcParamError {
  return new ZcParamError(ZcCode.InvalidParameterType, path, detail);
}

function readString(s: JsonSchema, required: boolean, value: unknown, path: string): string {
  if (typeof value !== 'string') throw wrongType(path, 'must be a string');
  // An empty required string is as good as missing: SDK users pass "" for "unset".
  if (value === '' && required) throw missing(path);
  // The pages' name patterns already exclude these; every other string is held to the same.
  const problem = textProblemOf(s, value);
  if (problem !== undefined) throw new ZcParamError(ZcCode.InvalidParameterPattern, path, problem);
  const length = [...value].length;
  if (s.minLength !== undefined && length < s.minLength)
    throw new ZcParamError(ZcCode.InvalidParameterLessLength, path, `must be at least ${s.minLength} characters (got ${length})`);
  if (s.maxLength !== undefined && length > s.maxLength)
    throw new ZcParamError(ZcCode.InvalidParameterExceedLength, path, `must be at most ${s.maxLength} characters (got ${length})`);
  const pattern = patternOf(s);
  if (pattern && !pattern.test(value)) throw new ZcParamError(ZcCode.InvalidParameterPattern, path, s.patternHint ?? `must match ${pattern.source}`);
  return value;
}

function readNumber(s: JsonSchema, value: unknown, path: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(path, 'must be a number');
  if (integer && !Number.isSafeInteger(value)) throw wrongType(path, 'must be an integer');
  if (s.minimum !== undefined && value < s.minimum)
    throw new ZcParamError(ZcCode.InvalidParameterLessMinimum, path, `must be at least ${s.minimum} (got ${value})`);
  if (s.maximum !== undefined && value > s.maximum)
    throw new ZcParamError(ZcCode.InvalidParameterExceedMaximum, path, `must be at most ${s.maximum} (got ${value})`);
  return value;
}

function readArray(s: JsonSchema, required: boolean, value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) {
    if (required) throw missing(path);
    return [];
  }
  if (!Array.isArray(value)) throw wrongType(path, 'must be an array');
  if (required && value.length === 0) throw missing(path, 'must not be empty');
  if (s.maxItems !== undefined && value.length > s.maxItems)
    throw new ZcParamError(ZcCode.InvalidParameterExceedLength, path, `must have at most ${s.maxItems} items (got ${value.length})`);
  // Every element must be there: a null inside a list is not "unset".
  return value.map((v, i) => readValue(s.items!, true, v, `${path}[${i}]`));
}

/** Wrapped (`{"tags": [...]}`, create calls) or bare (filters); keys unique, value defaults to "". */
function readTags(s: JsonSchema, value: unknown, path: string): Tag[] {
  const [bare] = s.anyOf!;
  const wrapped = value !== null && typeof value === 'object' && !Array.isArray(value);
  const items = (wrapped ? readArray(bare!, false, (value as Record<string, unknown>).tags, `${path}.tags`) : readArray(bare!, false, value, path)) as Array<{
    key: string;
    value?: string;
  }>;
  const seen = new Set<string>();
  for (const t of items) {
    if (seen.has(t.key)) throw new ZcParamError(ZcCode.InvalidParameterValue, path, `tag key "${t.key}" is given twice`);
    seen.add(t.key);
  }
  return items.map((t) => ({ key: t.key, value: t.value ?? '' }));
}

function readValue(s: JsonSchema, required: boolean, value: unknown, path: string): unknown {
  const kind = kindOf(s);
  if (kind === 'array') return readArray(s, required, value, path);
  if (kind === 'tags') return readTags(s, value, path);
  if (value === undefined || value === null) {
    if (s.default !== undefined) return s.default;
    if (required) throw missing(path);
    return undefined;
  }
  switch (kind) {
    case 'string':
      return readString(s, required, value, path);
    case 'integer':
    case 'number':
      return readNumber(s, value, path, kind === 'integer');
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType(path, 'must be true or false');
      return value;
    case 'enum': {
      const values = enumValues(s)!;
      if (typeof value !== 'string') throw wrongType(path, 'must be a string');
      if (!values.includes(value)) throw new ZcParamError(ZcCode.InvalidParameterValue, path, `must be one of ${values.join(', ')}`);
      return value;
    }
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(path, 'must be an object');
      return readProperties(s, value as Record<string, unknown>, `${path}.`);
    default:
      throw new TypeError(`ZEC parameters cannot be of kind ${kind}`);
  }
}

function readProperties(s: JsonSchema, body: Readonly<Record<string, unknown>>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field, required] of propertiesOf(s)) {
    out[name] = readValue(field, required, Object.hasOwn(body, name) ? body[name] : undefined, `${prefix}${name}`);
  }
  return out;
}

/** Reads every declared parameter in declaration order; the first problem is thrown. */
export function parseZcParams<S extends TProperties>(schema: S | TObject<S>, body: Readonly<Record<string, unknown>>): Infer<S> {
  // Each key was filled by readValue() from its own field, whose decoded type Infer<> mirrors.
  return readProperties(json(objectSchema(schema)), body, '') as Infer<S>;
}
