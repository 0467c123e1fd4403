import type { ByteSource } from './byte-source.ts';
import { detectSource } from './detect-format.ts';
import { DiskFormatError, type DiskFormat, type DiskReader, type OpenDiskOptions } from './disk-reader.ts';
import { FileByteSource } from './file-source.ts';
import { BoundedFile } from './formats/bounded-file.ts';
import { refuseOverCap } from './formats/int-fields.ts';
import { Qcow2Reader } from './formats/qcow2-reader.ts';
import { VhdReader } from './formats/vhd-reader.ts';
import { VmdkReader } from './formats/vmdk-reader.ts';
import { RawReader } from './raw-reader.ts';

export interface OpenDiskRequest extends OpenDiskOptions {
  /** What the uploader said the file is; checked against the content, never trusted. */
  claimedFormat?: DiskFormat;
}

/** Opens a local disk image file as a virtual disk (see openDiskSource). */
export async function openDisk(path: string, opts: OpenDiskRequest): Promise<DiskReader> {
  return openDiskSource(await FileByteSource.open(path), opts);
}

/**
 * Opens a disk image from any byte source as a virtual disk. The format comes from the
 * content; a claim that disagrees, any format we do not read, and anything over the size
 * cap is refused with a DiskFormatError whose message is the user-facing reason. The
 * reader owns the source from here on; on a refusal the source is closed.
 */
export async function openDiskSource(source: ByteSource, opts: OpenDiskRequest): Promise<DiskReader> {
  try {
    const detected = await detectSource(source);
    const claim = opts.claimedFormat;
    if (detected.format === null) {
      const prefix = claim ? `image claimed as ${claim} but its content is ${detected.name}: ` : '';
      throw new DiskFormatError(prefix + detected.reason);
    }
    if (claim && claim !== detected.format) {
      throw new DiskFormatError(`image claimed as ${claim} but its content is ${detected.format}`);
    }
    const file = BoundedFile.over(source);
    switch (detected.format) {
      case 'qcow2':
        return await Qcow2Reader.open(file, opts.maxVirtualSize);
      case 'vmdk':
        return await VmdkReader.open(file, opts.maxVirtualSize);
      case 'vhd':
        return await VhdReader.open(file, opts.maxVirtualSize);
      case 'raw':
        refuseOverCap('raw', source.size, opts.maxVirtualSize);
        refuseNotWholeSectors(source.size);
        return new RawReader(source);
    }
  } catch (e) {
    await source.close();
    throw e;
  }
}

const SECTOR = 512;

/**
 * A raw image is the disk itself, and a disk is whole 512-byte sectors: anything else (a
 * text file, a truncated download) would become an image no instance can boot or attach.
 */
function refuseNotWholeSectors(size: number): void {
  if (size === 0) throw new DiskFormatError('raw image is empty: a disk is at least one 512-byte sector');
  if (size % SECTOR !== 0) {
    throw new DiskFormatError(
      `raw image is ${size} bytes, not a whole number of 512-byte sectors (${Math.floor(size / SECTOR)} sectors and ${size % SECTOR} bytes)`,
    );
  }
}
