import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';

/** A local HTTP server for import tests: serves files by name, or holds a request open. */
export class FileServer {
  private readonly files = new Map<string, string>();
  private readonly held: ServerResponse[] = [];
  private server: Server | undefined;
  port = 0;

  serve(name: string, path: string): string {
    this.files.set(name, path);
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  /** A URL whose response never completes until close(): keeps an import in Making. */
  stallUrl(): string {
    return `http://127.0.0.1:${this.port}/__stall`;
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
      const path = this.files.get(name);
      if (!path) {
        res.writeHead(404).end('not found');
        return;
      }
      void stat(path).then((s) => {
        res.writeHead(200, { 'content-length': String(s.size), 'content-type': 'application/octet-stream' });
        createReadStream(path).pipe(res);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async close(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
