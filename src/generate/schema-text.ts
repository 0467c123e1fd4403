/**
 * One schema field as a reference table row: its type and its limits in words, read
 * from the JSON Schema data (the same data the decoders use).
 */
import type { Naming } from '../dialects/dialect.ts';
import { enumValues, kindOf, propertiesOf, type JsonSchema } from '../dialects/schema/json-schema.ts';

export interface Row {
  name: string;
  type: string;
  required: boolean;
  limits: string;
  notes: string;
}

function typeName(s: JsonSchema): string {
  switch (kindOf(s)) {
    case 'enum':
      return enumValues(s)!
        .map((v) => `\`${v}\``)
        .join(' | ');
    case 'array':
      return `list of ${typeName(s.items!)}`;
    case 'tags':
      return 'list of {key, value}';
    case 'union':
      return s.anyOf!.map(typeName).join(' or ');
    default:
      return s.type ?? 'any';
  }
}

function limits(s: JsonSchema): string {
  const out: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum}..${s.maximum}`);
  else if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  else if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined && s.maxLength !== undefined) out.push(`${s.minLength}-${s.maxLength} chars`);
  else if (s.maxLength !== undefined) out.push(`≤ ${s.maxLength} chars`);
  else if (s.minLength !== undefined) out.push(`≥ ${s.minLength} chars`);
  if (s.maxItems !== undefined) out.push(`≤ ${s.maxItems} items`);
  if (s.items?.maxLength !== undefined) out.push(`items ≤ ${s.items.maxLength} chars`);
  if (s.pattern !== undefined) out.push(s.patternHint ?? `matches \`${s.pattern}\``);
  if (s.multiline === true) out.push('may span lines');
  if (s.default !== undefined) out.push(`default \`${JSON.stringify(s.default)}\``);
  return out.join(', ');
}

/** Rows for every field of an object schema, nested objects and lists of objects flattened. */
export function rows(s: JsonSchema, naming: Naming, parent = '', parentRequired = true): Row[] {
  const out: Row[] = [];
  for (const [name, field, required] of propertiesOf(s)) {
    const path = naming.field(parent, name);
    const kind = kindOf(field);
    const req = required && parentRequired;
    if (kind === 'object' && field.properties) {
      out.push({ name: path, type: 'object', required: req, limits: '', notes: field.description ?? '' });
      out.push(...rows(field, naming, path, req));
    } else if (kind === 'array' && field.items && kindOf(field.items) === 'object') {
      out.push({ name: naming.item(path), type: 'list of objects', required: req, limits: limits(field), notes: field.description ?? '' });
      out.push(...rows(field.items, naming, naming.item(path), req));
    } else if (kind === 'tags') {
      const list = field.anyOf![0]!;
      out.push({
        name: path,
        type: typeName(field),
        required: req,
        limits: [limits(list), 'keys 1-64 chars, unique'].filter(Boolean).join(', '),
        notes: 'bare list, or wrapped as `{"tags": [...]}`',
      });
    } else {
      const listName = kind === 'array' ? naming.scalarList(path) : path;
      out.push({ name: listName, type: typeName(field), required: req, limits: limits(field), notes: field.description ?? '' });
    }
  }
  return out;
}

/** A nullable union (`T | null`) reads as T in the answer tables, with "or null". */
export function answerRows(s: JsonSchema, naming: Naming, parent = ''): Row[] {
  const out: Row[] = [];
  for (const [name, field, required] of propertiesOf(s)) {
    const path = naming.field(parent, name);
    const nonNull = field.anyOf?.filter((b) => b.type !== 'null');
    const core = nonNull && nonNull.length === 1 && !enumValues(field) ? nonNull[0]! : field;
    const orNull = core !== field ? ' or null' : '';
    const notes = [field.description ?? core.description ?? '', required ? '' : 'not always present'].filter(Boolean).join('; ');
    if (kindOf(core) === 'object' && core.properties) {
      out.push({ name: path, type: `object${orNull}`, required, limits: '', notes });
      out.push(...answerRows(core, naming, path));
    } else if (kindOf(core) === 'array' && core.items && kindOf(core.items) === 'object' && core.items.properties) {
      out.push({ name: naming.item(path), type: 'list of objects', required, limits: '', notes });
      out.push(...answerRows(core.items, naming, naming.item(path)));
    } else {
      out.push({ name: path, type: typeName(core) + orNull, required, limits: '', notes });
    }
  }
  return out;
}
