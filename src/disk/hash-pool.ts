import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

interface Pending {
  resolve: (r: { hash: string; buffer: ArrayBuffer }) => void;
  reject: (e: Error) => void;
}

/**
 * The content hash on worker threads so hashing overlaps reading and writing. Buffers are
 * transferred, not copied, and come back with the digest for reuse.
 */
export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private turn = 0;

  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./hash-worker.mjs', import.meta.url));
      w.on('message', (m: { id: number; hash: string; buffer: ArrayBuffer }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.idleWhenDone();
        p?.resolve({ hash: m.hash, buffer: m.buffer });
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        this.idleWhenDone();
      });
      // After the listeners: adding a 'message' listener refs the port again.
      w.unref();
      this.workers.push(w);
    }
  }

  /** Hashes `buffer[offset, offset + length)`. The caller loses `buffer` until the promise resolves. */
  hash(buffer: ArrayBuffer, length: number, offset = 0): Promise<{ hash: string; buffer: ArrayBuffer }> {
    const id = this.nextId++;
    // Busy, the pool keeps the process alive until the digest is back; idle, it must not.
    if (this.pending.size === 0) for (const w of this.workers) w.ref();
    const worker = this.workers[this.turn++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, buffer, offset, length }, [buffer]);
    });
  }

  private idleWhenDone(): void {
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let shared: HashPool | undefined;

/** One pool per process; its threads are unref'd, so it costs nothing when idle. */
export function sharedHashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}

/** Ends the shared pool's threads (process shutdown). */
export async function closeSharedHashPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
