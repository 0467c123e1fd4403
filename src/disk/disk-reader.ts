/**
 * The one interface every format reader implements. The chunk pipeline only ever sees
 * a virtual disk: a size, the extents that may hold data, and positioned reads.
 */

export type DiskFormat = 'raw' | 'qcow2' | 'vmdk' | 'vhd';

/** A byte range of the virtual disk. Extents never overlap and come in ascending order. */
export interface Extent {
  offset: number;
  length: number;
}

export interface DiskReader {
  readonly format: DiskFormat;
  /** Size of the virtual disk in bytes (what a guest would see). */
  readonly virtualSize: number;
  /**
   * Ranges of the virtual disk that may hold non-zero data, ascending, non-overlapping.
   * Everything outside them reads as zeros, so the pipeline never reads holes.
   */
  extents(): AsyncIterable<Extent>;
  /**
   * Fills `buf[0, length)` with the virtual disk's bytes starting at `offset`
   * (holes inside the range come back as zeros). `offset + length <= virtualSize`.
   */
  read(buf: Buffer, length: number, offset: number): Promise<void>;
  /**
   * A hint: these ranges of the virtual disk (ascending) will be read soon, so a reader
   * over a remote source can fetch the file bytes behind them ahead, coalesced. Never
   * throws; a failure shows when the range is read.
   */
  willRead?(extents: readonly Extent[]): void;
  /**
   * Where the virtual disk is a local file as is (a raw disk): its open descriptor, which
   * the pipeline may hand the blob store to copy chunks from inside the kernel
   * (BlobStore.stageCopy). The reader keeps it open until close.
   */
  copySource?(): number | undefined;
  close(): Promise<void>;
}

/** Raised for any file the engine refuses; `message` is the user-facing reason. */
export class DiskFormatError extends Error {
  override readonly name = 'DiskFormatError';
}

export interface OpenDiskOptions {
  /** Largest virtual size accepted, in bytes; bigger images are refused before any read. */
  maxVirtualSize: number;
}
