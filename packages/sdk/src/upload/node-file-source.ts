/// <reference types="node" />
/**
 * A local file as an upload source (Node only; the SDK loads this module on demand when
 * uploadImage is given a path). A PATCH is sent over node:http(s) rather than fetch:
 * fetch's request streams cost about three times the CPU per byte, and on a busy
 * machine the client's CPU is what the transfer waits on. The file is read in parts of
 * the server's part size into a few buffers used over and over, the next part read while
 * the last is written. The checksum is node:crypto's SHA-256, which uses the CPU's SHA
 * instructions where WebCrypto would need the whole file in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RangeRequest, UploadSource } from './source.ts';

/** Kiln stages uploads in parts of 4 MiB: a read of that size is one part arriving. */
const PART = 4 * 1024 * 1024;
/** One part being read while up to two are being written: the socket never waits on the disk. */
const BUFFERS = 3;
/**
 * Bytes a write hands the socket, one at a time. Progress counts a piece as it is handed
 * over, so after a cut connection the count is ahead of the server by the socket buffers
 * plus at most this, and never behind it.
 */
const WRITE = 1024 * 1024;

export interface FileSource extends UploadSource {
  readonly path: string;
  /** The file's modification time when it was opened, so a resume can tell it is the same file. */
  readonly mtimeMs: number;
}

function shortRead(path: string, at: number, end: number): Error {
  return new Error(`${path} ended at byte ${at}, before the ${end} bytes it had when the upload began`);
}

/** For a caller's own fetch (a proxy's, a test's): the bytes as a stream body. */
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
          const want = Math.min(PART, end - at);
          if (want <= 0) {
            await close();
            controller.close();
            return;
          }
          const buf = new Uint8Array(want);
          const { bytesRead } = await fh.read(buf, 0, want, at);
          if (bytesRead === 0) throw shortRead(path, at, end);
          at += bytesRead;
          controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
        } catch (e) {
          await close().catch(() => undefined);
          throw e;
        }
      },
      cancel: close,
    },
    new CountQueuingStrategy({ highWaterMark: 2 }),
  );
}

/** Node's answer as fetch's, so the endpoint reads every answer one way. */
function asResponse(res: IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 502;
  // fetch's Response refuses a body with these statuses.
  const empty = status === 204 || status === 205 || status === 304 || body.length === 0;
  return new Response(empty ? null : new Uint8Array(body), { status, headers });
}

/** The file's bytes from `start` to `end` as one PATCH; answers the server's response. */
function sendRange(path: string, start: number, end: number, r: RangeRequest): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const url = new URL(r.url);
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'PATCH',
      headers: { ...r.headers, 'content-length': String(end - start) },
      // Kiln closes the connection after each PATCH: nothing to keep alive.
      agent: false,
      ...(r.signal ? { signal: r.signal } : {}),
    });
    let settled = false;
    let stall: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(stall);
      if (settled) return;
      stall = setTimeout(() => request.destroy(new Error(`no byte was taken for ${r.stallMs} ms`)), r.stallMs);
    };
    const fail = (e: unknown) => {
      clearTimeout(stall);
      if (settled) return;
      settled = true;
      request.destroy();
      reject(e);
    };
    const closed = new Promise<void>((ok) => request.once('close', ok));
    // Kept on: a destroyed request may report more than one error, and fail() takes the first.
    request.on('error', fail);
    request.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.once('end', () => {
        clearTimeout(stall);
        if (settled) return;
        settled = true;
        resolve(asResponse(res, Buffer.concat(chunks)));
        // A refusal can come before the whole body went: the rest is not sent.
        request.destroy();
      });
    });

    /**
     * Writes `bytes` in pieces of WRITE, each handed to the socket once it took the one
     * before; answers when the last is taken. One piece at a time because the socket joins
     * pieces waiting behind a write into one writev whose callbacks come only when all of
     * it is out: a cut partway through would leave megabytes at the server that a count
     * made in the callbacks never saw, and the count would be behind the server.
     */
    let tail: Promise<void> = Promise.resolve();
    const write = (bytes: Buffer): Promise<void> => {
      for (let from = 0; from < bytes.length; from += WRITE) {
        const piece = bytes.subarray(from, from + WRITE);
        tail = tail.then(
          () =>
            new Promise<void>((ok, no) => {
              if (settled || request.destroyed) return no(new Error('the request ended before this piece was sent'));
              r.onBytes(piece.length);
              request.write(piece, (e) => {
                if (e) return no(e);
                arm();
                ok();
              });
            }),
        );
      }
      // Seen through the request's own error; a failed write must not also be an unhandled rejection.
      tail.catch(() => undefined);
      return tail;
    };

    const pump = async () => {
      const fh = await open(path, 'r');
      try {
        const size = Math.min(PART, end - start);
        const buffers: Buffer[] = [];
        const written: Array<Promise<void> | undefined> = [];
        arm();
        let at = start;
        for (let i = 0; at < end; i++) {
          const slot = i % BUFFERS;
          // A buffer is read into again only once the socket has taken what it held.
          await Promise.race([written[slot], closed]);
          if (settled || request.destroyed) return;
          const buf = buffers[slot] ?? Buffer.allocUnsafe(size);
          buffers[slot] = buf;
          const { bytesRead } = await fh.read(buf, 0, Math.min(size, end - at), at);
          if (bytesRead === 0) throw shortRead(path, at, end);
          at += bytesRead;
          written[slot] = write(buf.subarray(0, bytesRead));
        }
        await Promise.race([Promise.all(written), closed]);
        // Every byte is out: the server may take a while to store the last parts.
        clearTimeout(stall);
        request.end();
      } finally {
        await fh.close();
      }
    };
    pump().catch(fail);
  });
}

export async function fileSource(path: string): Promise<FileSource> {
  const st = await stat(path);
  if (!st.isFile()) throw new TypeError(`${path} is not a regular file`);
  return {
    path,
    size: st.size,
    mtimeMs: st.mtimeMs,
    slice: (start, end) => fileStream(path, start, end),
    sendRange: (start, end, request) => sendRange(path, start, end, request),
    async sha256Hex(onBytes, signal) {
      const hash = createHash('sha256');
      let done = 0;
      for await (const piece of createReadStream(path, { highWaterMark: PART, ...(signal ? { signal } : {}) })) {
        const b = piece as Buffer;
        hash.update(b);
        done += b.length;
        onBytes?.(done);
      }
      return hash.digest('hex');
    },
  };
}
