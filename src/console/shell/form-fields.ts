import { forbiddenCharacter } from '../../core/display-text.ts';
import { KilnError } from '../../core/errors.ts';

/** A posted form as @fastify/formbody parses it: repeated fields become arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

/**
 * One text field of a form, trimmed and checked as the dialects check their string
 * parameters (no control or bidirectional characters, a length limit); a required field
 * that is empty is refused as MissingParameter naming the field's label.
 */
export function textField(
  body: FormBody | undefined,
  field: string,
  label: string,
  opts: { required?: boolean; max?: number; multiline?: boolean } = {},
): string {
  const raw = body?.[field];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  if (value === '') {
    if (opts.required) throw new KilnError('MissingParameter', `${label} is required`);
    return '';
  }
  const max = opts.max ?? 255;
  if ([...value].length > max) throw new KilnError('InvalidParameter', `${label} is longer than ${max} characters`);
  const bad = forbiddenCharacter(value, opts.multiline ?? false);
  if (bad)
    throw new KilnError(
      'InvalidParameter',
      `${label} holds a control or bidirectional character (U+${bad.codePoint.toString(16).toUpperCase().padStart(4, '0')}) at ${bad.index}`,
    );
  return value;
}

/** A field that must be one of `choices`. */
export function choiceField<T extends string>(body: FormBody | undefined, field: string, label: string, choices: readonly T[]): T {
  const value = textField(body, field, label, { required: true });
  const found = choices.find((c) => c === value);
  if (found === undefined) throw new KilnError('InvalidParameter', `${label} must be one of ${choices.join(', ')}`);
  return found;
}
