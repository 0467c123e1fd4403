import { open } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';

/**
 * Serves one file at a bounded rate, so a test can act (kill a worker) while a download
 * is in flight. Counts the requests it was sent.
 */
export class ThrottledFileServer {
  private server: Server | undefined;
  port = 0;
  requests = 0;

  constructor(
    private readonly path: string,
    private readonly bytesPerSecond: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/disk.raw`;
  }

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.requests++;
      void (async () => {
        const fh = await open(this.path, 'r');
        try {
          const { size } = await fh.stat();
          res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
          const slice = Math.max(1, Math.floor(this.bytesPerSecond / 20));
          const buf = Buffer.alloc(slice);
          for (let off = 0; off < size && !res.destroyed; off += slice) {
            const { bytesRead } = await fh.read(buf, 0, Math.min(slice, size - off), off);
            res.write(buf.subarray(0, bytesRead));
            await new Promise((r) => setTimeout(r, 50));
          }
          res.end();
        } finally {
          await fh.close();
        }
      })().catch(() => res.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
