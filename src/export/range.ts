/**
 * One `Range: bytes=A-B` / `bytes=A-` / `bytes=-N` of a `size`-byte body, as [start, end).
 * undefined: no (usable) Range, send everything; several ranges are not served.
 */
export function parseRange(header: string | undefined, size: number): [number, number] | undefined | 'unsatisfiable' {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? 'unsatisfiable' : [Math.max(0, size - n), size];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  if (start >= size || end <= start) return 'unsatisfiable';
  return [start, end];
}
