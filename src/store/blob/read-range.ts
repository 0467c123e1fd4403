/** Argument checks shared by every store: `buf` must hold `length` bytes read from a non-negative offset. */
export function checkRange(offset: number, length: number, buf: Buffer): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset ${offset} must be a non-negative integer`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length ${length} must be a non-negative integer`);
  if (length > buf.length) throw new RangeError(`length ${length} does not fit the ${buf.length}-byte buffer`);
}

/** A chunk that does not fit the caller's buffer is a bug upstream, never silently cut. */
export function tooLarge(key: string, size: number, buf: Buffer): RangeError {
  return new RangeError(`chunk ${key} is ${size} bytes, more than the ${buf.length}-byte buffer`);
}
