/**
 * An action's parameters read from the flat map, as the action's schema declares them:
 *
 *   const schema = { Region: str({ required: true }), Limit: int({ min: 0, max: 100, default: 20 }) };
 *   const p = parseParams(schema, flat); // p: { Region: string; Limit: number }
 *
 * The schema is the shared one (../../schema/fields.ts); this file is the UCloud reading
 * of it: every value is a string, lists are `Name.N`, objects `Name.Field`, lists of
 * objects `Name.N.Field`. Only declared names are read: SDKs inject Region/ProjectId/Zone
 * into every call, so undeclared parameters are ignored, never rejected.
 */
import type { TObject, TProperties } from '@sinclair/typebox';
import { enumValues, json, kindOf, patternOf, propertiesOf, textProblemOf, type JsonSchema } from '../../schema/json-schema.ts';
import type { DecodedProps } from '../../schema/fields.ts';
import { objectSchema } from '../../schema/object-schema.ts';
import { readArrayEntries, readObject, readObjectArray, type FlatParams } from './flat-params.ts';
import { paramErrorMessage, type ParamProblem } from './ret-codes.ts';

export { bool, enumOf, int, num as decimal, obj, objArray, str, strArray } from '../../schema/fields.ts';

/**
 * A parameter that is absent or unusable. `name` is the parameter's name (as the
 * caller needs it for the 230 answer), not the error class name; `message` is already
 * the wire message, `Params [Name] not available|not valid`, followed by `: detail`
 * when there is more to say than the vendor's words (as core errors do).
 */
export class ParamError extends Error {
  override readonly name: string;
  readonly kind: ParamProblem;
  readonly detail: string | undefined;

  constructor(name: string, kind: ParamProblem, detail?: string) {
    super(detail === undefined ? paramErrorMessage(name, kind) : `${paramErrorMessage(name, kind)}: ${detail}`);
    this.name = name;
    this.kind = kind;
    this.detail = detail;
  }
}

export type Schema = TProperties;
export type Infer<S extends TProperties> = DecodedProps<S>;

const DECIMAL_INT = /^-?[0-9]+$/;
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** Why `value` is out of the schema's range, in the words of the range itself. */
function rangeProblem(s: JsonSchema, value: number): string | undefined {
  const { minimum: min, maximum: max } = s;
  if ((min === undefined || value >= min) && (max === undefined || value <= max)) return undefined;
  const rule = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
  return `${rule} (got ${value})`;
}

/** A scalar decoded from its string form, or the rule the string broke (the 230 message's `: why`). */
type Scalar = { ok: true; value: unknown } | { ok: false; why: string };
const ok = (value: unknown): Scalar => ({ ok: true, value });
const broke = (why: string): Scalar => ({ ok: false, why });

