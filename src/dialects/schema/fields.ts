/**
 * The one schema language of both dialects: request fields are TypeBox schemas, that is
 * plain JSON Schema objects, so the wire decoders (UCloud flat `.N` maps, ZEC JSON), the
 * reference docs and the SDK's types are all read from the same data.
 *
 *   const params = { Region: str({ required: true }), Limit: int({ min: 0, max: 100, default: 20 }) };
 *   // decoded: { Region: string; Limit: number }; sent by a caller: { Region: string; Limit?: number }
 *
 * A field is required, defaulted or optional. What a caller sends and what a handler
 * receives differ for defaulted fields and lists (absent is `[]`), so each builder also
 * states its decoded type (DecodesTo), which Decoded<> reads.
 */
import {
  Type,
  type Static,
  type TArray,
  type TBoolean,
  type TInteger,
  type TLiteral,
  type TNumber,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  type TString,
  type TUnion,
} from '@sinclair/typebox';
import type { OptionalKind } from '@sinclair/typebox';

declare const decodedAs: unique symbol;

/** Type-only marker: the value a handler receives for this field (never present at run time). */
export interface DecodesTo<T> {
  readonly [decodedAs]: T;
}

type Base<T> = T extends TObject<infer P> ? DecodedProps<P> : T extends TArray<infer I> ? Decoded<I>[] : T extends TSchema ? Static<T> : never;

/** What a handler receives for a field: defaults applied, lists never undefined. */
export type Decoded<T> = T extends DecodesTo<infer D> ? D : T extends { [OptionalKind]: 'Optional' } ? Base<T> | undefined : Base<T>;

export type DecodedProps<P extends TProperties> = { [K in keyof P]: Decoded<P[K]> };

interface Doc {
  /** One line for the reference docs. */
  doc?: string;
}

export interface Presence<T> extends Doc {
  required?: boolean;
  default?: T;
}

/** Required stays as is, a default decodes to the plain type, anything else may be undefined. */
export type Field<S extends TSchema, O> = O extends { required: true }
  ? S
  : O extends { default: unknown }
    ? TOptional<S> & DecodesTo<Static<S>>
    : TOptional<S>;

/** The options of a call that passes none: no key, so Field<> finds neither `required` nor `default`. */
type NoOptions = Record<never, never>;

function field<S extends TSchema, O extends Presence<unknown>>(schema: S, opts: O | undefined): Field<S, O> {
  // The casts restate Field<>: Optional unless required; DecodesTo exists only in types.
  return (opts?.required === true ? schema : Type.Optional(schema)) as Field<S, O>;
}

function jsonOptions(opts: object, rename: Record<string, string> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined || key === 'required') continue;
    out[key === 'doc' ? 'description' : (rename[key] ?? key)] = value;
  }
  return out;
}

export interface StrOptions extends Presence<string> {
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  /** Shown in the pattern error, e.g. "2-63 letters, digits, -/_ and ." */
  patternHint?: string;
  /**
   * Tabs and line breaks allowed (descriptions, a Readme). Every string refuses the other
   * control and bidirectional characters (core/display-text.ts), this option or not.
   */
  multiline?: boolean;
}

export function str<const O extends StrOptions = NoOptions>(opts?: O): Field<TString, O> {
  const { pattern, ...rest } = opts ?? {};
  return field(Type.String({ ...jsonOptions(rest), ...(pattern ? { pattern: pattern.source } : {}) }), opts);
}

export interface NumOptions extends Presence<number> {
  min?: number;
  max?: number;
}

const bounds = { min: 'minimum', max: 'maximum' };

/** Integers: UCloud reads decimal digits only, ZEC a JSON number without a fraction. */
export function int<const O extends NumOptions = NoOptions>(opts?: O): Field<TInteger, O> {
  return field(Type.Integer(jsonOptions(opts ?? {}, bounds)), opts);
}

/** Plain decimals (prices, traffic sizes); UCloud never reads exponents or hex. */
export function num<const O extends NumOptions = NoOptions>(opts?: O): Field<TNumber, O> {
  return field(Type.Number(jsonOptions(opts ?? {}, bounds)), opts);
}

