/**
 * Bounds on request shape, enforced on the raw bytes before any parsing or
 * authentication: JSON nesting (32 levels) and parameters per request (2,000). A hostile
 * body is refused in the dialect's shape at the cost of reading it, and never reaches a
 * recursive walk or a 100,000-key decode; the largest real calls still pass.
 */
// stack-neutral: request-shape bounds checked on the raw bytes before parsing or authentication
import assert from 'node:assert/strict';
import { request as httpRequest, Agent } from 'node:http';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { zecClient } from '../support/zec-flow.ts';

let kiln: KilnProcess;
let admin: UCloudTestClient;

before(async () => {
  kiln = await KilnProcess.start();
  admin = await kiln.adminClient();
});

after(async () => kiln?.stop());

const FORM = 'application/x-www-form-urlencoded';
const DEEP_JSON = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
const HUGE_FORM = Array.from({ length: 100_000 }, (_, i) => `p${i}=v`).join('&');

interface Timed {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

/** One request over a keep-alive agent, timed from first byte sent to last byte read. */
function send(agent: Agent, method: string, path: string, contentType?: string, body?: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const headers: Record<string, string | number> =
      body === undefined ? {} : { 'content-type': contentType ?? FORM, 'content-length': Buffer.byteLength(body) };
    const req = httpRequest(`${kiln.baseUrl}${path}`, { method, agent, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, ms: Number(process.hrtime.bigint() - started) / 1e6 });
        } catch {
          reject(new Error(`non-JSON answer (${res.statusCode}): ${text.slice(0, 200)}`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
after(() => agent.destroy());

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

test('JSON nested 5,000 levels deep is refused in both dialects, before authentication', async () => {
  const ucloud = await send(agent, 'POST', '/', 'application/json', DEEP_JSON);
  assert.equal(ucloud.status, 200, JSON.stringify(ucloud.body));
  assert.equal(ucloud.body.RetCode, 230, JSON.stringify(ucloud.body));
  assert.match(String(ucloud.body.Message), /nests more than 32 levels deep/);
  const zec = await send(agent, 'POST', '/api/v2/zec', 'application/json', DEEP_JSON);
  assert.equal(zec.status, 400, JSON.stringify(zec.body));
  assert.equal(zec.body.code, 'INVALID_REQUEST_BODY');
  assert.match(String(zec.body.message), /nests more than 32 levels deep/);
});

test('a 100,000-parameter form is refused before it is decoded or its signature checked', async (t) => {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await send(agent, 'POST', '/?Action=DescribeImage', FORM, HUGE_FORM);
    assert.equal(r.body.RetCode, 230, JSON.stringify(r.body));
    assert.equal(r.body.Action, 'DescribeImageResponse');
    assert.match(String(r.body.Message), /more than 2,000 parameters/);
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  t.diagnostic(
    `time to refuse a 100,000-parameter form (${(HUGE_FORM.length / 1024).toFixed(0)} KiB), 5 runs: median ${percentile(times, 0.5).toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms`,
  );
});

test('parameters in the query string count too', async () => {
  const query = Array.from({ length: 2_001 }, (_, i) => `p${i}=v`).join('&');
  const r = await send(agent, 'GET', `/?${query}`);
  assert.equal(r.body.RetCode, 230, JSON.stringify(r.body));
  assert.match(String(r.body.Message), /more than 2,000 parameters/);
});

test('the largest real calls stay under the limits', async () => {
  // 1,990 list items plus Action, Region, PublicKey and Signature: 1,994 parameters.
  const extra = Array.from({ length: 1_990 }, (_, i) => `x-${i}`);
  for (const encoding of ['form', 'json'] as const) {
    const r = await admin.call('DescribeImage', { Limit: 1, Unused: extra }, { encoding });
    assert.equal(r.body.RetCode, 0, `${encoding}: ${JSON.stringify(r.body)}`);
  }
  // ZEC's longest list: 1,000 image ids.
  const zec = await zecClient(kiln);
  const imageIds = Array.from({ length: 1_000 }, (_, i) => `img-${i}`);
  const r = await zec.call('DescribeImages', { zoneId: 'asia-east-1a', imageIds });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

test('/healthz stays responsive while 8 clients send 100,000-parameter forms for 3 s', async (t) => {
  const stopAt = Date.now() + 3_000;
  let refused = 0;
  const clients = Array.from({ length: 8 }, async () => {
    while (Date.now() < stopAt) {
      const r = await send(agent, 'POST', '/', FORM, HUGE_FORM);
      assert.equal(r.body.RetCode, 230);
      refused++;
    }
  });
  const health: number[] = [];
  const probe = (async () => {
    while (Date.now() < stopAt) {
      const r = await send(agent, 'GET', '/healthz');
      assert.equal(r.status, 200);
      health.push(r.ms);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await Promise.all([...clients, probe]);
  health.sort((a, b) => a - b);
  t.diagnostic(
    `8 clients x 3 s: ${refused} forms refused; /healthz n=${health.length} median ${percentile(health, 0.5).toFixed(1)} ms, max ${health.at(-1)?.toFixed(1)} ms`,
  );
  // Before the limits, one such form cost ~0.4 s of CPU and /healthz took seconds. The
  // bound is loose on purpose: the test machine is shared.
  assert.ok(percentile(health, 0.5) < 1_000, `median /healthz ${percentile(health, 0.5)} ms`);
});

test('no refusal is logged as a server error', () => {
  assert.doesNotMatch(kiln.output, /"level":50/);
});
