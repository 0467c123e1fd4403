import { open } from 'node:fs/promises';

/** Writes a download stream to `path` from `offset` on, as the CLI does: holes stay holes. */
export async function saveStream(body: ReadableStream<Uint8Array>, path: string, offset = 0, total?: number): Promise<number> {
  const fh = await open(path, offset > 0 ? 'r+' : 'w');
  let at = offset;
  try {
    for await (const piece of body) {
      await fh.write(piece, 0, piece.length, at);
      at += piece.length;
    }
    if (total !== undefined) await fh.truncate(total);
  } finally {
    await fh.close();
  }
  return at;
}
