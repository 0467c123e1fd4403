import { open, type FileHandle } from 'node:fs/promises';
import type { DiskFormat } from './disk-reader.ts';
import { describeDescriptorFile } from './formats/vmdk-descriptor.ts';

/**
 * What the content of a file says it is. `refused` formats are recognised only to be
 * refused by name, which gives a far better reason than "not a qcow2" or reading a
 * container as if it were a raw disk.
 */
export type Detection =
  | { format: DiskFormat }
  | { format: null; name: string; reason: string };

const HEAD_BYTES = 0x8006; // reaches the ISO 9660 "CD001" at 0x8001
const TAIL_BYTES = 512;

function refused(name: string, reason = `${name} images are not supported`): Detection {
  return { format: null, name, reason };
}

function startsWith(buf: Buffer, text: string, at = 0): boolean {
  const magic = Buffer.from(text, 'latin1');
  return buf.length >= at + magic.length && buf.subarray(at, at + magic.length).equals(magic);
}

/** Detects from the first 32 KiB and the last 512 bytes; never from the file name. */
export async function detectFormat(path: string): Promise<Detection> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await readFully(fh, head, 0);
    const tail = Buffer.alloc(size >= TAIL_BYTES ? TAIL_BYTES : 0);
    if (tail.length > 0) await readFully(fh, tail, size - TAIL_BYTES);
    return detectFromBytes(head, tail);
  } finally {
    await fh.close();
  }
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
}

export function detectFromBytes(head: Buffer, tail: Buffer): Detection {
  if (startsWith(head, 'QFI\xfb')) {
    const version = head.length >= 8 ? head.readUInt32BE(4) : 0;
    if (version === 1) return refused('qcow v1', 'qcow version 1 images are not supported');
    return { format: 'qcow2' };
  }
  if (startsWith(head, 'KDMV')) return { format: 'vmdk' };
  if (startsWith(head, 'COWD')) return refused('VMware COWD', 'VMware ESX/COWD sparse disks are not supported');
  if (startsWith(head, '# Disk DescriptorFile') || looksLikeVmdkDescriptor(head)) {
    return refused('VMDK descriptor', describeDescriptorFile(head.subarray(0, 64 * 1024).toString('latin1')));
  }
  if (startsWith(head, 'vhdxfile')) return refused('VHDX');
  if (head.length >= 0x44 && head.readUInt32LE(0x40) === 0xbeda107f) return refused('VDI', 'VirtualBox VDI images are not supported');
  if (startsWith(head, 'QED\0')) return refused('QED');
  if (startsWith(head, 'LUKS\xba\xbe')) return refused('LUKS', 'LUKS-encrypted images are not supported');
  if (startsWith(tail, 'conectix') || startsWith(head, 'conectix')) return { format: 'vhd' };
  if (startsWith(head, 'CD001', 0x8001)) return refused('ISO 9660', 'ISO 9660 (CD/DVD) images are not supported as disk images');
  return { format: 'raw' };
}

/** A text descriptor need not start with the comment line; a createType early on is enough. */
function looksLikeVmdkDescriptor(head: Buffer): boolean {
  const text = head.subarray(0, 1024).toString('latin1');
  return /^\s*(#[^\n]*\n\s*)*version\s*=\s*\d+\s*$/m.test(text) && /createType\s*=/.test(text);
}
