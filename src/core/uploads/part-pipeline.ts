import type { UploadPart } from '../model.ts';

interface InFlight {
  start: number;
  length: number;
  /** Set once the part is stored and durable; until then it cannot be recorded. */
  chunkKey?: string | null;
}

/**
 * Stages up to `depth` parts of an upload at once while the caller fills the next one,
 * and records them in file order: whenever a run of parts at the front is durable, that
 * run moves the offset in one `record` call. A part that is not yet durable holds back
 * every part after it, so the offset only ever counts contiguous, durable bytes. Memory
 * is bounded by `depth + 1` part buffers: a buffer is handed out again once its part is
 * durable (the bytes are then on disk), not once it is recorded.
 *
 * The first failure (a store, a sync, a refused record) stops the pipeline: nothing more
 * is recorded, and `buffer()` and `drain()` throw it.
 */
export class PartPipeline {
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private staging = 0;
  private readonly queue: InFlight[] = [];
  private recording = false;
  private failure: { error: unknown } | undefined;
  /** Woken whenever a buffer comes back, a part is recorded, or the pipeline fails. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly depth: number,
    private readonly partBytes: number,
    private readonly stage: (bytes: Buffer) => Promise<string | null>,
    private readonly record: (parts: UploadPart[]) => Promise<void>,
  ) {}

  /** A buffer to fill with the next part; waits while `depth` parts are being staged. */
  async buffer(): Promise<Buffer> {
    for (;;) {
      this.throwIfFailed();
      const b = this.free.pop();
      if (b !== undefined) return b;
      if (this.allocated <= this.depth) {
        this.allocated++;
        return Buffer.allocUnsafe(this.partBytes);
      }
      await this.changed();
    }
  }

  /** Stages `buf[0, length)` as the part at `start` (right after the part submitted before). */
  submit(buf: Buffer, start: number, length: number): void {
    const entry: InFlight = { start, length };
    this.queue.push(entry);
    this.staging++;
    this.stage(buf.subarray(0, length)).then(
      (key) => {
        this.staging--;
        entry.chunkKey = key;
        this.free.push(buf);
        this.notify();
        void this.recordReady();
      },
      (e: unknown) => {
        this.staging--;
        this.fail(e);
      },
    );
  }

  /** Waits until every submitted part is recorded; throws the pipeline's failure if any. */
  async drain(): Promise<void> {
    for (;;) {
      this.throwIfFailed();
      if (this.queue.length === 0) return;
      await this.changed();
    }
  }

  /**
   * Waits until no part is still being staged, swallowing any failure: for a caller that is
   * already failing, so no store runs on after the request has been answered.
   */
  async settle(): Promise<void> {
    await this.drain().catch(() => undefined);
    while (this.staging > 0) await this.changed();
  }

  private async recordReady(): Promise<void> {
    if (this.recording) return;
    this.recording = true;
    try {
      for (;;) {
        if (this.failure !== undefined) return;
        const ready: UploadPart[] = [];
        for (const p of this.queue) {
          if (p.chunkKey === undefined) break;
          ready.push({ start: p.start, length: p.length, chunkKey: p.chunkKey });
        }
        if (ready.length === 0) return;
        await this.record(ready);
        this.queue.splice(0, ready.length);
        this.notify();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.recording = false;
    }
  }

  private fail(e: unknown): void {
    this.failure ??= { error: e };
    this.notify();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
