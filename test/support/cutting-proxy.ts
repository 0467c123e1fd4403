/**
 * A TCP proxy on loopback in front of a server, for faults a real network has: it cuts
 * every connection once the bytes sent towards the server pass a mark (a dropped
 * connection mid-upload), and it can hold that direction to a rate (a slow link a test
 * can interrupt). It counts what it forwarded, so a test can tell what was sent again.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class CuttingProxy {
  /** Bytes forwarded towards the server, over every connection. */
  upstreamBytes = 0;
  connections = 0;
  cuts = 0;
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #cutAt: number | undefined;
  #bytesPerSecond: number | undefined;
  #outageMs = 0;
  #downUntil = 0;
  port = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.#server = createServer((client) => this.#pipe(client));
    await new Promise<void>((ok) => this.#server!.listen(0, '127.0.0.1', ok));
    const addr = this.#server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  /**
   * Cuts every open connection once `upstreamBytes` reaches `total`, once only; new
   * connections then wait `outageMs` before they reach the server (a link that is down
   * for a while, during which the server finishes with what it received).
   */
  cutWhenUpstreamReaches(total: number, outageMs = 0): void {
    this.#cutAt = total;
    this.#outageMs = outageMs;
  }

  /** Holds the bytes towards the server to this rate (undefined: as fast as they come). */
  throttle(bytesPerSecond: number | undefined): void {
    this.#bytesPerSecond = bytesPerSecond;
  }

  #pipe(client: Socket): void {
    const wait = this.#downUntil - Date.now();
    if (wait > 0) {
      client.pause();
      // Not resumed here: a timer may fire a millisecond before Date.now() passes the
      // outage, and a socket resumed before #pipe gave it a listener drops what it reads
      // (the request never reaches the server, which answers 408 ten seconds later).
      setTimeout(() => this.#pipe(client), wait);
      return;
    }
    this.connections++;
    const server = connect(this.targetPort, '127.0.0.1');
    this.#sockets.add(client).add(server);
    const drop = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', drop).on('close', () => {
      this.#sockets.delete(client);
      server.end();
    });
    server.on('error', drop).on('close', () => {
      this.#sockets.delete(server);
      client.end();
    });
    server.pipe(client);
    const started = Date.now();
    let forwarded = 0;
    client.on('data', (chunk: Buffer) => {
      if (this.#cutAt !== undefined && this.upstreamBytes + chunk.length >= this.#cutAt) {
        const keep = Math.max(0, this.#cutAt - this.upstreamBytes);
        this.upstreamBytes += keep;
        server.write(chunk.subarray(0, keep));
        this.#cutAt = undefined;
        this.#downUntil = Date.now() + this.#outageMs;
        this.cuts++;
        for (const s of this.#sockets) s.destroy();
        return;
      }
      this.upstreamBytes += chunk.length;
      forwarded += chunk.length;
      if (!server.write(chunk)) {
        client.pause();
        server.once('drain', () => client.resume());
      }
      const rate = this.#bytesPerSecond;
      if (rate !== undefined) {
        const wait = started + (forwarded / rate) * 1000 - Date.now();
        if (wait > 0) {
          client.pause();
          setTimeout(() => client.resume(), wait);
        }
      }
    });
    // Held through an outage it was paused; with its listener on it may flow again.
    client.resume();
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((ok) => (this.#server ? this.#server.close(() => ok()) : ok()));
  }
}
