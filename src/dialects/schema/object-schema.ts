import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import type { JsonSchema } from './json-schema.ts';

const objects = new WeakMap<TProperties, TSchema>();

/**
 * The object schema of a record of fields, built once per record: actions declare their
 * parameters as a record, decoders and docs read the object.
 */
export function objectSchema<S extends TProperties>(schema: S | TObject<S>): TObject<S> {
  if (isObjectSchema(schema)) return schema;
  let o = objects.get(schema);
  if (!o) {
    o = Type.Object(schema);
    objects.set(schema, o);
  }
  return o as TObject<S>;
}

function isObjectSchema<S extends TProperties>(s: S | TObject<S>): s is TObject<S> {
  // A record of fields may have a field called `type`; its value is then a schema, not a string.
  return (s as JsonSchema).type === 'object' && typeof (s as JsonSchema).properties === 'object';
}
