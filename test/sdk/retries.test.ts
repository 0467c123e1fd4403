/** Retries with backoff for read-only calls only, on network errors and throttling (fake fetch: no server). */
// stack-neutral: the SDK's retry policy against a fake fetch; no server, no store
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, NetworkError, UHostClient, ZecClient } from 'kiln-images-sdk';

type Step = 'reset' | 'throttle' | 'ok' | 'fail';

function fakeFetch(steps: Step[], body: object) {
  const calls: string[] = [];
  const fetch = async (_url: string, init: RequestInit): Promise<Response> => {
    calls.push(String(init.body ?? ''));
    const step = steps.shift() ?? 'ok';
    if (step === 'reset') throw new TypeError('fetch failed: ECONNRESET');
    if (step === 'throttle')
      return new Response(JSON.stringify({ RetCode: 153, Message: 'slow down', code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down', requestId: 'T1' }), {
        status: 429,
      });
    if (step === 'fail') return new Response(JSON.stringify({ RetCode: 8956, Message: 'no such image' }), { status: 200 });
    return new Response(JSON.stringify(body), { status: 200 });
  };
  return { fetch, calls };
}

const keys = { endpoint: 'http://kiln.invalid', publicKey: 'pub', privateKey: 'priv', region: 'cn-bj2', retry: { baseDelayMs: 1 } };

test('a read-only call is sent again after a reset connection and after throttling', async () => {
  const f = fakeFetch(['reset', 'throttle', 'ok'], { RetCode: 0, Action: 'DescribeImageResponse', TotalCount: 0, ImageSet: [] });
  const c = new UHostClient({ ...keys, fetch: f.fetch });
  assert.deepEqual(await c.describeImage(), { TotalCount: 0, ImageSet: [] });
  assert.equal(f.calls.length, 3);
});

test('a call that changes something is never sent twice', async () => {
  const f = fakeFetch(['reset', 'ok'], { RetCode: 0, ImageId: 'uimage-x' });
  const c = new UHostClient({ ...keys, fetch: f.fetch });
  await assert.rejects(c.terminateCustomImage({ ImageId: 'uimage-x' }), NetworkError);
  assert.equal(f.calls.length, 1);
});

test('retries stop after maxAttempts and API errors are not retried', async () => {
  const f = fakeFetch(['reset', 'reset', 'reset'], {});
  await assert.rejects(new UHostClient({ ...keys, fetch: f.fetch, retry: { maxAttempts: 3, baseDelayMs: 1 } }).describeImage(), NetworkError);
  assert.equal(f.calls.length, 3);
  const g = fakeFetch(['fail'], {});
  await assert.rejects(
    new UHostClient({ ...keys, fetch: g.fetch }).describeImage(),
    (e: unknown) => e instanceof ApiError && e.code === '8956' && e.retCode === 8956,
  );
  assert.equal(g.calls.length, 1);
});

test('ZEC throttling (429 REQUEST_LIMIT_EXCEEDED) is retried for reads', async () => {
  const f = fakeFetch(['throttle', 'ok'], { requestId: 'T2', response: { requestId: 'T2', zoneSet: [] } });
  const c = new ZecClient({ endpoint: 'http://kiln.invalid', token: 't', fetch: f.fetch, retry: { baseDelayMs: 1 } });
  assert.deepEqual(await c.describeZones(), { zoneSet: [] });
  assert.equal(f.calls.length, 2);
});
