import { GiB, MiB, type EnvReader } from './env-reader.ts';

/** Imports from a URL: which hosts, how large, and when a slow or stalled download fails. */
export interface ImportConfig {
  allowHosts: string[];
  allowPublic: boolean;
  /** Largest import file; by default the largest virtual size plus room for format metadata. */
  maxBytes: number;
  /**
   * Free bytes a spool leaves on the filesystem of the scratch dir: checked before it
   * starts and while it writes, so a download that would fill the disk (which also holds
   * the SQLite file and local chunks) fails the import with a reason instead.
   */
  minFreeBytes: number;
  maxRedirects: number;
  timeoutMs: number;
  /**
   * A download that receives less than minRateBytesPerS on average over a window of
   * rateWindowMs (consecutive windows from its start) fails (0 turns the check off); one not done after deadlineMs
   * fails whatever its rate. Without them a server trickling bytes holds a worker forever.
   */
  minRateBytesPerS: number;
  rateWindowMs: number;
  deadlineMs: number;
}

/**
 * Uploads of a disk image through Kiln's own endpoint (src/upload): the largest file,
 * how long an upload may sit unfinished before it expires and is removed, how many one
 * account may have open at once, and how long a PATCH may pass without a byte before
 * its connection is closed (a stalled client holds a socket, never a worker); and the
 * bytes per second one account's PATCHes are read at, per process (0: unbounded).
 */
export interface UploadConfig {
  maxBytes: number;
  expiryMs: number;
  maxOpenPerAccount: number;
  idleTimeoutMs: number;
  maxBytesPerS: number;
}

export function readImports(read: EnvReader, maxVirtualSize: number): ImportConfig {
  return {
    allowHosts: read.allowHosts('KILN_IMPORT_ALLOW_HOSTS'),
    allowPublic: read.bool('KILN_IMPORT_ALLOW_PUBLIC', true),
    maxBytes: read.int('KILN_IMPORT_MAX_BYTES', largestImageFile(maxVirtualSize), 1, Number.MAX_SAFE_INTEGER),
    minFreeBytes: read.int('KILN_IMPORT_MIN_FREE_BYTES', 2 * GiB, 0, Number.MAX_SAFE_INTEGER),
    maxRedirects: read.int('KILN_IMPORT_MAX_REDIRECTS', 5, 0, 20),
    timeoutMs: read.int('KILN_IMPORT_TIMEOUT_MS', 30_000, 100, 3_600_000),
    minRateBytesPerS: read.int('KILN_IMPORT_MIN_RATE_BYTES_PER_S', 128 * 1024, 0, Number.MAX_SAFE_INTEGER),
    rateWindowMs: read.int('KILN_IMPORT_RATE_WINDOW_MS', 60_000, 100, 3_600_000),
    deadlineMs: read.int('KILN_IMPORT_DEADLINE_MS', 6 * 3_600_000, 1000, 7 * 24 * 3_600_000),
  };
}

export function readUploads(read: EnvReader, maxVirtualSize: number): UploadConfig {
  return {
    maxBytes: read.int('KILN_UPLOAD_MAX_BYTES', largestImageFile(maxVirtualSize), 1, Number.MAX_SAFE_INTEGER),
    expiryMs: read.int('KILN_UPLOAD_EXPIRY_MS', 24 * 3_600_000, 1000, 30 * 24 * 3_600_000),
    maxOpenPerAccount: read.int('KILN_UPLOAD_MAX_OPEN_PER_ACCOUNT', 10, 1, 10_000),
    idleTimeoutMs: read.int('KILN_UPLOAD_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
    maxBytesPerS: read.int('KILN_UPLOAD_MAX_BYTES_PER_S', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * The largest import file accepted by default: a disk of `maxVirtualSize` plus its format
 * metadata. qcow2 at its smallest clusters (512 bytes: 8-byte L2 entries, refcounts up to
 * 8 bytes) carries 1/32 more; a streamOptimized VMDK with the usual 64 KiB grains about
 * 1/128 (a marker and padding a grain, deflate's few bytes on incompressible data). 1/16
 * plus 64 MiB of headers covers both with room; only pathological files (incompressible
 * grains of one sector) need KILN_IMPORT_MAX_BYTES raised. A body longer than this is not
 * an image Kiln would accept, so no download goes on past it.
 */
export function largestImageFile(maxVirtualSize: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, maxVirtualSize + Math.ceil(maxVirtualSize / 16) + 64 * MiB);
}
