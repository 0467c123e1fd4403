import { createHash } from 'node:crypto';
import { chunkDisk, type ChunkSink } from '../../../src/disk/chunker.ts';
import type { DiskReader } from '../../../src/disk/disk-reader.ts';
import type { DownloadPolicy } from '../../../src/net/checked-fetch.ts';
import type { FileServer } from '../../support/file-server.ts';

export function policyFor(server: FileServer, over: Partial<DownloadPolicy> = {}): DownloadPolicy {
  return {
    allowHosts: [`127.0.0.1:${server.port}`],
    allowPublic: false,
    allowedSchemes: ['http:'],
    maxBytes: 1024 ** 3,
    maxRedirects: 5,
    timeoutMs: 5000,
    ...over,
  };
}

/** Chunks kept in memory by hash, as a blob store would keep them. */
export class MemorySink implements ChunkSink {
  readonly chunks = new Map<string, Buffer>();
  async putIfAbsent(key: string, data: Buffer, length = data.length): Promise<boolean> {
    if (this.chunks.has(key)) return false;
    this.chunks.set(key, Buffer.from(data.subarray(0, length)));
    return true;
  }
}

/**
 * Runs the whole chunk pipeline over `reader` and returns the SHA-256 of the virtual disk
 * the manifest describes (holes as zeros): what an instance made from the image would hold.
 */
export async function pipelineSha256(reader: DiskReader, chunkSize = 1024 * 1024): Promise<string> {
  const sink = new MemorySink();
  const m = await chunkDisk(reader, sink, { chunkSize, inFlight: 3, readAhead: 6 });
  const h = createHash('sha256');
  const zeros = Buffer.alloc(chunkSize);
  m.chunks.forEach((key, i) => {
    const length = Math.min(chunkSize, m.virtualSize - i * chunkSize);
    h.update(key === null ? zeros.subarray(0, length) : sink.chunks.get(key)!);
  });
  return h.digest('hex');
}
