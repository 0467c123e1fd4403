/**
 * Reading the schemas as data: the subset of JSON Schema the field builders produce
 * (fields.ts), with the questions every consumer asks of it (decoders, docs, SDK types).
 */
import type { TSchema } from '@sinclair/typebox';
import { displayTextProblem } from '../../core/display-text.ts';
import { TAGS_FORMAT } from './fields.ts';

export interface JsonSchema {
  type?: string;
  description?: string;
  anyOf?: JsonSchema[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  patternHint?: string;
  /** A string that may hold tabs and line breaks (fields.ts, StrOptions.multiline). */
  multiline?: boolean;
  minItems?: number;
  maxItems?: number;
  format?: string;
}

export type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'tags' | 'null' | 'union' | 'any';

/** A TypeBox schema read as the JSON Schema it is (symbols aside). */
export function json(schema: TSchema): JsonSchema {
  return schema;
}

export function enumValues(s: JsonSchema): string[] | undefined {
  if (!s.anyOf || s.anyOf.length === 0) return undefined;
  const values = s.anyOf.map((a) => a.const);
  return values.every((v): v is string => typeof v === 'string') ? values : undefined;
}

export function kindOf(s: JsonSchema): FieldKind {
  if (s.format === TAGS_FORMAT) return 'tags';
  if (enumValues(s)) return 'enum';
  if (s.anyOf) return 'union';
  switch (s.type) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
    case 'array':
    case 'object':
    case 'null':
      return s.type;
    case undefined:
      // Type.Unknown(): answers may hold lists the local driver always leaves empty.
      return 'any';
    default:
      throw new TypeError(`schema kind not supported: ${JSON.stringify(s)}`);
  }
}

/** Properties in declaration order (the order problems are reported in). */
export function propertiesOf(s: JsonSchema): Array<[string, JsonSchema, boolean]> {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, p]) => [name, p, required.has(name)]);
}

/** Compiled once per schema object: patterns are strings in JSON Schema. */
const patterns = new WeakMap<JsonSchema, RegExp>();
export function patternOf(s: JsonSchema): RegExp | undefined {
  if (s.pattern === undefined) return undefined;
  let re = patterns.get(s);
  if (!re) {
    // No flags: the patterns were written as plain regex literals.
    re = new RegExp(s.pattern);
    patterns.set(s, re);
  }
  return re;
}

/** Why a string value may not be used, whatever the field's other limits (core/display-text.ts). */
export function textProblemOf(s: JsonSchema, value: string): string | undefined {
  return displayTextProblem(value, s.multiline === true);
}
