/**
 * Revocation and replay across two `kiln serve` processes on one store:
 * - a key or token revoked with the operator CLI stops working in every process within
 *   KILN_AUTH_CACHE_MS (keys used to work until a restart: an in-memory cache);
 * - a Zenlayer signature serves a changing action once across all API processes, and
 *   another action only shortly after its first use: X-ZC-Action is
 *   not signed, so a signed DescribeInstancesStatus replayed as ReleaseInstances used to
 *   release the instance; reads with one signature repeat on every process.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KilnProcess, sleep } from '../support/kiln-process.ts';
import { openStoresOf } from '../support/kiln-stores.ts';
import { addZecBaseImage, createZecInstance, instanceStatus, zecClient } from '../support/zec-flow.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';
import { ZenlayerTestClient } from '../support/zenlayer-client.ts';

const CACHE_MS = 2000;
/** KILN_ZC_ACTION_SWITCH_MS of both servers. */
const SWITCH_MS = 1000;
let a: KilnProcess;
let b: KilnProcess;

before(async () => {
  a = await KilnProcess.start({ KILN_AUTH_CACHE_MS: String(CACHE_MS), KILN_ZC_MAX_SKEW_SECONDS: '120', KILN_ZC_ACTION_SWITCH_MS: String(SWITCH_MS) });
  // The same data dir (master key, SQLite file, chunks) and, on pg-s3, the same database
  // and bucket: a second API process of one installation.
  const shared = Object.fromEntries(Object.entries(a.env).filter(([k]) => k !== 'KILN_PORT'));
  b = await KilnProcess.start(shared, a.dataDir);
});

after(async () => {
  await b?.kill();
  await a?.stop();
  await b?.stop();
});

function ucloud(k: KilnProcess, keys: { publicKey: string; privateKey: string }): UCloudTestClient {
  return new UCloudTestClient({ baseUrl: k.baseUrl, publicKey: keys.publicKey, privateKey: keys.privateKey, region: 'cn-bj2' });
}

/** Polls both servers with `refused` until both refuse; returns how long that took. */
async function untilBothRefuse(refused: (k: KilnProcess) => Promise<boolean>, limitMs: number): Promise<number> {
  const t0 = Date.now();
  const done = new Set<KilnProcess>();
  while (done.size < 2) {
    for (const k of [a, b]) if (!done.has(k) && (await refused(k))) done.add(k);
    if (Date.now() - t0 > limitMs) assert.fail(`after ${limitMs} ms ${2 - done.size} server(s) still accept the revoked credential`);
    await sleep(50);
  }
  return Date.now() - t0;
}

test('a key revoked with `kiln account keys revoke` is refused by both servers within KILN_AUTH_CACHE_MS', async (t) => {
  const carol = JSON.parse(await a.cli(['account', 'create', 'carol', '--json'])) as { publicKey: string; privateKey: string };
  const spare = JSON.parse(await a.cli(['account', 'keys', 'create', 'carol', '--json'])) as { publicKey: string; privateKey: string };
  for (const k of [a, b]) assert.equal((await (await zecClient(k, 'go', carol)).call('DescribeZones', {})).status, 200);

  // Both servers keep using the key (their caches stay warm) while the CLI revokes it; the
  // moment the key row is gone is read from the store itself.
  const log: { k: KilnProcess; at: number; ok: boolean }[] = [];
  let warm = true;
  const warming = (async () => {
    while (warm) {
      for (const k of [a, b]) log.push({ k, at: Date.now(), ok: (await ucloud(k, carol).call('DescribeImage', {})).body.RetCode === 0 });
      await sleep(20);
    }
  })();
  const stores = await openStoresOf(a.env);
  let revokedAt = 0;
  try {
    const cli = a.cli(['account', 'keys', 'revoke', carol.publicKey, '--json']);
    while ((await stores.store.accounts.key(carol.publicKey)) !== undefined) await sleep(10);
    revokedAt = Date.now();
    assert.equal((JSON.parse(await cli) as { revoked: string }).revoked, carol.publicKey);
    const ms = await untilBothRefuse(async (k) => (await ucloud(k, carol).call('DescribeImage', {})).body.RetCode === 172, CACHE_MS + 1000);
    t.diagnostic(`both refuse ${Date.now() - revokedAt} ms after the key row was deleted (${ms} ms after the CLI returned)`);
  } finally {
    warm = false;
    await warming;
    await stores.close();
  }
  for (const k of [a, b]) {
    const after = log.filter((e) => e.k === k && e.at >= revokedAt);
    const firstRefusal = after.find((e) => !e.ok);
    const lastAccepted = after.filter((e) => e.ok).at(-1);
    t.diagnostic(
      `${k === a ? 'server A' : 'server B'}: last accepted ${lastAccepted ? lastAccepted.at - revokedAt : '-'} ms, first refused ${firstRefusal ? firstRefusal.at - revokedAt : '-'} ms after the revocation`,
    );
    if (lastAccepted) assert.ok(lastAccepted.at - revokedAt <= CACHE_MS + 500, 'never accepted past the cache bound');
    const zc = await (await zecClient(k, 'go', carol)).call('DescribeZones', {});
    assert.equal(zc.status, 401);
    assert.equal(zc.body.code, 'AUTHFAILURE_SIGNATURE_FAILURE');
    assert.equal((await ucloud(k, spare).call('DescribeImage', {})).body.RetCode, 0, "the account's other key still works");
  }
  await assert.rejects(a.cli(['account', 'keys', 'revoke', carol.publicKey]), /no key/);
});

