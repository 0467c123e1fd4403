import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';

test('defaults serve cn-bj2 / cn-bj2-04 on 127.0.0.1:8480', () => {
  const c = loadConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8480);
  assert.equal(c.defaultRegion, 'cn-bj2');
  assert.equal(c.regions[0]!.defaultZone, 'cn-bj2-04');
  assert.deepEqual(c.imports.allowHosts, []);
});

test('every problem is reported at once, naming the variable', () => {
  assert.throws(
    () => loadConfig({ KILN_PORT: 'eighty', KILN_CHUNK_SIZE: '3000000', KILN_BOOTSTRAP_PUBLIC_KEY: 'x', KILN_BLOB_FSYNC: 'maybe' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 4, e.message);
      for (const name of ['KILN_PORT', 'KILN_CHUNK_SIZE', 'KILN_BOOTSTRAP_PRIVATE_KEY', 'KILN_BLOB_FSYNC']) assert.match(e.message, new RegExp(name));
      return true;
    },
  );
});

test('regions and the import allow-list are parsed and validated', () => {
  const c = loadConfig({ KILN_REGIONS: 'cn-sh2:cn-sh2-01,cn-sh2-02;hk:hk-02', KILN_IMPORT_ALLOW_HOSTS: '127.0.0.1:9000, files.local:443' });
  assert.deepEqual(
    c.regions.map((r) => r.id),
    ['cn-sh2', 'hk'],
  );
  assert.equal(c.defaultRegion, 'cn-sh2');
  assert.deepEqual(c.imports.allowHosts, ['127.0.0.1:9000', 'files.local:443']);
  assert.throws(() => loadConfig({ KILN_IMPORT_ALLOW_HOSTS: 'no-port' }), /KILN_IMPORT_ALLOW_HOSTS/);
  assert.throws(() => loadConfig({ KILN_REGIONS: 'broken' }), /KILN_REGIONS/);
});

test('a heartbeat that cannot keep a lease alive is refused', () => {
  assert.throws(() => loadConfig({ KILN_JOB_LEASE_MS: '2000', KILN_JOB_HEARTBEAT_MS: '1500' }), /HEARTBEAT/);
});

test('each job lane defaults to KILN_WORKERS and can be set on its own', () => {
  assert.deepEqual(loadConfig({}).jobs.lanes, { instance: 2, import: 2 });
  const c = loadConfig({ KILN_WORKERS: '3', KILN_IMPORT_WORKERS: '1' });
  assert.deepEqual(c.jobs.lanes, { instance: 3, import: 1 });
  assert.equal(c.jobs.concurrency, 4);
  assert.equal(loadConfig({ KILN_WORKERS: '0' }).jobs.concurrency, 0, 'KILN_WORKERS=0 still runs no jobs');
});

test('one account may use all import workers but one by default, and KILN_IMPORT_WORKERS_PER_ACCOUNT sets it', () => {
  assert.equal(loadConfig({}).jobs.importsPerAccount, 1);
  assert.equal(loadConfig({ KILN_IMPORT_WORKERS: '4' }).jobs.importsPerAccount, 3);
  assert.equal(loadConfig({ KILN_IMPORT_WORKERS: '1' }).jobs.importsPerAccount, 1, 'a lone worker is not reserved');
  assert.equal(loadConfig({ KILN_IMPORT_WORKERS_PER_ACCOUNT: '0' }).jobs.importsPerAccount, 0);
  assert.throws(() => loadConfig({ KILN_IMPORT_WORKERS_PER_ACCOUNT: '-1' }), /KILN_IMPORT_WORKERS_PER_ACCOUNT/);
});