function scalar(s: JsonSchema, raw: string): Scalar {
  switch (kindOf(s)) {
    case 'string': {
      // Lengths only, never the value: it may be long, or a secret (Password).
      const length = [...raw].length;
      if (s.maxLength !== undefined && length > s.maxLength) return broke(`at most ${s.maxLength} characters (got ${length})`);
      if (s.minLength !== undefined && length < s.minLength) return broke(`at least ${s.minLength} characters (got ${length})`);
      const pattern = patternOf(s);
      return pattern && !pattern.test(raw) ? broke(s.patternHint ?? `must match ${pattern.source}`) : ok(raw);
    }
    case 'integer': {
      // Decimal integers only: no `1e3`, `0x10`, `1.0` or surrounding spaces.
      if (!DECIMAL_INT.test(raw)) return broke('a whole number in decimal digits');
      const value = Number(raw);
      // Beyond 2^53 a number is no longer the one sent; the schema's own range says more, when it has one.
      const problem =
        rangeProblem(s, value) ?? (Number.isSafeInteger(value) ? undefined : `between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
      return problem === undefined ? ok(value) : broke(problem);
    }
    case 'number': {
      // Plain decimals such as prices (`9.99`, `0`); no exponent, hex or surrounding spaces.
      if (!DECIMAL.test(raw)) return broke('a decimal number such as 9.99');
      const value = Number(raw);
      if (!Number.isFinite(value)) return broke('a finite number');
      const problem = rangeProblem(s, value);
      return problem === undefined ? ok(value) : broke(problem);
    }
    case 'boolean': {
      // `true`/`false` in any case (docs show `True`), and `1`/`0` (docs show `Auth=1`).
      const lower = raw.toLowerCase();
      if (lower === 'true' || raw === '1') return ok(true);
      if (lower === 'false' || raw === '0') return ok(false);
      return broke('true, false, 1 or 0');
    }
    case 'enum': {
      const values = enumValues(s)!;
      return values.includes(raw) ? ok(raw) : broke(`one of ${values.join(', ')}`);
    }
    default:
      throw new TypeError(`not a scalar schema: ${JSON.stringify(s)}`);
  }
}

/** The value of `raw` for `s`, or the 230 error naming `name` and the rule broken. */
function decode(s: JsonSchema, raw: string, name: string): unknown {
  refuseText(s, raw, name);
  const r = scalar(s, raw);
  if (!r.ok) throw new ParamError(name, 'invalid', r.why);
  return r.value;
}

function tooMany(s: JsonSchema, count: number, name: string): void {
  if (s.maxItems !== undefined && count > s.maxItems) throw new ParamError(name, 'invalid', `at most ${s.maxItems} items (got ${count})`);
}

function readField(s: JsonSchema, required: boolean, flat: Readonly<FlatParams>, name: string): unknown {
  const kind = kindOf(s);
  if (kind === 'array') {
    const item = s.items!;
    if (kindOf(item) === 'object') {
      const elements = readObjectArray(flat, name);
      if (elements.length === 0 && required) {
        // Named after the first thing missing, as a caller reads it: `Disks.0.IsBoot`.
        const first = propertiesOf(item).find(([, , r]) => r)?.[0];
        throw new ParamError(first ? `${name}.0.${first}` : name, 'missing');
      }
      tooMany(s, elements.length, name);
      return elements.map((element, i) => readDeclaredProperties(item, element, `${name}.${i}.`));
    }
    // An empty item is no item: Go drops empty strings, so a list with one has a hole.
    const raws = readArrayEntries(flat, name).filter(([, x]) => x !== '');
    if (required && raws.length === 0) throw new ParamError(name, 'missing');
    tooMany(s, raws.length, name);
    return raws.map(([index, raw]) => decode(item, raw, `${name}.${index}`));
  }
  if (kind === 'object') {
    const sub = readObject(flat, name);
    if (Object.keys(sub).length === 0) {
      if (required) throw new ParamError(name, 'missing');
      return undefined;
    }
    return readDeclaredProperties(s, sub, `${name}.`);
  }
  // An empty string counts as absent: the Go SDK drops empty strings while Python sends
  // `Name=`, and the same call must mean the same thing.
  const raw = Object.hasOwn(flat, name) ? flat[name] : undefined;
  if (raw === undefined || raw === '') {
    if (s.default !== undefined) return s.default;
    if (required) throw new ParamError(name, 'missing');
    return undefined;
  }
  return decode(s, raw, name);
}

/** Control and bidirectional characters, refused in every string before its other limits. */
function refuseText(s: JsonSchema, raw: string, name: string): void {
  if (kindOf(s) !== 'string') return;
  const problem = textProblemOf(s, raw);
  if (problem !== undefined) throw new ParamError(name, 'invalid', problem);
}

/** Every declared property of `s` from `flat`; errors name the parameter as sent (`prefix` + name). */
function readDeclaredProperties(s: JsonSchema, flat: Readonly<FlatParams>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field, required] of propertiesOf(s)) {
    try {
      out[name] = readField(field, required, flat, name);
    } catch (e) {
      if (e instanceof ParamError && prefix !== '') throw new ParamError(prefix + e.name, e.kind, e.detail);
      throw e;
    }
  }
  return out;
}

/** Reads every declared parameter, in declaration order; the first problem is thrown. */
export function parseParams<S extends TProperties>(schema: S | TObject<S>, params: Readonly<FlatParams>): Infer<S> {
  // Each key was filled by readField() from its own field, whose decoded type Infer<> mirrors.
  return readDeclaredProperties(json(objectSchema(schema)), params, '') as Infer<S>;
}
