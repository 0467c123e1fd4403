/**
 * Declaring and reading an action's JSON parameters:
 *
 *   const schema = { zoneId: str({ required: true }), pageSize: int({ min: 1, max: 1000, default: 20 }) };
 *   const p = parseZcParams(schema, body); // p: { zoneId: string; pageSize: number }
 *
 * Values keep their JSON types (the SDKs send numbers and booleans as such); a value of
 * the wrong type is INVALID_PARAMETER_TYPE, never coerced. null counts as absent, and
 * parameters an action does not declare are ignored, as the vendor gateway does.
 * Every error names the parameter by its path (`systemDisk.diskSize`, `tags[1].key`).
 */
import { ZcCode } from './error-codes.ts';
import { ZcHttpError } from './envelope.ts';
import type { Out, Presence } from '../../param-presence.ts';

export class ZcParamError extends ZcHttpError {
  constructor(
    code: string,
    readonly param: string,
    detail: string,
  ) {
    super(400, code, `${code === ZcCode.MissingParameter ? 'missing parameter' : 'invalid parameter'} ${param}: ${detail}`);
  }
}

export interface Field<T> {
  read(value: unknown, path: string): T;
}

export type Schema = Record<string, Field<unknown>>;
export type Infer<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

function present<T>(opts: Presence<T>, convert: (value: unknown, path: string) => T): Field<T | undefined> {
  return {
    read(value, path) {
      if (value === undefined || value === null) {
        if (opts.default !== undefined) return opts.default;
        if (opts.required === true) throw new ZcParamError(ZcCode.MissingParameter, path, 'is required');
        return undefined;
      }
      return convert(value, path);
    },
  };
}

export interface StrOptions extends Presence<string> {
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  /** Shown in the pattern error, e.g. "2-63 letters, digits, -/_ and ." */
  patternHint?: string;
}

export function str<O extends StrOptions = {}>(opts?: O): Field<Out<string, O>> {
  const o: StrOptions = opts ?? {};
  const field = present<string>(o, (value, path) => {
    if (typeof value !== 'string') throw new ZcParamError(ZcCode.InvalidParameterType, path, 'must be a string');
    // An empty required string is as good as missing: SDK users pass "" for "unset".
    if (value === '' && o.required === true) throw new ZcParamError(ZcCode.MissingParameter, path, 'is required');
    const length = [...value].length;
    if (o.minLength !== undefined && length < o.minLength) throw new ZcParamError(ZcCode.InvalidParameterLessLength, path, `must be at least ${o.minLength} characters`);
    if (o.maxLength !== undefined && length > o.maxLength) throw new ZcParamError(ZcCode.InvalidParameterExceedLength, path, `must be at most ${o.maxLength} characters`);
    if (o.pattern && !o.pattern.test(value)) throw new ZcParamError(ZcCode.InvalidParameterPattern, path, o.patternHint ?? `must match ${o.pattern.source}`);
    return value;
  });
  // The cast restates what Out<> computes: undefined only when neither required nor defaulted.
  return field as Field<Out<string, O>>;
}

export interface NumOptions extends Presence<number> {
  min?: number;
  max?: number;
}

function ranged(o: NumOptions, integer: boolean): Field<number | undefined> {
  return present<number>(o, (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ZcParamError(ZcCode.InvalidParameterType, path, 'must be a number');
    if (integer && !Number.isSafeInteger(value)) throw new ZcParamError(ZcCode.InvalidParameterType, path, 'must be an integer');
    if (o.min !== undefined && value < o.min) throw new ZcParamError(ZcCode.InvalidParameterLessMinimum, path, `must be at least ${o.min}`);
    if (o.max !== undefined && value > o.max) throw new ZcParamError(ZcCode.InvalidParameterExceedMaximum, path, `must be at most ${o.max}`);
    return value;
  });
}

export function int<O extends NumOptions = {}>(opts?: O): Field<Out<number, O>> {
  return ranged(opts ?? {}, true) as Field<Out<number, O>>;
}

export function float<O extends NumOptions = {}>(opts?: O): Field<Out<number, O>> {
  return ranged(opts ?? {}, false) as Field<Out<number, O>>;
}

export function bool<O extends Presence<boolean> = {}>(opts?: O): Field<Out<boolean, O>> {
  return present<boolean>(opts ?? {}, (value, path) => {
    if (typeof value !== 'boolean') throw new ZcParamError(ZcCode.InvalidParameterType, path, 'must be true or false');
    return value;
  }) as Field<Out<boolean, O>>;
}

