/**
 * uploadImage: a local file or Blob made into an image of a product through Kiln's
 * upload endpoint. It hashes the file (SHA-256, unless the caller gives the checksum),
 * creates the upload, sends the bytes, and after a dropped connection asks the server
 * how much it holds (HEAD) and goes on from there, so bytes already received are not
 * sent again. An upload id from an earlier run (onCreated) resumes that upload. Once
 * the last byte is in, it waits for the image unless told not to.
 */
import { ApiError, ImageFailedError, KilnSdkError, NetworkError } from '../errors.ts';
import type { KilnEndpoints, Product } from '../kiln-endpoints.ts';
import { MovingRate } from '../moving-rate.ts';
import { backoff, sleep, withRetries, type RetryOptions } from '../retry.ts';
import type { ImageProgress, WaitOptions } from '../waiter.ts';
import { blobSource, isUploadSource, type UploadSource } from './source.ts';
import { UploadsEndpoint, type StartedUpload } from './uploads-endpoint.ts';

export type { StartedUpload } from './uploads-endpoint.ts';

export type UploadProgress =
  | { stage: 'checksum' | 'upload'; doneBytes: number; totalBytes: number; bytesPerSecond?: number }
  /** After the last byte: the server's processing, as waitForImage reports it. */
  | { stage: 'processing'; image: ImageProgress };

export interface UploadImageOptions {
  name: string;
  /** RAW, QCOW2, VMDK or VHD, as the product's import spells it (the content decides; a mismatch is refused). */
  format: string;
  osType?: string;
  osName?: string;
  description?: string;
  /** Where the image is made, for products that place images (default: the client's). */
  region?: string;
  zone?: string;
  /** `sha256:<64 hex>` of the whole file; computed when absent. */
  checksum?: string;
  /** Goes on with an upload an earlier run started (what onCreated was given) instead of creating one. */
  resume?: { uploadId: string; imageId: string };
  /** Told the upload and image ids as soon as they exist, before any byte is sent (to keep them for a resume). */
  onCreated?: (u: StartedUpload) => void | Promise<void>;
  onProgress?: (p: UploadProgress) => void;
  /** Stops the upload (rejects with the signal's reason); what arrived stays on the server until it expires. */
  signal?: AbortSignal;
  /**
   * After a dropped connection: tries in a row that move no byte before giving up
   * (default 8), and the backoff between them (default 500 ms doubling up to 10 s).
   */
  retry?: RetryOptions;
  /**
   * Bytes per PATCH for Blob sources (default 64 MiB: a browser reports no progress within
   * one request). Other sources send the rest of the file in one PATCH.
   */
  partBytes?: number;
  /** A body that stops being read for this long is taken as a dropped connection (default 60 s). */
  stallMs?: number;
  /** Wait for the image after the last byte (default true), with these waiter options. */
  wait?: boolean | Omit<WaitOptions, 'onProgress' | 'signal'>;
}

export interface UploadResult extends StartedUpload {
  /** Bytes this call sent (a resume sends only what the server lacked; a retry may send a few again). */
  sentBytes: number;
  /** The final reading when waited for; absent with `wait: false`. */
  image?: ImageProgress;
}

/** What a product's client adds: its name, where its images live, and its waiter. */
export interface UploadTarget {
  product: Product;
  region?: string;
  zone?: string;
  wait(imageId: string, o: WaitOptions): Promise<ImageProgress>;
}

/** A body that could not be read for `stallMs`: handled as a dropped connection. */
class Stalled extends Error {
  override name = 'Stalled';
}

async function sourceOf(file: string | Blob | UploadSource): Promise<UploadSource> {
  if (typeof file === 'string') {
    // Loaded only for a path, so a browser bundle never needs node: modules.
    const { fileSource } = await import('./node-file-source.ts');
    return fileSource(file);
  }
  if (isUploadSource(file)) return file;
  return blobSource(file);
}

/** Failures after which the bytes may still go in: the connection, throttling, a server error, an offset out of step. */
function resumable(e: unknown): boolean {
  if (e instanceof NetworkError || e instanceof Stalled) return true;
  return e instanceof ApiError && (e.throttled || e.status >= 500 || e.status === 409 || e.status === 423);
}

/**
 * Counts the bytes of a stream body as fetch reads them, and aborts the request through
 * `stall` when reading stops for `stallMs`. `stop` clears the timer (a pending one would
 * keep the process alive) and cancels what is left of the source (an open file).
 */
function counted(
  body: ReadableStream<Uint8Array>,
  onBytes: (n: number) => void,
  stallMs: number,
  stall: AbortController,
): { stream: ReadableStream<Uint8Array>; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Stalled(`no byte was taken for ${stallMs} ms`)), stallMs);
  };
  arm();
  const done = new AbortController();
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(piece, controller) {
        arm();
        onBytes(piece.length);
        controller.enqueue(piece);
      },
      flush: () => clearTimeout(timer),
    }),
    { signal: done.signal },
  );
  return {
    stream,
    stop: () => {
      clearTimeout(timer);
      done.abort();
    },
  };
}

/**
 * Whether the image is past its upload (the server has every byte and went on), for an
 * upload the server no longer knows; a failed image throws with its FailedReason (an
 * expired upload says so).
 */
async function pastUpload(kiln: KilnEndpoints, product: Product, imageId: string, signal: AbortSignal | undefined): Promise<boolean> {
  const p = await kiln.progress(product, imageId, signal).catch(() => undefined);
  if (p?.State === 'Failed') throw new ImageFailedError(imageId, p.FailedReason);
  return p !== undefined && (p.State === 'Available' || p.Phase !== 'upload');
}

