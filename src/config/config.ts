import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { CHECK_EVERY } from '../net/spool-space.ts';
import { type ConsoleConfig, readConsole } from './console-config.ts';
import { type Env, EnvReader, GiB, MiB } from './env-reader.ts';
import { type HttpConfig, readHttp } from './http-config.ts';
import { type ImportConfig, readImports, readUploads, type UploadConfig } from './import-config.ts';
import { type JobConfig, readJobs } from './job-config.ts';
import { readRegions, type RegionConfig } from './region-config.ts';
import { type BlobConfig, type DatabaseConfig, readBlobs, readDatabase } from './store-config.ts';
import { readZenlayer, type ZenlayerConfig } from './zenlayer-config.ts';

// Everything reads the configuration through this file: the sections' types and helpers
// are named here too, wherever they are defined.
export type { BlobConfig, DatabaseConfig } from './store-config.ts';
export type { ConsoleConfig } from './console-config.ts';
export type { HttpConfig } from './http-config.ts';
export type { InstanceTypeConfig } from './zenlayer-config.ts';
export { regionOf, type RegionConfig } from './region-config.ts';

/** One typed configuration object, built once at start and passed down. */
export interface KilnConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Seals API private keys; every API process of one installation needs the same file. */
  masterKeyFile: string;
  logLevel: string;
  bootstrap: { publicKey: string | undefined; privateKey: string | undefined };
  /** Regions and zones this installation serves, and the defaults SDK examples rely on. */
  regions: RegionConfig[];
  defaultRegion: string;
  imports: ImportConfig;
  uploads: UploadConfig;
  disk: { chunkSize: number; maxVirtualSize: number; fsync: boolean };
  http: HttpConfig;
  /** The metadata store: the SQLite file under dataDir unless a PostgreSQL URL is given. */
  database: DatabaseConfig;
  /** The chunk store: a directory under dataDir unless an S3 URL is given. */
  blobs: BlobConfig;
  /** This process's compute node: jobs that touch an instance's disks run on the node that holds them. */
  nodeId: string;
  /** The node's image cache: instance disks are overlays on its entries (dataDir/image-cache). */
  imageCache: { dir: string; budgetBytes: number };
  jobs: JobConfig;
  gc: { intervalMs: number };
  quotas: {
    customImagesPerAccount: number;
    /** Per account, across products: what one tenant may hold of the installation. */
    instancesPerAccount: number;
    disksPerAccount: number;
    diskBytesPerAccount: number;
  };
  /** What one instance may ask for; workers check at start that their driver can create maxDiskBytes. */
  instances: { maxDiskBytes: number; maxDisksPerInstance: number };
  /** How long a process may keep using a key it looked up: the bound on how late a revocation bites. */
  auth: { cacheMs: number };
  console: ConsoleConfig;
  zenlayer: ZenlayerConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Reads and validates the environment; every problem is reported at once. The sections
 * with settings of their own are read in their files (*-config.ts); the checks that
 * span sections are here.
 */
export function loadConfig(env: Env = process.env): KilnConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const regions = readRegions(read, 'KILN_REGIONS', 'cn-bj2:cn-bj2-04,cn-bj2-02,cn-bj2-03,cn-bj2-05');
  const defaultRegion = read.str('KILN_DEFAULT_REGION', regions[0]?.id ?? 'cn-bj2');
  if (regions.length > 0 && !regions.some((r) => r.id === defaultRegion)) {
    problems.push(`KILN_DEFAULT_REGION: "${defaultRegion}" is not one of KILN_REGIONS`);
  }
  const chunkSize = read.int('KILN_CHUNK_SIZE', 4 * MiB, 64 * 1024, 64 * MiB);
  if ((chunkSize & (chunkSize - 1)) !== 0) problems.push('KILN_CHUNK_SIZE: must be a power of two');
  const publicKey = env.KILN_BOOTSTRAP_PUBLIC_KEY || undefined;
  const privateKey = env.KILN_BOOTSTRAP_PRIVATE_KEY || undefined;
  if ((publicKey === undefined) !== (privateKey === undefined)) {
    problems.push('KILN_BOOTSTRAP_PUBLIC_KEY and KILN_BOOTSTRAP_PRIVATE_KEY must be set together');
  }

  const dataDir = resolve(read.str('KILN_DATA_DIR', './data'));
  const nodeId = read.str('KILN_NODE_ID', hostname());
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(nodeId)) problems.push(`KILN_NODE_ID: "${nodeId}" must be 1-64 letters, digits, dots, dashes or underscores`);
  const maxVirtualSize = read.int('KILN_MAX_VIRTUAL_SIZE', 2048 * GiB, MiB, Number.MAX_SAFE_INTEGER);

  const config: KilnConfig = {
    host: read.str('KILN_HOST', '127.0.0.1'),
    port: read.int('KILN_PORT', 8480, 0, 65535),
    dataDir,
    masterKeyFile: resolve(read.str('KILN_MASTER_KEY_FILE', join(dataDir, 'master.key'))),
    logLevel: read.oneOf('KILN_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    bootstrap: { publicKey, privateKey },
    regions,
    defaultRegion,
    imports: readImports(read, maxVirtualSize),
    uploads: readUploads(read, maxVirtualSize),
    disk: {
      chunkSize,
      maxVirtualSize,
      fsync: read.bool('KILN_BLOB_FSYNC', true),
    },
    http: readHttp(read),
    database: readDatabase(read, dataDir),
    blobs: readBlobs(read, dataDir),
    nodeId,
    imageCache: { dir: join(dataDir, 'image-cache'), budgetBytes: read.int('KILN_IMAGE_CACHE_BYTES', 64 * GiB, 0, Number.MAX_SAFE_INTEGER) },
    jobs: readJobs(read),
    gc: { intervalMs: read.int('KILN_GC_INTERVAL_MS', 600_000, 1000, 86_400_000) },
    quotas: {
      customImagesPerAccount: read.int('KILN_CUSTOM_IMAGE_QUOTA', 1000, 0, 10_000_000),
      instancesPerAccount: read.int('KILN_INSTANCE_QUOTA', 100, 0, 10_000_000),
      disksPerAccount: read.int('KILN_DISK_QUOTA', 400, 0, 100_000_000),
      diskBytesPerAccount: read.int('KILN_DISK_QUOTA_GB', 64 * 1024, 0, 1024 ** 3) * GiB,
    },
    instances: {
      // UCloud documents data disks up to 8000 GB (RetCode 8096); a larger cap must also fit
      // the instance filesystem (ext4 stops at 16 TiB a file), which workers check at start.
      maxDiskBytes: read.int('KILN_MAX_DISK_GB', 8000, 1, 1024 ** 2) * GiB,
      maxDisksPerInstance: read.int('KILN_MAX_DISKS_PER_INSTANCE', 16, 1, 1024),
    },
    auth: { cacheMs: read.int('KILN_AUTH_CACHE_MS', 5_000, 0, 3_600_000) },
    console: readConsole(read),
    zenlayer: readZenlayer(read),
  };
  // Each spool may write CHECK_EVERY bytes between two looks at the free space; all of them
  // at once must still land inside the reserve, or the disk can fill between looks.
  const spoolSlack = config.jobs.lanes.import * CHECK_EVERY;
  if (config.imports.minFreeBytes < spoolSlack) {
    problems.push(
      `KILN_IMPORT_MIN_FREE_BYTES must be at least ${spoolSlack} (KILN_IMPORT_WORKERS x ${CHECK_EVERY / MiB} MiB written between checks of the free space)`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
