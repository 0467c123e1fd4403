/**
 * KILN_UPLOAD_MAX_BYTES_PER_S on the current stack: an account over the bound is slowed,
 * not refused, and the bound holds across its PATCHes together. Elapsed time is asserted as
 * a lower bound only (the property the bound promises), never as a benchmark. Were the
 * bound per PATCH, or off, the two halves would be through in about half a second or less.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { patternBytes } from '../support/disk-images.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { sha256Checksum, TusTestClient } from '../support/tus-client.ts';

const KiB = 1024;
const BOUND = 1024 * KiB;
let server: InProcessServer;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-upload-rate-'));
  server = await startInProcessServer('upload-rate', { env: { KILN_UPLOAD_MAX_BYTES_PER_S: String(BOUND) } });
});

after(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("two PATCHes of one account at once are read at the account's bound together, and both complete", async () => {
  const client = new TusTestClient(server.baseUrl, server.admin);
  // Two halves of one bound's second: each alone would be allowed half a second, together a whole one.
  const size = BOUND / 2;
  const uploads = await Promise.all(
    [1, 2].map(async (n) => {
      const file = join(dir, `paced-${n}.raw`);
      await writeFile(file, patternBytes(20 + n, size));
      const created = await client.create({ length: size, product: 'uhost', name: `paced-${n}`, format: 'RAW', checksum: await sha256Checksum(file) });
      assert.equal(created.status, 201, created.body);
      return { file, id: created.headers.location!.split('/').pop()! };
    }),
  );
  const started = performance.now();
  const answers = await Promise.all(uploads.map((u) => client.patch(u.id, u.file, 0, size)));
  const elapsedMs = performance.now() - started;
  for (const a of answers) {
    if (a === 'cut') assert.fail('a paced PATCH is answered, not cut');
    assert.equal(a.status, 204, a.body);
    assert.equal(a.headers['upload-offset'], String(size));
  }
  // 2 × size bytes at BOUND bytes/s is at least a second; the 5% allows for timers that
  // round their delays to whole milliseconds.
  const leastMs = ((2 * size) / BOUND) * 1000 * 0.95;
  assert.ok(elapsedMs >= leastMs, `1 MiB went through in ${elapsedMs.toFixed(0)} ms, under the ${leastMs} ms a ${BOUND} bytes/s bound allows`);
});
