import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3BlobConfig } from '../../src/store/blob/s3-client.ts';

/**
 * Just enough of S3 (path style: HEAD bucket, PUT/GET/HEAD/DELETE object) to test how
 * our client behaves on the wire: retries, concurrency, connection reuse. The blob store
 * contract itself runs on moto. Failures are queued and consumed one per request.
 */
export type Failure =
  | { status: number; code: string }
  /** Drop the connection without answering. */
  | 'reset'
  /** Answer 200 to a GET, send half the body, then drop the connection. */
  | 'truncate';

export interface SeenRequest {
  method: string;
  path: string;
  bodyBytes: number;
}

export class FakeS3 {
  readonly objects = new Map<string, Buffer>();
  readonly requests: SeenRequest[] = [];
  readonly failures: Failure[] = [];
  /** Waited before each answer, so that concurrent requests overlap. */
  delayMs = 0;
  /** Answer ranged GETs with the whole object, as a store without Range support would. */
  ignoreRange = false;
  /** Until this time (ms since the epoch) every request gets 503: a store restarting. */
  downUntil = 0;
  connections = 0;
  inFlight = 0;
  maxInFlight = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeS3> {
    const server = createServer();
    const fake = new FakeS3(server);
    server.on('connection', () => fake.connections++);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A chunk store's settings pointing at this fake; each test names what it varies. */
  blobConfig(overrides: Partial<S3BlobConfig> = {}): S3BlobConfig {
    return {
      kind: 's3',
      bucket: 'fake-bucket',
      prefix: '',
      endpoint: this.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxConcurrency: 4,
      maxAttempts: 4,
      conditionalPut: true,
      retryWindowMs: 0,
      ...overrides,
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    // Read the whole body first: answering early would break the keep-alive connection.
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = Buffer.concat(parts);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ method: req.method ?? '', path, bodyBytes: body.length });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));

    if (Date.now() < this.downUntil) return error(res, req, 503, 'ServiceUnavailable');
    const failure = this.failures.shift();
    if (failure === 'reset') return void req.socket.destroy();
    if (failure === 'truncate' && req.method === 'GET') {
      const { status, part, headers } = rangeOf(this.objects.get(path) ?? Buffer.alloc(1000), req.headers.range);
      res.writeHead(status, headers);
      res.write(part.subarray(0, part.length >> 1));
      return void setTimeout(() => req.socket.destroy(), 20);
    }
    if (failure !== undefined && failure !== 'truncate') return error(res, req, failure.status, failure.code);
    this.answer(req, res, path, body);
  }

  private answer(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): void {
    const isBucket = path.split('/').filter(Boolean).length === 1;
    const obj = this.objects.get(path);
    switch (req.method) {
      case 'HEAD':
        if (isBucket || obj) return void res.writeHead(200, { 'content-length': obj?.length ?? 0 }).end();
        return void res.writeHead(404).end();
      case 'PUT':
        if (req.headers['if-none-match'] === '*' && obj) return void error(res, req, 412, 'PreconditionFailed');
        this.objects.set(path, body);
        return void res.writeHead(200, { etag: '"fake"', 'content-length': 0 }).end();
      case 'GET': {
        if (!obj) return void error(res, req, 404, 'NoSuchKey');
        const { status, part, headers } = rangeOf(obj, this.ignoreRange ? undefined : req.headers.range);
        if (status === 416) return void error(res, req, 416, 'InvalidRange');
        return void res.writeHead(status, headers).end(part);
      }
      case 'DELETE':
        this.objects.delete(path);
        return void res.writeHead(204).end();
      default:
        return void error(res, req, 405, 'MethodNotAllowed');
    }
  }
}

/** The answer to a GET with an optional `Range: bytes=a-b`. */
function rangeOf(obj: Buffer, range: string | undefined): { status: number; part: Buffer; headers: Record<string, string | number> } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
  if (!m) return { status: 200, part: obj, headers: { 'content-length': obj.length } };
  const start = Number(m[1]);
  if (start >= obj.length) return { status: 416, part: Buffer.alloc(0), headers: {} };
  const part = obj.subarray(start, Math.min(obj.length, Number(m[2]) + 1));
  return { status: 206, part, headers: { 'content-length': part.length, 'content-range': `bytes ${start}-${start + part.length - 1}/${obj.length}` } };
}

function error(res: ServerResponse, req: IncomingMessage, status: number, code: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>fake ${code}</Message><RequestId>fake</RequestId></Error>`;
  // HEAD answers carry no body; the SDK then names the error after the status.
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': req.method === 'HEAD' ? 0 : Buffer.byteLength(xml) });
  res.end(req.method === 'HEAD' ? undefined : xml);
}
