/** A failure while the body streamed in, after the SDK had already returned (and stopped retrying). */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
}

/**
 * Copies a response body straight into `buf` from offset 0, one network chunk at a time:
 * the body is never gathered into a buffer of its own first. More than `limit` bytes is
 * an error raised by `tooMuch` (the body is then abandoned, which destroys it).
 */
export async function streamInto(body: AsyncIterable<Uint8Array>, buf: Buffer, limit: number, tooMuch: (seen: number) => Error): Promise<number> {
  let off = 0;
  let overflow: Error | undefined;
  try {
    for await (const piece of body) {
      if (off + piece.length > limit) {
        overflow = tooMuch(off + piece.length);
        break;
      }
      buf.set(piece, off);
      off += piece.length;
    }
  } catch (e) {
    throw new BodyReadError(`response body failed after ${off} bytes: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (overflow) throw overflow;
  return off;
}
