import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';

/**
 * An HTTP server for import tests that need more than FileServer: it counts requests per
 * path, trickles a body a byte a second (a server that never idles long enough to time
 * out), or sends half a file and holds the rest until released.
 */
export class PacedServer {
  private readonly files = new Map<string, string>();
  private readonly held = new Map<string, { path: string; waiting: Set<() => void> }>();
  private readonly open = new Set<ServerResponse>();
  private readonly counts = new Map<string, number>();
  private server: Server | undefined;
  port = 0;

  /** A URL serving the file at full speed. */
  serve(name: string, path: string): string {
    this.files.set(name, path);
    return this.url(name);
  }

  /** A URL whose body comes one byte a second (of a 1 GiB Content-Length), forever. */
  trickleUrl(name: string): string {
    return this.url(`trickle/${name}`);
  }

  /** A URL serving the first half of the file, then the rest only after release(name). */
  holdUrl(name: string, path: string): string {
    this.held.set(name, { path, waiting: new Set() });
    return this.url(`hold/${name}`);
  }

  release(name: string): void {
    const h = this.held.get(name);
    if (!h) return;
    for (const go of h.waiting) go();
    h.waiting.clear();
  }

  /** GET requests seen for a URL this server gave out. */
  requests(url: string): number {
    return this.counts.get(new URL(url).pathname) ?? 0;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      void this.answer(decodeURIComponent(path.slice(1)), res).catch(() => res.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async close(): Promise<void> {
    for (const r of this.open) r.destroy();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  private async answer(name: string, res: ServerResponse): Promise<void> {
    if (name.startsWith('trickle/')) {
      res.writeHead(200, { 'content-length': String(1024 ** 3), 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(Buffer.alloc(1))), 1000);
      res.write(Buffer.alloc(1));
      return;
    }
    const held = name.startsWith('hold/') ? this.held.get(name.slice(5)) : undefined;
    if (held) {
      const data = await readFile(held.path);
      const half = Math.floor(data.length / 2);
      res.writeHead(200, { 'content-length': String(data.length), 'content-type': 'application/octet-stream' });
      res.write(data.subarray(0, half));
      await new Promise<void>((go) => held.waiting.add(go));
      res.end(data.subarray(half));
      return;
    }
    const path = this.files.get(name);
    if (!path) {
      res.writeHead(404).end('not found');
      return;
    }
    const s = await stat(path);
    res.writeHead(200, { 'content-length': String(s.size), 'content-type': 'application/octet-stream' });
    createReadStream(path).pipe(res);
  }
}
