import type { ByteSource } from './byte-source.ts';
import type { DiskFormat } from './disk-reader.ts';
import { FileByteSource } from './file-source.ts';
import { describeDescriptorFile } from './formats/vmdk-descriptor.ts';

/**
 * What the content of a file says it is. `refused` formats are recognised only to be
 * refused by name, which gives a far better reason than "not a qcow2" or reading a
 * container as if it were a raw disk.
 */
export type Detection = { format: DiskFormat } | { format: null; name: string; reason: string };

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
  const source = await FileByteSource.open(path);
  try {
    return await detectSource(source);
  } finally {
    await source.close();
  }
}

/**
 * The same from any byte source. The tail is read only when the head leaves the answer
 * open (a fixed VHD has its only footer at the end), which saves a remote source a
 * request for every format that names itself up front.
 */
export async function detectSource(source: ByteSource): Promise<Detection> {
  const head = Buffer.alloc(Math.min(source.size, HEAD_BYTES));
  await source.read(head, 0, head.length, 0);
  const early = detectFromBytes(head, Buffer.alloc(0));
  if (!tailMayChange(early) || source.size < TAIL_BYTES) return early;
  const tail = Buffer.alloc(TAIL_BYTES);
  await source.read(tail, 0, TAIL_BYTES, source.size - TAIL_BYTES);
  return detectFromBytes(head, tail);
}

/** Only a VHD footer at the end can overturn "raw" or "ISO 9660" (see detectFromBytes' order). */
function tailMayChange(d: Detection): boolean {
  return d.format === 'raw' || (d.format === null && d.name === 'ISO 9660');
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
