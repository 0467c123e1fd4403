import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllowHosts } from '../net/allow-hosts.ts';
import { CHECK_EVERY } from '../net/spool-space.ts';

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
  imports: {
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
  };
  /**
   * Uploads of a disk image through Kiln's own endpoint (src/upload): the largest file,
   * how long an upload may sit unfinished before it expires and is removed, how many one
   * account may have open at once, and how long a PATCH may pass without a byte before
   * its connection is closed (a stalled client holds a socket, never a worker); and the
   * bytes per second one account's PATCHes are read at, per process (0: unbounded).
   */
  uploads: { maxBytes: number; expiryMs: number; maxOpenPerAccount: number; idleTimeoutMs: number; maxBytesPerS: number };
  disk: { chunkSize: number; maxVirtualSize: number; fsync: boolean };
  /** The API listener: how long a request may take to arrive, and how many connections it holds. */
  http: HttpConfig;
  /** The metadata store: the SQLite file under dataDir unless a PostgreSQL URL is given. */
  database: DatabaseConfig;
  /** The chunk store: a directory under dataDir unless an S3 URL is given. */
  blobs: BlobConfig;
  /** This process's compute node: jobs that touch an instance's disks run on the node that holds them. */
  nodeId: string;
  /** The node's image cache: instance disks are overlays on its entries (dataDir/image-cache). */
  imageCache: { dir: string; budgetBytes: number };
  /**
   * concurrency is how many jobs this process runs at once, the sum of its lanes; 0 runs
   * none. Each lane has its own workers, so imports (slow, remote, user-paced) can never
   * hold the workers that deploy, release and capture instances.
   */
  jobs: {
    leaseMs: number;
    heartbeatMs: number;
    pollMs: number;
    maxAttempts: number;
    /**
     * The pause (between 1x and 2x of this) before a job that met an unreachable store
     * is given back to the queue; such a try does not count against maxAttempts.
     */
    unavailableRetryMs: number;
    concurrency: number;
    lanes: { instance: number; import: number };
    /**
     * Import-lane jobs one account may run at once in this process while other accounts'
     * imports wait (0: no limit). Below the lane's size, it keeps a worker for others.
     */
    importsPerAccount: number;
  };
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
  /** The web console (src/console): how long its sessions live and how often one may fail to sign in. */
  console: ConsoleConfig;
  /** The Zenlayer Cloud API 2.0 dialect: its own regions, zones and instance types. */
  zenlayer: {
    /** How far X-ZC-Timestamp may be from the server clock, either way. */
    maxSkewSeconds: number;
    /**
     * How long after its first use a signature that does not cover X-ZC-Action may still
     * serve another action (src/core/accounts/replay-guard.ts).
     */
    actionSwitchMs: number;
    regions: RegionConfig[];
    instanceTypes: InstanceTypeConfig[];
  };
}

export interface ConsoleConfig {
  /** A session unused this long is over. */
  sessionIdleMs: number;
  /** A session is over this long after sign-in, however busy. */
  sessionMaxMs: number;
  /** Failed sign-ins allowed per account, and per client address, within signInWindowMs. */
  signInFailures: number;
  signInWindowMs: number;
  /**
   * Marks the session cookie Secure even on plain HTTP: set when a TLS-terminating proxy
   * stands in front (a request that arrived over TLS gets Secure in any case).
   */
  secureCookie: boolean;
}

export interface HttpConfig {
  /** The request line and headers must arrive within this (slow-header clients). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (trickled or endless bodies). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves, in either direction, is closed after this. */
  idleTimeoutMs: number;
  /** Open connections served normally; past this, only /healthz is answered (connection-cap.ts). */
  maxConnections: number;
}

/** A sellable instance size; gpuCount 0 (and gpuModel null) for CPU-only types. */
export interface InstanceTypeConfig {
  id: string;
  cpu: number;
  memoryGiB: number;
  gpuCount: number;
  gpuModel: string | null;
}

export interface RegionConfig {
  id: string;
  zones: string[];
  defaultZone: string;
}

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      /**
       * Keep catalogue versions in memory from LISTEN/NOTIFY (default true). Off behind a
       * pooler in transaction mode, where a session's LISTEN and its next statement may
       * run on different server connections and the notices cannot be trusted.
       */
      catalogueNotices?: boolean;
    };

