// Streams a 2xx response body to `destPath + '.part'` under the size cap, then renames it
// into place. On any failure the .part file is removed: no partial download survives.
// With `space`, the free space of the destination's filesystem is checked before and
// while writing (spool-space.ts), so an endless body fails before the disk fills.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DownloadError } from './download-error.ts';
import { SpaceGuard, type SpoolSpace } from './spool-space.ts';

export async function saveBody(
  res: IncomingMessage,
  destPath: string,
  maxBytes: number,
  opts: { signal?: AbortSignal; onProgress?: (bytes: number, total: number | null) => void; space?: SpoolSpace },
): Promise<{ bytes: number; contentType: string | null }> {
  const { signal, onProgress } = opts;
  const guard = opts.space && new SpaceGuard(opts.space);
  const header = res.headers['content-length'];
  // Node's parser already rejects malformed or conflicting Content-Length values.
  const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
  if (total !== null && total > maxBytes) {
    res.destroy();
    throw new DownloadError(`import file is ${total} bytes, over the limit of ${maxBytes} bytes`);
  }
  const contentType = res.headers['content-type'] ?? null;
  const part = `${destPath}.part`;
  let bytes = 0;
  // The pipeline destroys every stream with the first error, so the write stream also
  // emits network errors; only an error it raised before the response did is local.
  let readError: unknown;
  let writeError: unknown;
  let out: WriteStream | undefined;
  const discard = async () => {
    res.destroy();
    // A write stream destroyed while still opening creates the file late; wait it out.
    // (events.once would reject on the 'error' the pipeline already gave it.)
    const stream = out;
    if (stream && !stream.closed) {
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.destroy();
      });
    }
    await rm(part, { force: true });
  };
  try {
    signal?.throwIfAborted();
    await guard?.admit(total);
    out = createWriteStream(part, { mode: 0o600 });
    res.on('error', (e) => (readError ??= e));
    out.on('error', (e) => (writeError ??= e));
    await pipeline(
      res,
      async function* count(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          // Counted as it arrives: Content-Length is a claim, chunked bodies have none.
          if (bytes > maxBytes) throw new DownloadError(`import file is larger than the limit of ${maxBytes} bytes`);
          await guard?.written(bytes);
          onProgress?.(bytes, total);
          yield chunk;
        }
      },
      out,
      signal ? { signal } : {},
    );
  } catch (e) {
    await discard();
    if (signal?.aborted) throw signal.reason;
    // Local failures (disk full, permissions) are ours, not the URL's: pass them on as is.
    if (e instanceof DownloadError || (writeError !== undefined && e === writeError && e !== readError)) throw e;
    if (total !== null && bytes < total) throw truncated(bytes, total, e);
    const code = (e as NodeJS.ErrnoException).code ?? 'connection closed';
    throw new DownloadError(`import download failed after ${bytes} bytes (${code})`, { transient: true, cause: e });
  }
  try {
    if (total !== null && bytes !== total) throw truncated(bytes, total);
    await rename(part, destPath);
  } catch (e) {
    await discard();
    throw e;
  }
  return { bytes, contentType };
}

function truncated(bytes: number, total: number, cause?: unknown): DownloadError {
  return new DownloadError(`import download was truncated: got ${bytes} of ${total} bytes`, { transient: true, cause });
}
