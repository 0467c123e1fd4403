/**
 * Declaring and reading an action's parameters from the flat map:
 *
 *   const schema = { Region: str({ required: true }), Limit: int({ min: 0, max: 100, default: 20 }) };
 *   const p = parseParams(schema, flat); // p: { Region: string; Limit: number }
 *
 * Only declared names are read: SDKs inject Region/ProjectId/Zone into every call, so
 * undeclared parameters are ignored, never rejected. Deliberately small: one field kind
 * per wire type the UCloud actions use.
 */
import { readArray, type FlatParams } from './flat-params.ts';
import { paramErrorMessage, type ParamProblem } from './ret-codes.ts';
import type { Out, Presence } from '../../param-presence.ts';

/**
 * A parameter that is absent or unusable. `name` is the parameter's name (as the
 * caller needs it for the 230 answer), not the error class name; `message` is already
 * the wire message, `Params [Name] not available|not valid`.
 */
export class ParamError extends Error {
  override readonly name: string;
  readonly kind: ParamProblem;

  constructor(name: string, kind: ParamProblem) {
    super(paramErrorMessage(name, kind));
    this.name = name;
    this.kind = kind;
  }
}

/** Reads one declared parameter; throws ParamError. */
export interface Field<T> {
  read(params: Readonly<FlatParams>, name: string): T;
}

export type Schema = Record<string, Field<unknown>>;

export type Infer<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/**
 * Shared scalar handling. An empty string counts as absent: the Go SDK drops empty
 * strings while Python sends `Name=`, and the same call must mean the same thing.
 */
function scalar<T>(opts: Presence<T>, convert: (raw: string) => T | undefined): Field<T | undefined> {
  return {
    read(params, name) {
      const raw = Object.hasOwn(params, name) ? params[name] : undefined;
      if (raw === undefined || raw === '') {
        if (opts.default !== undefined) return opts.default;
        if (opts.required === true) throw new ParamError(name, 'missing');
        return undefined;
      }
      const value = convert(raw);
      if (value === undefined) throw new ParamError(name, 'invalid');
      return value;
    },
  };
}

export interface StrOptions extends Presence<string> {
  maxLength?: number;
}

export function str<O extends StrOptions = {}>(opts?: O): Field<Out<string, O>> {
  const maxLength = opts?.maxLength;
  // The cast restates what Out<> computes: scalar() only yields undefined when neither
  // required nor a default was given.
  return scalar<string>(opts ?? {}, (raw) =>
    maxLength !== undefined && [...raw].length > maxLength ? undefined : raw,
  ) as Field<Out<string, O>>;
}

export interface IntOptions extends Presence<number> {
  min?: number;
  max?: number;
}

const DECIMAL_INT = /^-?[0-9]+$/;

/** Decimal integers only: no `1e3`, `0x10`, `1.0` or surrounding spaces. */
export function int<O extends IntOptions = {}>(opts?: O): Field<Out<number, O>> {
  const { min, max } = opts ?? {};
  return scalar<number>(opts ?? {}, (raw) => {
    if (!DECIMAL_INT.test(raw)) return undefined;
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) return undefined;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) return undefined;
    return value;
  }) as Field<Out<number, O>>;
}

/** `true`/`false` in any case (docs show `True`), and `1`/`0` (docs show `Auth=1`). */
export function bool<O extends Presence<boolean> = {}>(opts?: O): Field<Out<boolean, O>> {
  return scalar<boolean>(opts ?? {}, (raw) => {
    const lower = raw.toLowerCase();
    if (lower === 'true' || raw === '1') return true;
    if (lower === 'false' || raw === '0') return false;
    return undefined;
  }) as Field<Out<boolean, O>>;
}

/** One of a fixed set of strings, compared exactly (UCloud enums are case-sensitive). */
export function enumOf<const V extends readonly string[], O extends Presence<V[number]> = {}>(
  values: V,
  opts?: O,
): Field<Out<V[number], O>> {
  const allowed = new Set<string>(values);
  return scalar<V[number]>(opts ?? {}, (raw) => (allowed.has(raw) ? raw : undefined)) as Field<
    Out<V[number], O>
  >;
}

export interface StrArrayOptions {
  /** At least one element must be sent. */
  required?: boolean;
  maxItems?: number;
}

/** `Name.0`, `Name.1`, ... as a list; an absent list is empty, so the result is never undefined. */
export function strArray(opts: StrArrayOptions = {}): Field<string[]> {
  return {
    read(params, name) {
      const items = readArray(params, name).filter((item) => item !== '');
      if (opts.required === true && items.length === 0) throw new ParamError(name, 'missing');
      if (opts.maxItems !== undefined && items.length > opts.maxItems) throw new ParamError(name, 'invalid');
      return items;
    },
  };
}

/** Reads every declared parameter, in declaration order; the first problem is thrown. */
export function parseParams<S extends Schema>(schema: S, params: Readonly<FlatParams>): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    out[name] = field.read(params, name);
  }
  // Each key was filled by its own field's read(), whose return type Infer<> mirrors.
  return out as Infer<S>;
}

export interface DecimalOptions extends Presence<number> {
  min?: number;
  max?: number;
}

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** Plain decimals such as prices (`9.99`, `0`); no exponent, hex or surrounding spaces. */
export function decimal<O extends DecimalOptions = {}>(opts?: O): Field<Out<number, O>> {
  const { min, max } = opts ?? {};
  return scalar<number>(opts ?? {}, (raw) => {
    if (!DECIMAL.test(raw)) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) return undefined;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) return undefined;
    return value;
  }) as Field<Out<number, O>>;
}