export function bool<const O extends Presence<boolean> = NoOptions>(opts?: O): Field<TBoolean, O> {
  return field(Type.Boolean(jsonOptions(opts ?? {})), opts);
}

type Literals<V extends readonly string[]> = { -readonly [K in keyof V]: TLiteral<V[K]> };
export type TEnum<V extends readonly string[]> = TUnion<Literals<V> extends TSchema[] ? Literals<V> : never>;

/** A union of string literals; enums are compared exactly (both vendors are case-sensitive). */
export function literals<const V extends readonly string[]>(values: V, options: Record<string, unknown> = {}): TEnum<V> {
  // TypeBox types Union over a tuple; the map keeps the tuple's order and length.
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TEnum<V>;
}

export function enumOf<const V extends readonly string[], const O extends Presence<V[number]> = NoOptions>(values: V, opts?: O): Field<TEnum<V>, O> {
  return field(literals(values, jsonOptions(opts ?? {})), opts);
}

export interface ArrayOptions extends Doc {
  /** At least one element must be sent. */
  required?: boolean;
  maxItems?: number;
}

/** A list; absent is empty, so the decoded value is never undefined. */
export type ListField<I extends TSchema, O> = O extends { required: true } ? TArray<I> : TOptional<TArray<I>> & DecodesTo<Decoded<I>[]>;

export function list<I extends TSchema, const O extends ArrayOptions = NoOptions>(item: I, opts?: O): ListField<I, O> {
  const { required, ...rest } = opts ?? {};
  const schema = Type.Array(item, { ...jsonOptions(rest), ...(required === true ? { minItems: 1 } : {}) });
  return (required === true ? schema : Type.Optional(schema)) as ListField<I, O>;
}

export function strArray<const O extends ArrayOptions & { itemMaxLength?: number } = NoOptions>(opts?: O): ListField<TString, O> {
  const { itemMaxLength, ...rest } = opts ?? {};
  return list(Type.String(itemMaxLength === undefined ? {} : { maxLength: itemMaxLength }), rest as Omit<O, 'itemMaxLength'>) as ListField<TString, O>;
}

/** A nested object read with its own fields; absent stays undefined unless required. */
export function obj<P extends TProperties, const O extends { required?: boolean } & Doc = NoOptions>(
  props: P,
  opts?: O,
): O extends { required: true } ? TObject<P> : TOptional<TObject<P>> {
  const schema = Type.Object(props, opts?.doc ? { description: opts.doc } : {});
  return (opts?.required === true ? schema : Type.Optional(schema)) as O extends { required: true } ? TObject<P> : TOptional<TObject<P>>;
}

export function objArray<P extends TProperties, const O extends ArrayOptions = NoOptions>(props: P, opts?: O): ListField<TObject<P>, O> {
  return list(Type.Object(props), opts);
}

export interface Tag {
  key: string;
  value: string;
}

const Tag = Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }), value: Type.Optional(Type.String({ maxLength: 64 })) });

/** Marks the one field shape that is not plain JSON Schema decoding: a list sent bare or wrapped. */
export const TAGS_FORMAT = 'kiln-tags';

export type TagsField = TOptional<TUnion<[TArray<typeof Tag>, TObject<{ tags: TArray<typeof Tag> }>]>> & DecodesTo<Tag[]>;

/**
 * ZEC tags. Create calls wrap the list (`{"tags": {"tags": [...]}}`, the SDK's
 * TagAssociation); Describe filters send the bare list. Both decode to one list with
 * unique keys and `value` defaulted to "".
 */
export function tags(opts: { maxItems?: number } = {}): TagsField {
  const items = Type.Array(Tag, opts.maxItems === undefined ? {} : { maxItems: opts.maxItems });
  return Type.Optional(Type.Union([items, Type.Object({ tags: items })], { format: TAGS_FORMAT, uniqueKey: 'key' })) as TagsField;
}
