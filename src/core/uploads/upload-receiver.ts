import { createHash } from 'node:crypto';
import { ChunkWriter } from '../chunks/chunk-writer.ts';
import { KilnError } from '../errors.ts';
import type { Upload, UploadPart } from '../model.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';

export interface ReceiveOptions {
  /** Bytes a staged part holds; parts sit at multiples of it, so a raw file's parts are its chunks. */
  partBytes: number;
  /** How far each stored part pushes the upload's expiry. */
  expiresInMs: number;
}

/**
 * Takes the bytes of one PATCH into an upload, from the offset it stands at, as staged
 * parts: each part, once full, is stored as a content-addressed chunk (pending for the
 * upload, so no collector takes it), made durable, and only then recorded with the new
 * offset, in one conditional update. A part is filled while the one before is being
 * stored, so the socket keeps flowing. When the body ends early (a cut connection), the
 * part being filled is dropped: the offset says exactly which bytes are kept.
 *
 * Returns the offset reached. `complete` tells whether the body arrived whole: only then
 * is a last, short part stored.
 */
export async function receiveParts(
  d: { store: MetadataStore; blobs: BlobStore },
  upload: Upload,
  body: AsyncIterable<Buffer>,
  opts: ReceiveOptions,
): Promise<{ offset: number; cut: unknown }> {
  const writer = new ChunkWriter(d.store, d.blobs, upload.id);
  let offset = upload.offset;
  let fill = Buffer.allocUnsafe(opts.partBytes);
  let spare = Buffer.allocUnsafe(opts.partBytes);
  let filled = 0;
  let storing: Promise<void> = Promise.resolve();
  // Parts end at multiples of partBytes (or at the file's end), whatever the PATCHes' sizes.
  const partEnd = () => Math.min(upload.length, (Math.floor(offset / opts.partBytes) + 1) * opts.partBytes);
  let want = partEnd() - offset;

  const store = (bytes: Buffer, start: number) => {
    const previous = storing;
    storing = (async () => {
      await previous;
      const part: UploadPart = { start, length: bytes.length, chunkKey: await stagePart(writer, d.blobs, bytes) };
      if (!(await d.store.uploads.appendPart(upload.id, part, opts.expiresInMs))) {
        throw new KilnError('UploadOffsetMismatch', `another request moved upload ${upload.id} on while this one was sending; ask for its offset with HEAD`);
      }
    })();
    return previous;
  };

  const flushPart = async () => {
    const bytes = fill.subarray(0, filled);
    const start = offset;
    offset += filled;
    // The buffer just filled is stored while the other one takes the next bytes.
    await store(bytes, start);
    [fill, spare] = [spare, fill];
    filled = 0;
    want = partEnd() - offset;
  };

  let cut: unknown;
  try {
    for await (const chunk of body) {
      let at = 0;
      while (at < chunk.length) {
        if (want === 0) throw new KilnError('UploadComplete', `the bytes sent go past the upload's declared length of ${upload.length} bytes`);
        const n = Math.min(want - filled, chunk.length - at);
        chunk.copy(fill, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === want) await flushPart();
      }
    }
    // The body ended as sent: a short last part (the client sent a range that ends mid-part) is kept.
    if (filled > 0) await flushPart();
  } catch (e) {
    // A refusal of ours is answered; anything else is the connection going away.
    if (e instanceof KilnError) {
      await storing.catch(() => undefined);
      throw e;
    }
    cut = e;
  }
  await storing;
  return { offset: (await d.store.uploads.get(upload.id))?.offset ?? offset, cut };
}

let zeros = Buffer.alloc(0);

/** Stores a part as a chunk and makes it durable; a part of zeros is a hole and stores nothing. */
async function stagePart(writer: ChunkWriter, blobs: BlobStore, bytes: Buffer): Promise<string | null> {
  if (zeros.length < bytes.length) zeros = Buffer.alloc(bytes.length);
  if (bytes.equals(zeros.subarray(0, bytes.length))) return null;
  const key = createHash('sha256').update(bytes).digest('hex');
  await writer.putIfAbsent(key, bytes);
  await blobs.sync([key]);
  return key;
}
