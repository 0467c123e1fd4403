/**
 * What an upload reads: a Blob or File (browsers, and Node), a file path in Node
 * (node-file-source.ts, loaded only when a path is given, so a browser bundle never
 * meets a node: import), or anything else shaped like UploadSource.
 */
import { Sha256 } from './sha256.ts';

/** One PATCH a source sends itself (UploadSource.sendRange). */
export interface RangeRequest {
  /** The signed PATCH URL. */
  url: string;
  /** The tus headers of the PATCH; the source adds Content-Length. */
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** Told each piece's length once the connection has taken it. */
  onBytes(n: number): void;
  /** A connection that takes no byte for this long is dropped (the request fails as a network error would). */
  stallMs: number;
}

export interface UploadSource {
  readonly size: number;
  /**
   * The bytes from `start` to `end` (exclusive) as a request body. A Blob is sent as it is
   * (browsers stream only Blob bodies over HTTP/1.1); a stream is counted as it is read.
   */
  slice(start: number, end: number): Blob | ReadableStream<Uint8Array>;
  /** SHA-256 of the whole content as lowercase hex; `onBytes` is told how far it got. */
  sha256Hex(onBytes?: (done: number) => void, signal?: AbortSignal): Promise<string>;
  /**
   * Optional: sends the bytes from `start` to `end` as one PATCH itself and answers the
   * server's response; used instead of `slice` when the client has no fetch of the
   * caller's. The Node file reader has it: fetch's request streams cost it about three
   * times the CPU of node:http, which on a busy machine is the transfer's speed.
   */
  sendRange?(start: number, end: number, request: RangeRequest): Promise<Response>;
}

/** Hashes a stream piece by piece, reporting the bytes read so far. */
export async function hashStream(stream: ReadableStream<Uint8Array>, onBytes?: (done: number) => void, signal?: AbortSignal): Promise<string> {
  const hash = new Sha256();
  const reader = stream.getReader();
  let done = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const r = await reader.read();
      if (r.done) break;
      hash.update(r.value);
      done += r.value.length;
      onBytes?.(done);
    }
  } finally {
    reader.releaseLock();
  }
  return hash.hex();
}

export function blobSource(blob: Blob): UploadSource {
  return {
    size: blob.size,
    slice: (start, end) => blob.slice(start, end),
    sha256Hex: (onBytes, signal) => hashStream(blob.stream(), onBytes, signal),
  };
}

export function isUploadSource(v: unknown): v is UploadSource {
  return typeof v === 'object' && v !== null && typeof (v as UploadSource).slice === 'function' && typeof (v as UploadSource).sha256Hex === 'function';
}
