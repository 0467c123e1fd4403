/// <reference types="node" />
/**
 * A local file as an upload source (Node only; the SDK loads this module on demand when
 * uploadImage is given a path). Reads go straight from the file in 1 MiB pieces, a few
 * ahead of the socket; the checksum is node:crypto's SHA-256, which uses the CPU's SHA
 * instructions where WebCrypto would need the whole file in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { UploadSource } from './source.ts';

const PIECE = 1024 * 1024;

export interface FileSource extends UploadSource {
  readonly path: string;
  /** The file's modification time when it was opened, so a resume can tell it is the same file. */
  readonly mtimeMs: number;
}

function fileStream(path: string, start: number, end: number): ReadableStream<Uint8Array> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  let at = start;
  const close = async () => {
    const f = fh;
    fh = undefined;
    await f?.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          fh ??= await open(path, 'r');
          const want = Math.min(PIECE, end - at);
          if (want <= 0) {
            await close();
            controller.close();
            return;
          }
          const buf = new Uint8Array(want);
          const { bytesRead } = await fh.read(buf, 0, want, at);
          if (bytesRead === 0) throw new Error(`${path} ended at byte ${at}, before the ${end} bytes it had when the upload began`);
          at += bytesRead;
          controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
        } catch (e) {
          await close().catch(() => undefined);
          throw e;
        }
      },
      cancel: close,
    },
    new CountQueuingStrategy({ highWaterMark: 4 }),
  );
}

export async function fileSource(path: string): Promise<FileSource> {
  const st = await stat(path);
  if (!st.isFile()) throw new TypeError(`${path} is not a regular file`);
  return {
    path,
    size: st.size,
    mtimeMs: st.mtimeMs,
    slice: (start, end) => fileStream(path, start, end),
    async sha256Hex(onBytes, signal) {
      const hash = createHash('sha256');
      let done = 0;
      for await (const piece of createReadStream(path, { highWaterMark: 4 * PIECE, ...(signal ? { signal } : {}) })) {
        const b = piece as Buffer;
        hash.update(b);
        done += b.length;
        onBytes?.(done);
      }
      return hash.digest('hex');
    },
  };
}
