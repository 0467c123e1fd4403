/**
 * How a JSON-typed scalar becomes the string that was signed. The JS SDK sends a flat
 * JSON body with typed values and signs their string forms; the docs fix those forms:
 * booleans `true`/`false`, numbers without a zero fraction and never in scientific
 * notation.
 */

/**
 * Plain decimal form of a finite number: `42` for 42.0, `1000000000000000000000` for
 * 1e21, `0.00000015` for 1.5e-7. The digits are the shortest round-trip ones (what
 * String() gives), only the exponent is expanded.
 *
 * Note: the JS SDK itself signs `value.toString()`, which does use exponents below 1e-6
 * and from 1e21 up. We follow the documented rule; no UCloud parameter takes such values.
 */
export function formatJsonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text === '-0' ? '0' : text;
  const [, sign = '', lead = '', fraction = '', exponentText = '0'] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  // Positive exponents only come from |value| >= 1e21, all of which are integers, so the
  // digits just get padded with zeros (no decimal point can remain).
  return sign + digits + '0'.repeat(exponent - fraction.length);
}

/** The signed string form of a JSON scalar; null means "not sent" and is skipped. */
export function stringifyJsonScalar(value: string | number | boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return formatJsonNumber(value);
}