export type BlobConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix inside the bucket, without leading or trailing slash ('' for none). */
      prefix: string;
      /** Endpoint of an S3-compatible store; undefined means AWS itself. */
      endpoint: string | undefined;
      region: string;
      forcePathStyle: boolean;
      /** Requests in flight at once, per process. */
      maxConcurrency: number;
      /** Tries per request, the first included, with backoff on 5xx and throttling. */
      maxAttempts: number;
      /**
       * Put-if-absent as one PUT with `If-None-Match: *` (AWS S3, MinIO, moto). Stores
       * that ignore the header need false: a HEAD, then an unconditional PUT.
       */
      conditionalPut: boolean;
      /**
       * How long one call keeps retrying while the store cannot be reached (no answer,
       * 5xx, throttling, the bucket gone) before it fails as unavailable.
       */
      retryWindowMs: number;
    };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

type Env = Record<string, string | undefined>;

/** Reads and validates the environment; every problem is reported at once. */
export function loadConfig(env: Env = process.env): KilnConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const regions = read.regions('KILN_REGIONS', 'cn-bj2:cn-bj2-04,cn-bj2-02,cn-bj2-03,cn-bj2-05');
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
  // KILN_JOB_CONCURRENCY is the older name of KILN_WORKERS, now the default of each lane.
  const workers = read.int('KILN_WORKERS', read.int('KILN_JOB_CONCURRENCY', 2, 1, 64), 0, 64);
  const lanes = { instance: read.int('KILN_INSTANCE_WORKERS', workers, 0, 64), import: read.int('KILN_IMPORT_WORKERS', workers, 0, 64) };
  const nodeId = read.str('KILN_NODE_ID', hostname());
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(nodeId)) problems.push(`KILN_NODE_ID: "${nodeId}" must be 1-64 letters, digits, dots, dashes or underscores`);

  const maxVirtualSize = read.int('KILN_MAX_VIRTUAL_SIZE', 2048 * GiB, MiB, Number.MAX_SAFE_INTEGER);
  const headersTimeoutMs = read.int('KILN_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const requestTimeoutMs = read.int('KILN_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  // Node refuses a headers timeout longer than the request timeout.
  if (headersTimeoutMs > requestTimeoutMs) problems.push('KILN_HTTP_HEADERS_TIMEOUT_MS must not exceed KILN_HTTP_REQUEST_TIMEOUT_MS');

  const config: KilnConfig = {
    host: read.str('KILN_HOST', '127.0.0.1'),
    port: read.int('KILN_PORT', 8480, 0, 65535),
    dataDir,
    masterKeyFile: resolve(read.str('KILN_MASTER_KEY_FILE', join(dataDir, 'master.key'))),
    logLevel: read.oneOf('KILN_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    bootstrap: { publicKey, privateKey },
    regions,
    defaultRegion,
    imports: {
      allowHosts: read.allowHosts('KILN_IMPORT_ALLOW_HOSTS'),
      allowPublic: read.bool('KILN_IMPORT_ALLOW_PUBLIC', true),
      maxBytes: read.int('KILN_IMPORT_MAX_BYTES', largestImageFile(maxVirtualSize), 1, Number.MAX_SAFE_INTEGER),
      minFreeBytes: read.int('KILN_IMPORT_MIN_FREE_BYTES', 2 * GiB, 0, Number.MAX_SAFE_INTEGER),
      maxRedirects: read.int('KILN_IMPORT_MAX_REDIRECTS', 5, 0, 20),
      timeoutMs: read.int('KILN_IMPORT_TIMEOUT_MS', 30_000, 100, 3_600_000),
      minRateBytesPerS: read.int('KILN_IMPORT_MIN_RATE_BYTES_PER_S', 128 * 1024, 0, Number.MAX_SAFE_INTEGER),
      rateWindowMs: read.int('KILN_IMPORT_RATE_WINDOW_MS', 60_000, 100, 3_600_000),
      deadlineMs: read.int('KILN_IMPORT_DEADLINE_MS', 6 * 3_600_000, 1000, 7 * 24 * 3_600_000),
    },
    uploads: {
      maxBytes: read.int('KILN_UPLOAD_MAX_BYTES', largestImageFile(maxVirtualSize), 1, Number.MAX_SAFE_INTEGER),
      expiryMs: read.int('KILN_UPLOAD_EXPIRY_MS', 24 * 3_600_000, 1000, 30 * 24 * 3_600_000),
      maxOpenPerAccount: read.int('KILN_UPLOAD_MAX_OPEN_PER_ACCOUNT', 10, 1, 10_000),
      idleTimeoutMs: read.int('KILN_UPLOAD_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
      maxBytesPerS: read.int('KILN_UPLOAD_MAX_BYTES_PER_S', 0, 0, Number.MAX_SAFE_INTEGER),
    },
    disk: {
      chunkSize,
      maxVirtualSize,
      fsync: read.bool('KILN_BLOB_FSYNC', true),
    },
    http: {
      headersTimeoutMs,
      requestTimeoutMs,
      // Above the 60 s idle timeout of common load balancers, which must close first.
      keepAliveTimeoutMs: read.int('KILN_HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 600_000),
      idleTimeoutMs: read.int('KILN_HTTP_IDLE_TIMEOUT_MS', 120_000, 1000, 3_600_000),
      maxConnections: read.int('KILN_HTTP_MAX_CONNECTIONS', 1024, 1, 100_000),
    },
    database: read.database(dataDir),
    blobs: read.blobs(dataDir),
    nodeId,
    imageCache: { dir: join(dataDir, 'image-cache'), budgetBytes: read.int('KILN_IMAGE_CACHE_BYTES', 64 * GiB, 0, Number.MAX_SAFE_INTEGER) },
    jobs: {
      leaseMs: read.int('KILN_JOB_LEASE_MS', 15_000, 1000, 3_600_000),
      heartbeatMs: read.int('KILN_JOB_HEARTBEAT_MS', 3_000, 100, 600_000),
      pollMs: read.int('KILN_JOB_POLL_MS', 200, 10, 60_000),
      maxAttempts: read.int('KILN_JOB_MAX_ATTEMPTS', 3, 1, 100),
      unavailableRetryMs: read.int('KILN_JOB_UNAVAILABLE_RETRY_MS', 5_000, 10, 3_600_000),
      concurrency: lanes.instance + lanes.import,
      lanes,
      importsPerAccount: read.int('KILN_IMPORT_WORKERS_PER_ACCOUNT', Math.max(1, lanes.import - 1), 0, 64),
    },
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
    console: {
      sessionIdleMs: read.int('KILN_CONSOLE_SESSION_IDLE_S', 1_800, 10, 86_400 * 30) * 1000,
      sessionMaxMs: read.int('KILN_CONSOLE_SESSION_MAX_S', 43_200, 10, 86_400 * 365) * 1000,
      signInFailures: read.int('KILN_CONSOLE_SIGNIN_FAILURES', 5, 1, 1_000_000),
      signInWindowMs: read.int('KILN_CONSOLE_SIGNIN_WINDOW_S', 900, 1, 86_400) * 1000,
      secureCookie: read.bool('KILN_CONSOLE_SECURE_COOKIE', false),
    },
    zenlayer: {
      maxSkewSeconds: read.int('KILN_ZC_MAX_SKEW_SECONDS', 300, 1, 86_400),
      // One signing second plus network delay: a read and a change signed in the same
      // second by one client arrive less than a second apart, plus the later one's latency.
      actionSwitchMs: read.int('KILN_ZC_ACTION_SWITCH_MS', 2_000, 0, 60_000),
      // Zone ids shaped like the vendor's (`asia-east-1a`, `na-us-la-2a` in the zec pages).
      regions: read.regions('KILN_ZC_REGIONS', 'asia-east-1:asia-east-1a,asia-east-1b;na-us-la-2:na-us-la-2a'),
      instanceTypes: read.instanceTypes(
        'KILN_ZC_INSTANCE_TYPES',
        'z2a.cpu.1:1:2,z2a.cpu.2:2:4,z2a.cpu.4:4:8,z3a.g.C49.c8m32.1:8:32:1:RTX 4090,z3a.g.C49.c16m64.2:16:64:2:RTX 4090',
      ),
    },
  };
  if (config.jobs.heartbeatMs * 2 > config.jobs.leaseMs) {
    problems.push('KILN_JOB_HEARTBEAT_MS must be at most half of KILN_JOB_LEASE_MS, or leases lapse under a live worker');
  }
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

export function regionOf(config: KilnConfig, regionId: string): RegionConfig | undefined {
  return config.regions.find((r) => r.id === regionId);
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  str(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim())) {
      this.problems.push(`${name}: "${raw}" is not a whole number`);
      return fallback;
    }
    const v = Number(raw.trim());
    if (v < min || v > max) {
      this.problems.push(`${name}: ${v} is outside ${min}..${max}`);
      return fallback;
    }
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name}: "${raw}" is not a boolean (true/false)`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name}: "${raw}" is not one of ${allowed.join(', ')}`);
    return fallback;
  }

  /** `type:cpu:memoryGiB[:gpuCount:gpuModel],...`; a type without GPU fields is CPU-only. */
  instanceTypes(name: string, fallback: string): InstanceTypeConfig[] {
    const out: InstanceTypeConfig[] = [];
    for (const part of this.str(name, fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [id, cpu, mem, gpus, model] = part.split(':').map((s) => s.trim());
      const whole = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN);
      const t = { id: id ?? '', cpu: whole(cpu), memoryGiB: whole(mem), gpuCount: gpus === undefined ? 0 : whole(gpus), gpuModel: model || null };
      if (!/^[A-Za-z0-9.-]+$/.test(t.id) || !(t.cpu >= 1) || !(t.memoryGiB >= 1) || !(t.gpuCount >= 0) || t.gpuCount > 0 !== (t.gpuModel !== null)) {
        this.problems.push(`${name}: "${part}" must look like type:cpu:memoryGiB or type:cpu:memoryGiB:gpuCount:gpuModel`);
        continue;
      }
      if (out.some((o) => o.id === t.id)) {
        this.problems.push(`${name}: instance type ${t.id} is listed twice`);
        continue;
      }
      out.push(t);
    }
    return out;
  }

  allowHosts(name: string): string[] {
    try {
      return parseAllowHosts(this.env[name]);
    } catch (e) {
      this.problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  /** KILN_DATABASE_URL: postgres://... (or postgresql://...); unset keeps the SQLite file. */
  database(dataDir: string): DatabaseConfig {
    const url = this.env.KILN_DATABASE_URL?.trim();
    const poolMax = this.int('KILN_DATABASE_POOL_MAX', 10, 1, 1000);
    const catalogueNotices = this.bool('KILN_DATABASE_NOTICES', true);
    if (url === undefined || url === '') return { kind: 'sqlite', path: join(dataDir, 'kiln.sqlite') };
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) {
      this.problems.push('KILN_DATABASE_URL: must be a postgres://user:password@host:port/database URL');
      return { kind: 'sqlite', path: join(dataDir, 'kiln.sqlite') };
    }
    return { kind: 'postgres', url, poolMax, catalogueNotices };
  }

  /** KILN_BLOB_URL: s3://bucket[/prefix]; unset keeps chunks under dataDir/blobs. */
  blobs(dataDir: string): BlobConfig {
    const url = this.env.KILN_BLOB_URL?.trim();
    const endpoint = this.env.KILN_S3_ENDPOINT?.trim() || undefined;
    const region = this.str('KILN_S3_REGION', this.env.AWS_REGION?.trim() || 'us-east-1');
    const forcePathStyle = this.bool('KILN_S3_FORCE_PATH_STYLE', endpoint !== undefined);
    const maxConcurrency = this.int('KILN_S3_MAX_CONCURRENCY', 16, 1, 1024);
    const maxAttempts = this.int('KILN_S3_MAX_ATTEMPTS', 5, 1, 20);
    const conditionalPut = this.bool('KILN_S3_CONDITIONAL_PUT', true);
    const retryWindowMs = this.int('KILN_S3_RETRY_WINDOW_MS', 60_000, 0, 3_600_000);
    if (url === undefined || url === '') return { kind: 'local', dir: join(dataDir, 'blobs') };
    const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
    if (!m) {
      this.problems.push('KILN_BLOB_URL: must be s3://bucket or s3://bucket/prefix');
      return { kind: 'local', dir: join(dataDir, 'blobs') };
    }
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) this.problems.push('KILN_S3_ENDPOINT: must be an http:// or https:// URL');
    const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
    return { kind: 's3', bucket: m[1]!, prefix, endpoint, region, forcePathStyle, maxConcurrency, maxAttempts, conditionalPut, retryWindowMs };
  }

  /** `region:zone1,zone2;region2:zone` — the first zone of each region is its default. */
  regions(name: string, fallback: string): RegionConfig[] {
    const raw = this.str(name, fallback);
    const out: RegionConfig[] = [];
    for (const part of raw
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [id, zonesRaw] = part.split(':');
      const zones = (zonesRaw ?? '')
        .split(',')
        .map((z) => z.trim())
        .filter(Boolean);
      if (!id || !/^[a-z0-9-]+$/.test(id.trim()) || zones.length === 0) {
        this.problems.push(`${name}: "${part}" must look like region:zone1,zone2`);
        continue;
      }
      out.push({ id: id.trim(), zones, defaultZone: zones[0]! });
    }
    return out;
  }
}
