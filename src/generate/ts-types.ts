/** TypeScript type text from the schemas' JSON Schema data, for the SDK's generated files. */
import { enumValues, kindOf, propertiesOf, type JsonSchema } from '../dialects/schema/json-schema.ts';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function key(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

function doc(s: JsonSchema, pad: string): string {
  const parts = [s.description, s.default !== undefined ? `Default ${JSON.stringify(s.default)}.` : undefined].filter(Boolean);
  return parts.length > 0 ? `${pad}/** ${parts.join(' ')} */\n` : '';
}

export function objectBody(s: JsonSchema, pad: string, omit: ReadonlySet<string> = new Set()): string {
  const lines = propertiesOf(s)
    .filter(([name]) => !omit.has(name))
    .map(([name, field, required]) => `${doc(field, pad)}${pad}${key(name)}${required ? '' : '?'}: ${tsType(field, pad)};`);
  return lines.join('\n');
}

export function tsType(s: JsonSchema, pad = ''): string {
  switch (kindOf(s)) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'any':
      return 'unknown';
    case 'enum':
      return enumValues(s)!
        .map((v) => JSON.stringify(v))
        .join(' | ');
    case 'array': {
      const item = tsType(s.items!, pad);
      return /^[\w"]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'tags':
    case 'union':
      return s.anyOf!.map((b) => tsType(b, pad)).join(' | ');
    case 'object': {
      const body = objectBody(s, `${pad}  `);
      return body === '' ? 'Record<string, never>' : `{\n${body}\n${pad}}`;
    }
  }
}
