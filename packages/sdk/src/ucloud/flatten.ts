/**
 * UCloud parameters on the wire: nested values flattened with zero-based indexes
 * (`{DataUDiskIds: ['a']}` is `DataUDiskIds.0`, `{Disks: [{IsBoot: true}]}` is
 * `Disks.0.IsBoot`, `{Softwares: {Application: ['x']}}` is `Softwares.Application.0`);
 * null and undefined are not sent.
 */
export type Scalar = string | number | boolean;

export function flattenParams(params: object): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  const walk = (value: unknown, key: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(item, `${key}.${index}`);
      });
    } else if (typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) walk(item, `${key}.${name}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      if (out.has(key)) throw new TypeError(`parameter ${key} given twice`);
      out.set(key, value);
    } else {
      throw new TypeError(`parameter ${key}: cannot send a ${typeof value}`);
    }
  };
  for (const [name, value] of Object.entries(params)) walk(value, name);
  return out;
}

/**
 * The string a value is signed (and form-encoded) as: booleans `true`/`false`, numbers
 * without a zero fraction and never in exponent notation (PROTOCOLS.md).
 */
export function valueString(value: Scalar): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new TypeError(`cannot send ${value}`);
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  // Tiny fractions: String() writes 1.5e-7; the signature wants 0.00000015, the same
  // shortest digits with the exponent written out.
  const m = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  if (!m) return text;
  const [, sign = '', lead = '', fraction = '', exponent = '0'] = m;
  return `${sign}0.${'0'.repeat(Number(exponent) - 1)}${lead}${fraction}`;
}
