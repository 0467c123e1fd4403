import { QCOW2_CLUSTER, qcow2Layout, qcow2Metadata, type Qcow2Layout } from '../disk/qcow2-writer.ts';
import type { VirtualDisk } from './virtual-disk.ts';

/** The guest clusters a stored chunk touches: those are written, the rest stay holes. */
export function dataClusters(disk: VirtualDisk): number[] {
  const out = new Set<number>();
  for (const [start, end] of disk.allocated()) {
    for (let c = Math.floor(start / QCOW2_CLUSTER); c <= Math.floor((end - 1) / QCOW2_CLUSTER); c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

export function layoutOf(disk: VirtualDisk): Qcow2Layout {
  return qcow2Layout(disk.size, dataClusters(disk));
}

/** The whole qcow2 file, front to back; exactly `layout.fileSize` bytes. */
export async function* qcow2Stream(disk: VirtualDisk, layout: Qcow2Layout): AsyncGenerator<Buffer> {
  yield* qcow2Metadata(layout);
  for (const c of layout.dataClusters) {
    const start = c * QCOW2_CLUSTER;
    const parts: Buffer[] = [];
    for await (const piece of disk.range(start, start + QCOW2_CLUSTER)) parts.push(piece);
    const got = parts.reduce((n, p) => n + p.length, 0);
    // The last cluster of a disk whose size is not a cluster multiple is padded with zeros.
    if (got < QCOW2_CLUSTER) parts.push(Buffer.alloc(QCOW2_CLUSTER - got));
    yield parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