test('a token revoked with `kiln token revoke` is refused by both servers at once', async (t) => {
  const { token } = JSON.parse(await a.cli(['token', 'create', '--account', 'carol', '--json'])) as { token: string };
  const bearer = (k: KilnProcess) => new ZenlayerTestClient({ baseUrl: k.baseUrl, token });
  for (const k of [a, b]) assert.equal((await bearer(k).call('DescribeZones', {})).status, 200);
  await a.cli(['token', 'revoke', token]);
  const ms = await untilBothRefuse(async (k) => (await bearer(k).call('DescribeZones', {})).status === 401, 500);
  t.diagnostic(`both servers refused the revoked token ${ms} ms after the CLI returned`);
});

test('both servers together: a read signature repeats on either, resent later as another action it is refused, and a change is served once', async (t) => {
  const alice = await zecClient(a);
  // Behind one load balancer both servers answer to one name, which the signature covers.
  const host = new URL(a.baseUrl).host;
  const aliceOnB = await zecClient(b);
  const instanceId = await createZecInstance(alice, await addZecBaseImage(a));
  const params = { instanceIds: [instanceId] };
  const timestamp = Math.floor(Date.now() / 1000) - 60;
  for (const client of [alice, aliceOnB, alice]) {
    const read = await client.call('DescribeInstancesStatus', params, { timestamp, host });
    assert.equal(read.status, 200, JSON.stringify(read.body));
  }
  // The same bytes and headers with only X-ZC-Action changed, later than the client that
  // signed them could have sent them: the signature still verifies, the guard refuses.
  await sleep(SWITCH_MS + 300);
  for (const [client, where] of [
    [aliceOnB, 'the other server'],
    [alice, 'the same server'],
  ] as const) {
    const replay = await client.call('ReleaseInstances', params, { timestamp, host });
    assert.equal(replay.status, 401, `${where}: ${JSON.stringify(replay.body)}`);
    assert.equal(replay.body.code, 'AUTHFAILURE_SIGNATURE_REPLAYED');
    assert.match(String(replay.body.message), /already used for another action/);
    t.diagnostic(`replay on ${where}: ${replay.status} ${String(replay.body.code)}`);
  }
  assert.equal(await instanceStatus(alice, instanceId), 'RUNNING', 'the instance was not released');

  // Sent to both servers at once, a fresh signed change is served exactly once.
  const ts = timestamp - 1;
  const del = { imageIds: ['img-nonexistent0'] };
  const raced = await Promise.all([a, b, a, b, a, b].map((_, i) => (i % 2 === 0 ? alice : aliceOnB).call('DeleteImages', del, { timestamp: ts, host })));
  assert.deepEqual(raced.map((r) => r.status).sort(), [401, 401, 401, 401, 401, 404]);
});
