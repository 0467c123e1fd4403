import { open } from 'node:fs/promises';
import { qcow2Layout, qcow2Metadata, QCOW2_CLUSTER } from './qcow2-writer.ts';

/**
 * Kiln's own instance disks: a qcow2 (v3) overlay whose unwritten clusters read from a raw
 * backing file (the image in the node's cache). Created empty, so making a disk writes a
 * few metadata clusters whatever the image's size; qemu (`qemu-io`, `qemu-nbd`, a VM)
 * then allocates clusters as a guest writes.
 */

const L2_ENTRIES = QCOW2_CLUSTER / 8;

/** Writes an empty overlay of `virtualSize` on `backingFile` (an absolute path) and syncs it. */
export async function createQcow2Overlay(path: string, virtualSize: number, backingFile: string): Promise<void> {
  const layout = qcow2Layout(virtualSize, [], backingFile);
  const fh = await open(path, 'w');
  try {
    let at = 0;
    for (const cluster of qcow2Metadata(layout)) {
      await fh.write(cluster, 0, cluster.length, at);
      at += cluster.length;
    }
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/**
 * Grows an overlay's virtual size in place: the header's size and L1 length. qemu never
 * moves the L1 table unless asked to resize, and Kiln writes it as whole clusters, so
 * the entries a larger disk needs are already there (zeros: unallocated, reading as the
 * backing file or, past its end, zeros). One L1 cluster maps 4 TiB; a growth past what
 * the table's clusters map is refused. Never shrinks; repeating it is harmless.
 */
export async function growQcow2Overlay(path: string, sizeBytes: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const head = Buffer.alloc(104);
    await fh.read(head, 0, head.length, 0);
    if (head.toString('latin1', 0, 4) !== 'QFI\xfb') throw new Error(`${path} is not a qcow2 disk`);
    const clusterSize = 2 ** head.readUInt32BE(20);
    const current = Number(head.readBigUInt64BE(24));
    if (sizeBytes <= current) return;
    const l1Size = head.readUInt32BE(36);
    const l1Capacity = Math.ceil((l1Size * 8) / clusterSize) * (clusterSize / 8);
    const needed = Math.ceil(Math.ceil(sizeBytes / clusterSize) / (clusterSize / 8));
    if (clusterSize !== QCOW2_CLUSTER || needed > l1Capacity) {
      throw new Error(`cannot grow ${path} to ${sizeBytes} bytes in place (its L1 table maps ${l1Capacity * L2_ENTRIES * clusterSize} bytes)`);
    }
    const patch = Buffer.alloc(16);
    patch.writeBigUInt64BE(BigInt(sizeBytes), 0);
    await fh.write(patch, 0, 8, 24);
    patch.writeUInt32BE(Math.max(l1Size, needed), 8);
    await fh.write(patch, 8, 4, 36);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
