import { open } from 'node:fs/promises';
import { DiskFormatError, type DiskFormat, type DiskReader, type OpenDiskOptions } from './disk-reader.ts';
import { RawReader } from './raw-reader.ts';

// PLACEHOLDER until the format readers land (issue 3): recognises the container formats
// by content and refuses them by name; everything else is read as raw.
const magics: { name: string; format?: DiskFormat; at: number; bytes: Buffer }[] = [
  { name: 'qcow2', format: 'qcow2', at: 0, bytes: Buffer.from('QFI\xfb', 'latin1') },
  { name: 'VMDK', format: 'vmdk', at: 0, bytes: Buffer.from('KDMV') },
  { name: 'VHD', format: 'vhd', at: 0, bytes: Buffer.from('conectix') },
  { name: 'VHDX', at: 0, bytes: Buffer.from('vhdxfile') },
  { name: 'QED', at: 0, bytes: Buffer.from('QED\0', 'latin1') },
];

export async function openDisk(path: string, opts: OpenDiskOptions & { claimedFormat?: DiskFormat }): Promise<DiskReader> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(512);
  try {
    await fh.read(head, 0, 512, 0);
  } finally {
    await fh.close();
  }
  const found = magics.find((m) => head.subarray(m.at, m.at + m.bytes.length).equals(m.bytes));
  const detected: DiskFormat | undefined = found ? found.format : 'raw';
  if (opts.claimedFormat && detected && opts.claimedFormat !== detected) {
    throw new DiskFormatError(`image claimed as ${opts.claimedFormat} but its content is ${detected}`);
  }
  if (found) throw new DiskFormatError(`${found.name} images are not supported yet`);
  const reader = await RawReader.open(path);
  if (reader.virtualSize > opts.maxVirtualSize) {
    await reader.close();
    throw new DiskFormatError(`virtual size ${reader.virtualSize} exceeds the limit of ${opts.maxVirtualSize} bytes`);
  }
  return reader;
}