/**
 * One try at the bytes from `from`: a PATCH of the rest of the file, sent by the source
 * itself when it can (and no fetch of the caller's is to be used), or one part of a Blob,
 * or the source's stream through fetch. Answers the server's new offset; `count` is told
 * the bytes as the connection takes them.
 */
async function appendOnce(
  uploads: UploadsEndpoint,
  callerFetch: boolean,
  source: UploadSource,
  at: { uploadId: string; from: number; o: UploadImageOptions },
  count: (n: number) => void,
): Promise<number> {
  const { uploadId, from, o } = at;
  const signal = o.signal;
  const stallMs = o.stallMs ?? 60_000;
  if (source.sendRange && !callerFetch) {
    const sendRange = source.sendRange.bind(source);
    return uploads.appendRange(
      uploadId,
      from,
      (url, headers) => sendRange(from, source.size, { url, headers, ...(signal ? { signal } : {}), onBytes: count, stallMs }),
      signal,
    );
  }
  const body = source.slice(from, source.size);
  if (body instanceof Blob) {
    const part = body.slice(0, o.partBytes ?? 64 * 1024 * 1024);
    const offset = await uploads.append(uploadId, from, part, signal);
    count(part.size);
    return offset;
  }
  const stall = new AbortController();
  const both = signal ? AbortSignal.any([signal, stall.signal]) : stall.signal;
  const { stream, stop } = counted(body, count, stallMs, stall);
  try {
    return await uploads.append(uploadId, from, stream, both);
  } catch (e) {
    if (stall.signal.aborted && !signal?.aborted) throw stall.signal.reason;
    throw e;
  } finally {
    stop();
  }
}

export async function uploadImage(kiln: KilnEndpoints, target: UploadTarget, file: string | Blob | UploadSource, o: UploadImageOptions): Promise<UploadResult> {
  const source = await sourceOf(file);
  const uploads = new UploadsEndpoint(kiln);
  const signal = o.signal;
  const retry: RetryOptions = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 10_000, ...o.retry };
  const report = o.onProgress ?? (() => {});
  const size = source.size;

  let started: StartedUpload;
  let offset: number;
  if (o.resume) {
    const at = await withRetries(() => uploads.offset(o.resume!.uploadId, signal), true, retry, signal);
    if (at.length !== size) throw new KilnSdkError(`upload ${o.resume.uploadId} is of ${at.length} bytes and this file has ${size}: it is not the same file`);
    started = { ...o.resume, expires: at.expires };
    offset = at.offset;
  } else {
    let checksum = o.checksum;
    if (checksum === undefined) {
      const rate = new MovingRate();
      // The start is a sample too: a file read in one piece still gets a rate.
      rate.add(0);
      report({ stage: 'checksum', doneBytes: 0, totalBytes: size });
      const hex = await source.sha256Hex((done) => {
        const r = rate.add(done);
        report({ stage: 'checksum', doneBytes: done, totalBytes: size, ...(r !== undefined ? { bytesPerSecond: r } : {}) });
      }, signal);
      checksum = `sha256:${hex}`;
    }
    // Sent once: a create retried after a lost answer could make a second image.
    started = await uploads.create(
      {
        product: target.product,
        size,
        name: o.name,
        format: o.format,
        checksum,
        ...((o.region ?? target.region) ? { region: o.region ?? target.region } : {}),
        ...((o.zone ?? target.zone) ? { zone: o.zone ?? target.zone } : {}),
        ...(o.osType !== undefined ? { osType: o.osType } : {}),
        ...(o.osName !== undefined ? { osName: o.osName } : {}),
        ...(o.description !== undefined ? { description: o.description } : {}),
      },
      signal,
    );
    offset = 0;
  }
  await o.onCreated?.(started);

  const rate = new MovingRate();
  let sent = 0;
  const progress = (done: number) => {
    const r = rate.add(done);
    report({ stage: 'upload', doneBytes: done, totalBytes: size, ...(r !== undefined ? { bytesPerSecond: r } : {}) });
  };
  progress(offset);
  let fruitless = 0;
  while (offset < size) {
    const before = offset;
    try {
      let read = 0;
      offset = await appendOnce(uploads, kiln.callerFetch, source, { uploadId: started.uploadId, from: before, o }, (n) => {
        read += n;
        sent += n;
        progress(before + read);
      });
      progress(offset);
      fruitless = 0;
    } catch (e) {
      if (signal?.aborted || !resumable(e)) throw e;
      // A try that moved the server's offset is progress, however it ended.
      const at = await withRetries(() => uploads.offset(started.uploadId, signal), true, retry, signal).catch(async (headError: unknown) => {
        if (headError instanceof ApiError && headError.status === 404 && (await pastUpload(kiln, target.product, started.imageId, signal))) return undefined;
        throw headError;
      });
      // The server drops an upload once its last byte is in: the answer to the last PATCH was lost.
      if (at === undefined) break;
      if (at.offset > before) fruitless = 0;
      else if (++fruitless >= (retry.maxAttempts ?? 8)) throw e;
      offset = at.offset;
      // Where the server stands is the count now, lower than the bytes sent when some were lost.
      progress(offset);
      if (offset <= before) await sleep(backoff(fruitless, retry), signal);
    }
  }

  const wait = o.wait ?? true;
  if (wait === false) return { ...started, sentBytes: sent };
  const image = await target.wait(started.imageId, {
    ...(wait === true ? {} : wait),
    ...(signal ? { signal } : {}),
    onProgress: (p) => report({ stage: 'processing', image: p }),
  });
  return { ...started, sentBytes: sent, image };
}