/** One of a fixed set of strings, compared exactly (the vendor's enums are case-sensitive). */
export function enumOf<const V extends readonly string[], O extends Presence<V[number]> = {}>(values: V, opts?: O): Field<Out<V[number], O>> {
  const allowed = new Set<string>(values);
  return present<V[number]>(opts ?? {}, (value, path) => {
    if (typeof value !== 'string') throw new ZcParamError(ZcCode.InvalidParameterType, path, 'must be a string');
    if (!allowed.has(value)) throw new ZcParamError(ZcCode.InvalidParameterValue, path, `must be one of ${values.join(', ')}`);
    return value;
  }) as Field<Out<V[number], O>>;
}

export interface ArrayOptions {
  /** At least one element must be sent. */
  required?: boolean;
  maxItems?: number;
}

function array<T>(item: Field<T>, opts: ArrayOptions): Field<T[]> {
  return {
    read(value, path) {
      if (value === undefined || value === null) {
        if (opts.required === true) throw new ZcParamError(ZcCode.MissingParameter, path, 'is required');
        return [];
      }
      if (!Array.isArray(value)) throw new ZcParamError(ZcCode.InvalidParameterType, path, 'must be an array');
      if (opts.required === true && value.length === 0) throw new ZcParamError(ZcCode.MissingParameter, path, 'must not be empty');
      if (opts.maxItems !== undefined && value.length > opts.maxItems) throw new ZcParamError(ZcCode.InvalidParameterExceedLength, path, `must have at most ${opts.maxItems} items`);
      return value.map((v, i) => item.read(v, `${path}[${i}]`));
    },
  };
}

/** A list of strings; absent is empty, so the result is never undefined. */
export function strArray(opts: ArrayOptions & { itemMaxLength?: number } = {}): Field<string[]> {
  return array(str({ required: true, ...(opts.itemMaxLength !== undefined ? { maxLength: opts.itemMaxLength } : {}) }), opts);
}

/** A nested object read with its own schema; absent stays undefined unless required. */
export function obj<S extends Schema, O extends { required?: boolean } = {}>(schema: S, opts?: O): Field<O extends { required: true } ? Infer<S> : Infer<S> | undefined> {
  const field = present<Infer<S>>(opts ?? {}, (value, path) => {
    if (typeof value !== 'object' || Array.isArray(value)) throw new ZcParamError(ZcCode.InvalidParameterType, path, 'must be an object');
    return readSchema(schema, value as Record<string, unknown>, `${path}.`);
  });
  return field as Field<O extends { required: true } ? Infer<S> : Infer<S> | undefined>;
}

export function objArray<S extends Schema>(schema: S, opts: ArrayOptions = {}): Field<Infer<S>[]> {
  return array(obj(schema, { required: true }), opts);
}

export interface Tag {
  key: string;
  value: string;
}

const tagSchema = { key: str({ required: true, minLength: 1, maxLength: 64 }), value: str({ maxLength: 64 }) };

/**
 * Tags. Create calls wrap the list (`{"tags": {"tags": [...]}}`, the SDK's TagAssociation);
 * Describe filters send the bare list. Both spellings are read; keys must be unique.
 */
export function tags(opts: { maxItems?: number } = {}): Field<Tag[]> {
  const list = objArray(tagSchema, opts);
  return {
    read(value, path) {
      const wrapped = value !== null && typeof value === 'object' && !Array.isArray(value);
      const items = wrapped ? list.read((value as Record<string, unknown>).tags, `${path}.tags`) : list.read(value, path);
      const seen = new Set<string>();
      for (const t of items) {
        if (seen.has(t.key)) throw new ZcParamError(ZcCode.InvalidParameterValue, path, `tag key "${t.key}" is given twice`);
        seen.add(t.key);
      }
      return items.map((t) => ({ key: t.key, value: t.value ?? '' }));
    },
  };
}

function readSchema<S extends Schema>(schema: S, body: Readonly<Record<string, unknown>>, prefix: string): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    out[name] = field.read(Object.hasOwn(body, name) ? body[name] : undefined, `${prefix}${name}`);
  }
  // Each key was filled by its own field's read(), whose return type Infer<> mirrors.
  return out as Infer<S>;
}

/** Reads every declared parameter in declaration order; the first problem is thrown. */
export function parseZcParams<S extends Schema>(schema: S, body: Readonly<Record<string, unknown>>): Infer<S> {
  return readSchema(schema, body, '');
}
