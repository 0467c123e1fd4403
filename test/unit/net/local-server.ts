// Real HTTP(S) servers for the fetcher tests, always on 127.0.0.1 with an ephemeral port.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LocalServer {
  port: number;
  /** `127.0.0.1:PORT`, the allow-list entry for this server. */
  hostPort: string;
  base: string;
  /** Request paths in arrival order; `hosts` the Host headers. */
  hits: string[];
  hosts: string[];
  /** For TLS servers: called with each SNI name a client sends. */
  onTlsName?: (name: string) => void;
  close(): Promise<void>;
}

export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<LocalServer> {
  const hits: string[] = [];
  const hosts: string[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    hits.push(req.url ?? '');
    hosts.push(req.headers.host ?? '');
    handler(req, res);
  };
  const server: Server = tls
    ? createHttps(
        {
          ...tls,
          SNICallback: (name, cb) => {
            local.onTlsName?.(name);
            cb(null, undefined);
          },
        },
        listener,
      )
    : createHttp(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const local: LocalServer = {
    port,
    hostPort: `127.0.0.1:${port}`,
    base: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    hits,
    hosts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return local;
}

/** Sends `body` as the response, with Content-Length unless `chunked`. */
export function send(res: ServerResponse, body: Buffer, opts: { type?: string; chunked?: boolean } = {}): void {
  const headers: Record<string, string> = { 'content-type': opts.type ?? 'application/octet-stream' };
  if (!opts.chunked) headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(body);
}