test('import pace, per-account quotas, disk limits and the key cache are read with their units', () => {
  const d = loadConfig({});
  assert.deepEqual(
    { rate: d.imports.minRateBytesPerS, window: d.imports.rateWindowMs, deadline: d.imports.deadlineMs },
    { rate: 128 * 1024, window: 60_000, deadline: 6 * 3_600_000 },
  );
  assert.equal(d.instances.maxDiskBytes, 8000 * 1024 ** 3);
  assert.equal(d.auth.cacheMs, 5000);
  const c = loadConfig({ KILN_INSTANCE_QUOTA: '3', KILN_DISK_QUOTA: '4', KILN_DISK_QUOTA_GB: '100', KILN_MAX_DISK_GB: '64', KILN_AUTH_CACHE_MS: '0' });
  assert.deepEqual(c.quotas, { customImagesPerAccount: 1000, instancesPerAccount: 3, disksPerAccount: 4, diskBytesPerAccount: 100 * 1024 ** 3 });
  assert.equal(c.instances.maxDiskBytes, 64 * 1024 ** 3);
  assert.equal(c.auth.cacheMs, 0);
  assert.throws(() => loadConfig({ KILN_IMPORT_MIN_RATE_BYTES_PER_S: 'fast' }), /KILN_IMPORT_MIN_RATE_BYTES_PER_S/);
});

test('the import size cap follows the largest virtual size unless set, and covers its format metadata', () => {
  const GiB = 1024 ** 3;
  const c = loadConfig({ KILN_MAX_VIRTUAL_SIZE: String(100 * GiB) });
  // Above the disk itself by qcow2's worst metadata (1/32), below twice it.
  assert.ok(c.imports.maxBytes > 100 * GiB * (1 + 1 / 32), String(c.imports.maxBytes));
  assert.ok(c.imports.maxBytes < 2 * 100 * GiB, String(c.imports.maxBytes));
  assert.ok(loadConfig({}).imports.maxBytes < loadConfig({ KILN_MAX_VIRTUAL_SIZE: String(4096 * GiB) }).imports.maxBytes);
  assert.equal(loadConfig({ KILN_MAX_VIRTUAL_SIZE: String(100 * GiB), KILN_IMPORT_MAX_BYTES: '12345' }).imports.maxBytes, 12345);
  // The reserve must hold what every import lane may write between two looks at the free space.
  assert.equal(loadConfig({ KILN_IMPORT_MIN_FREE_BYTES: String(32 * 1024 ** 2), KILN_IMPORT_WORKERS: '4' }).imports.minFreeBytes, 32 * 1024 ** 2);
  assert.throws(() => loadConfig({ KILN_IMPORT_MIN_FREE_BYTES: String(32 * 1024 ** 2), KILN_IMPORT_WORKERS: '5' }), /KILN_IMPORT_MIN_FREE_BYTES/);
  assert.equal(loadConfig({ KILN_IMPORT_MIN_FREE_BYTES: '0', KILN_IMPORT_WORKERS: '0' }).imports.minFreeBytes, 0);
});

test('HTTP timeouts and the connection cap are read, and a headers timeout over the request timeout is refused', () => {
  const d = loadConfig({}).http;
  assert.ok(d.headersTimeoutMs <= d.requestTimeoutMs);
  assert.ok(d.maxConnections > 0);
  const c = loadConfig({ KILN_HTTP_HEADERS_TIMEOUT_MS: '1000', KILN_HTTP_REQUEST_TIMEOUT_MS: '2000', KILN_HTTP_MAX_CONNECTIONS: '8' }).http;
  assert.deepEqual([c.headersTimeoutMs, c.requestTimeoutMs, c.maxConnections], [1000, 2000, 8]);
  assert.throws(() => loadConfig({ KILN_HTTP_HEADERS_TIMEOUT_MS: '5000', KILN_HTTP_REQUEST_TIMEOUT_MS: '2000' }), /KILN_HTTP_HEADERS_TIMEOUT_MS/);
  assert.throws(() => loadConfig({ KILN_HTTP_MAX_CONNECTIONS: '0' }), /KILN_HTTP_MAX_CONNECTIONS/);
});
