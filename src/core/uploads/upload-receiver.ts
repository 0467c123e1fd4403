import { contentKeyOf } from '../chunks/content-key.ts';
import { isAllZero } from '../../disk/nonzero-runs.ts';
import { ChunkWriter } from '../chunks/chunk-writer.ts';
import { KilnError } from '../errors.ts';
import type { Upload } from '../model.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { PartPipeline } from './part-pipeline.ts';

export interface ReceiveOptions {
  /** Bytes a staged part holds; parts sit at multiples of it, so a raw file's parts are its chunks. */
  partBytes: number;
  /** How far each stored part pushes the upload's expiry. */
  expiresInMs: number;
}

/**
 * Parts staged at once while the next is read. Staging a part is a hash, a write and an
 * fdatasync; with one in flight the socket waited on every fsync (~8 MiB/s under load in
 * the upload bench). A few in flight let the disk overlap them; memory stays at
 * (PARTS_IN_FLIGHT + 1) x partBytes per PATCH.
 */
const PARTS_IN_FLIGHT = 3;

/**
 * Takes the bytes of one PATCH into an upload, from the offset it stands at, as staged
 * parts: each part, once full, is stored as a content-addressed chunk (pending for the
 * upload, so no collector takes it) and made durable, while the next parts are read
 * (PartPipeline); the durable parts at the front are then recorded with the new offset in
 * one conditional update. When the body ends early (a cut connection), the part being
 * filled is dropped and the parts already submitted are finished: the offset says exactly
 * which bytes are kept, and they are contiguous.
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
  const pipeline = new PartPipeline(
    PARTS_IN_FLIGHT,
    opts.partBytes,
    (bytes) => stagePart(writer, d.blobs, bytes),
    async (parts) => {
      if (!(await d.store.uploads.appendParts(upload.id, parts, opts.expiresInMs))) {
        throw new KilnError('UploadOffsetMismatch', `another request moved upload ${upload.id} on while this one was sending; ask for its offset with HEAD`);
      }
    },
  );
  /** Where the part being filled starts: every byte before it is submitted. */
  let offset = upload.offset;
  let fill: Buffer | undefined;
  let filled = 0;
  // Parts end at multiples of partBytes (or at the file's end), whatever the PATCHes' sizes.
  const partEnd = () => Math.min(upload.length, (Math.floor(offset / opts.partBytes) + 1) * opts.partBytes);
  let want = partEnd() - offset;

  const flushPart = (bytes: Buffer) => {
    pipeline.submit(bytes, offset, filled);
    offset += filled;
    fill = undefined;
    filled = 0;
    want = partEnd() - offset;
  };

  let cut: unknown;
  try {
    for await (const chunk of body) {
      let at = 0;
      while (at < chunk.length) {
        if (want === 0) throw new KilnError('UploadComplete', `the bytes sent go past the upload's declared length of ${upload.length} bytes`);
        // Waits here (so the socket is paused) only while PARTS_IN_FLIGHT parts are staging.
        fill ??= await pipeline.buffer();
        const n = Math.min(want - filled, chunk.length - at);
        chunk.copy(fill, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === want) flushPart(fill);
      }
    }
    // The body ended as sent: a short last part (the client sent a range that ends mid-part) is kept.
    if (filled > 0 && fill !== undefined) flushPart(fill);
  } catch (e) {
    // A refusal of ours is answered; anything else is the connection going away (a failed
    // store met here is thrown again by drain() below).
    if (e instanceof KilnError) {
      await pipeline.settle();
      throw e;
    }
    cut = e;
  }
  await pipeline.drain();
  return { offset: (await d.store.uploads.get(upload.id))?.offset ?? offset, cut };
}

/** Stores a part as a chunk and makes it durable; a part of zeros is a hole and stores nothing. */
async function stagePart(writer: ChunkWriter, blobs: BlobStore, bytes: Buffer): Promise<string | null> {
  if (isAllZero(bytes, bytes.length)) return null;
  const key = contentKeyOf(bytes);
  await writer.putIfAbsent(key, bytes);
  await blobs.sync([key]);
  return key;
}
