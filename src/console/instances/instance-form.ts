import { KilnError } from '../../core/errors.ts';

/** A posted form's fields; @fastify/formbody gives strings (or arrays for repeated names). */
export type FormBody = Record<string, string | string[] | undefined>;

/** One text field, trimmed; a missing or empty required one is refused with its name. */
export function textField(body: FormBody, name: string, opts: { required: true; max?: number }): string;
export function textField(body: FormBody, name: string, opts?: { required?: false; max?: number }): string | undefined;
export function textField(body: FormBody, name: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
  const raw = body[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) {
    if (opts.required) throw new KilnError('MissingParameter', `${name} is required`, name);
    return undefined;
  }
  const max = opts.max ?? 256;
  if (value.length > max) throw new KilnError('InvalidParameter', `${name} is longer than ${max} characters`, name);
  return value;
}

/** A whole number within bounds, refused with its name otherwise. */
export function intField(body: FormBody, name: string, min: number, max: number): number {
  const text = textField(body, name, { required: true, max: 20 });
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new KilnError('InvalidParameter', `${name} must be a whole number from ${min} to ${max}`, name);
  return n;
}
