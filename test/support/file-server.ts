import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ServeOptions {
  /** Answer Range requests with 206 (the default), as S3 does; false sends the whole file every time. */
  ranges?: boolean;
  /** Cut the connection halfway through ranged answers that start at or after `from`, `times` times (Infinity: always). */
  dropRanges?: { from: number; times: number };
  /** Send each answer at most this fast, so a test can act while an import streams. */
  bytesPerSecond?: number;
  /** Send the first half of each answer, then the rest only after release(name): an import caught mid-download. */
  hold?: boolean;
}

/** What the server was asked for one file: `range` is null for a whole-file GET. */
export interface FileRequest {
  range: { start: number; end: number } | null;
  dropped: boolean;
}

interface Served {
  path: string;
  opts: ServeOptions;
  requests: FileRequest[];
  /** Held answers (ServeOptions.hold) waiting for release(). */
  waiting: Set<() => void>;
}

/**
 * The local HTTP server of import tests and benchmarks: serves files by name, with or
 * without ranges, paced, cut short or held halfway (ServeOptions); or answers that never
 * finish (stallUrl, trickleUrl). Counts what each file was asked for.
 */
export class FileServer {
  private readonly files = new Map<string, Served>();
  private readonly held: ServerResponse[] = [];
  private server: Server | undefined;
  port = 0;

  serve(name: string, path: string, opts: ServeOptions = {}): string {
    this.files.set(name, { path, opts, requests: [], waiting: new Set() });
    return `http://127.0.0.1:${this.port}/${encodeURIComponent(name)}`;
  }

  /** Lets every answer of `name` held so far (ServeOptions.hold) send its second half. */
  release(name: string): void {
    const served = this.files.get(name);
    if (!served) return;
    for (const go of served.waiting) go();
    served.waiting.clear();
  }

  /** Every request for `name` so far, in arrival order. */
  requests(name: string): FileRequest[] {
    return this.files.get(name)?.requests ?? [];
  }

  /** A URL whose response never completes until close(): keeps an import in Making. */
  stallUrl(): string {
    return `http://127.0.0.1:${this.port}/__stall`;
  }

  /**
   * A URL whose body comes one byte a second (of a 1 GiB Content-Length) until close():
   * a source that never idles long enough to time out. `name` tells such URLs apart.
   */
  trickleUrl(name: string): string {
    return `http://127.0.0.1:${this.port}/__trickle/${encodeURIComponent(name)}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      if (name === '__stall') {
        res.writeHead(200, { 'content-length': String(1024 * 1024) });
        res.write(Buffer.alloc(1024));
        this.held.push(res);
        return;
      }
      if (name.startsWith('__trickle/')) {
        res.writeHead(200, { 'content-length': String(1024 ** 3), 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(Buffer.alloc(1))), 1000);
        res.write(Buffer.alloc(1));
        return;
      }
      const served = this.files.get(name);
      if (!served) {
        res.writeHead(404).end('not found');
        return;
      }
      void stat(served.path).then(
        (s) => answer(req, res, served, s.size, s.mtime),
        () => res.writeHead(404).end('gone'),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** Safe to call on a server that never started (a test whose setup stopped early). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const r of this.held) r.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

function answer(req: IncomingMessage, res: ServerResponse, served: Served, size: number, mtime: Date): void {
  const headers = { 'content-type': 'application/octet-stream', etag: `"${size}-${mtime.getTime()}"`, 'last-modified': mtime.toUTCString() };
  const wanted = served.opts.ranges === false ? null : parseRange(req.headers.range, size);
  if (wanted === 'unsatisfiable') {
    served.requests.push({ range: null, dropped: false });
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  const range = wanted ?? { start: 0, end: size - 1 };
  const drop = served.opts.dropRanges;
  const dropping = wanted !== null && drop !== undefined && range.start >= drop.from && served.requests.filter((r) => r.dropped).length < drop.times;
  served.requests.push({ range: wanted, dropped: dropping });
  const length = range.end - range.start + 1;
  if (wanted)
    res.writeHead(206, {
      ...headers,
      'content-length': String(length),
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
      'accept-ranges': 'bytes',
    });
  else res.writeHead(200, { ...headers, 'content-length': String(size), ...(served.opts.ranges === false ? {} : { 'accept-ranges': 'bytes' }) });
  if (length <= 0) {
    res.end();
    return;
  }
  if (served.opts.hold && !dropping) {
    void sendHeld(served, res, range.start, range.end).catch(() => res.destroy());
    return;
  }
  // Half the body, then a reset: what a flaky network or a restarting server looks like.
  const end = dropping ? range.start + Math.floor(length / 2) : range.end;
  const highWaterMark = served.opts.bytesPerSecond === undefined ? 1024 * 1024 : 64 * 1024;
  const stream = createReadStream(served.path, { start: range.start, end: Math.max(range.start, end), highWaterMark });
  if (dropping) stream.on('end', () => res.destroy());
  const pace = served.opts.bytesPerSecond;
  if (pace !== undefined && !dropping) {
    void sendPaced(stream, res, pace);
    return;
  }
  stream.pipe(res, { end: !dropping });
}

/** Sends bytes start..end of the file: the first half, then the rest once released. */
async function sendHeld(served: Served, res: ServerResponse, start: number, end: number): Promise<void> {
  const fh = await open(served.path, 'r');
  try {
    const data = Buffer.alloc(end - start + 1);
    await fh.read(data, 0, data.length, start);
    const half = Math.floor(data.length / 2);
    res.write(data.subarray(0, half));
    await new Promise<void>((go) => served.waiting.add(go));
    res.end(data.subarray(half));
  } finally {
    await fh.close();
  }
}

/** Writes the stream no faster than `bytesPerSecond`, waiting for the client as it reads. */
async function sendPaced(stream: NodeJS.ReadableStream, res: ServerResponse, bytesPerSecond: number): Promise<void> {
  const started = Date.now();
  let sent = 0;
  try {
    for await (const part of stream) {
      const buf = part as Buffer;
      if (!res.write(buf)) await new Promise((r) => res.once('drain', r));
      sent += buf.length;
      const wait = started + (sent / bytesPerSecond) * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (res.destroyed) return;
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/** One `bytes=` range (start-end, start-, or -suffix); null when absent or not one we honour. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
