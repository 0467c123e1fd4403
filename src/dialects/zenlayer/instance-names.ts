import { KilnError } from '../../core/errors.ts';
import { INSTANCE_NAME } from './names.ts';

/**
 * Names for a batch of instances (create-zec-instances.yaml, `instanceName`): each
 * `_[begin,bits]` (or bare `[begin,bits]`) becomes begin+i zero-padded to `bits` digits,
 * so `server_[3,3]` names three instances server003, server004, server005. begin defaults
 * to 0 and bits to 6; several patterns in one name count together.
 */
export function expandInstanceNames(pattern: string, count: number): string[] {
  const placeholder = /_?\[(\d*),(\d*)\]/g;
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = pattern.replace(placeholder, (_m, beginRaw: string, bitsRaw: string) => {
      const begin = beginRaw === '' ? 0 : Number(beginRaw);
      const bits = bitsRaw === '' ? 6 : Number(bitsRaw);
      if (begin > 99_999 || bits < 1 || bits > 6) {
        throw new KilnError('InvalidParameter', 'a [begin_number,bits] pattern needs begin_number in 0..99999 and bits in 1..6', 'instanceName');
      }
      return String(begin + i).padStart(bits, '0');
    });
    if (!INSTANCE_NAME.test(name)) {
      throw new KilnError('InvalidParameter', `"${name}" must be 2-63 letters, digits, - and ., starting with a letter or digit`, 'instanceName');
    }
    names.push(name);
  }
  return names;
}
