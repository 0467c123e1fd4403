import { detectFormat } from './detect-format.ts';
import { DiskFormatError, type DiskFormat, type DiskReader, type OpenDiskOptions } from './disk-reader.ts';
import { refuseOverCap } from './formats/int-fields.ts';
import { Qcow2Reader } from './formats/qcow2-reader.ts';
import { VhdReader } from './formats/vhd-reader.ts';
import { VmdkReader } from './formats/vmdk-reader.ts';
import { RawReader } from './raw-reader.ts';

export interface OpenDiskRequest extends OpenDiskOptions {
  /** What the uploader said the file is; checked against the content, never trusted. */
  claimedFormat?: DiskFormat;
}

/**
 * Opens a disk image as a virtual disk. The format comes from the content; a claim that
 * disagrees, any format we do not read, and anything over the size cap is refused with a
 * DiskFormatError whose message is the user-facing reason.
 */
export async function openDisk(path: string, opts: OpenDiskRequest): Promise<DiskReader> {
  const detected = await detectFormat(path);
  const claim = opts.claimedFormat;
  if (detected.format === null) {
    const prefix = claim ? `image claimed as ${claim} but its content is ${detected.name}: ` : '';
    throw new DiskFormatError(prefix + detected.reason);
  }
  if (claim && claim !== detected.format) {
    throw new DiskFormatError(`image claimed as ${claim} but its content is ${detected.format}`);
  }
  switch (detected.format) {
    case 'qcow2':
      return Qcow2Reader.open(path, opts.maxVirtualSize);
    case 'vmdk':
      return VmdkReader.open(path, opts.maxVirtualSize);
    case 'vhd':
      return VhdReader.open(path, opts.maxVirtualSize);
    case 'raw':
      return openRaw(path, opts.maxVirtualSize);
  }
}

async function openRaw(path: string, maxVirtualSize: number): Promise<DiskReader> {
  const reader = await RawReader.open(path);
  try {
    refuseOverCap('raw', reader.virtualSize, maxVirtualSize);
  } catch (e) {
    await reader.close();
    throw e;
  }
  return reader;
}
