import type { Attributes } from '../../core/model.ts';

/** A JSON column as read: TEXT on SQLite, already parsed from jsonb on PostgreSQL. */
export function readJson(v: string | Record<string, unknown>): Attributes {
  return typeof v === 'string' ? (JSON.parse(v) as Attributes) : v;
}
