/**
 * Makes real signed calls and keeps each one as a worked example for the reference: the
 * request as sent and the answer as received, with what differs from run to run (ids,
 * times, request ids, keys, signatures, the file server's port) replaced by stand-ins,
 * so two runs of the same calls record the same text.
 */
import assert from 'node:assert/strict';
import type { JsonValue, WorkedExample } from '../../../src/docs-site/worked-example.ts';
import type { UCloudTestClient } from '../ucloud-client.ts';
import type { ZenlayerTestClient } from '../zenlayer-client.ts';

/** Every id prefix Kiln hands out (src/core/products.ts, accounts, jobs, ZEC nics), then 12 of [a-z0-9]. */
const ID = /\b(uimage|compshareimage|img|uhost|ins|snapshot|snap|bsi|bsm|disk|nic|base|acc|org|job)-[a-z0-9]{12}\b/g;
const UUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
/** 2027-01-01T00:00:00Z: every time in an example reads as this. */
const EXAMPLE_UNIX_TIME = 1798761600;
const EXAMPLE_ISO_TIME = '2027-01-01T00:00:00Z';
const EXAMPLE_DURATION = '1';

export class ExampleRecorder {
  readonly examples: WorkedExample[] = [];
  readonly #ids = new Map<string, string>();
  readonly #counters = new Map<string, number>();

  /** `literals`: exact texts to replace first (the file server's URL, account names with random parts). */
  constructor(private readonly literals: ReadonlyArray<readonly [string, string]> = []) {}

  /** A UCloud action as the JS SDK sends it (a flat JSON POST to `/`); fails unless RetCode is 0. */
  async ucloud(client: UCloudTestClient, product: 'uhost' | 'compshare', action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const sent = client.encode(action, params, { encoding: 'json' });
    const r = await client.call(action, params, { encoding: 'json' });
    assert.equal(r.body.RetCode, 0, `${action}: ${JSON.stringify(r.body)}`);
    const body = JSON.parse(sent.body ?? '{}') as Record<string, JsonValue>;
    body.PublicKey = '<PublicKey>';
    body.Signature = '<Signature: SHA1 of the sorted name+value pairs, then the PrivateKey>';
    this.#keep({
      product,
      action,
      request: { method: 'POST', path: '/', headers: [['Content-Type', 'application/json']], body },
      answer: { status: r.status, body: r.body as JsonValue },
    });
    return r.body;
  }

  /** A ZEC action as the Go SDK sends it (compact JSON, `content-type;host` signed); fails unless HTTP 200. */
  async zec(client: ZenlayerTestClient, action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = await client.call(action, params, { style: 'go' });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
    this.#keep({
      product: 'zec',
      action,
      request: {
        method: 'POST',
        path: '/api/v2/zec',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-ZC-Action', action],
          ['X-ZC-Version', '2025-09-01'],
          ['X-ZC-Timestamp', '<unix seconds>'],
          ['X-ZC-Signature-Method', 'ZC2-HMAC-SHA256'],
          ['Authorization', 'ZC2-HMAC-SHA256 Credential=<AccessKeyId>, SignedHeaders=content-type;host, Signature=<hex HMAC-SHA256>'],
        ],
        body: params as JsonValue,
      },
      answer: { status: r.status, body: r.body as JsonValue },
    });
    return r.body.response as Record<string, unknown>;
  }

  #keep(ex: WorkedExample): void {
    assert.ok(!this.examples.some((e) => e.product === ex.product && e.action === ex.action), `${ex.product} ${ex.action} is recorded twice`);
    this.examples.push({
      ...ex,
      request: { ...ex.request, body: this.#stable(ex.request.body) },
      answer: { ...ex.answer, body: this.#stable(ex.answer.body) },
    });
  }

  #stable(value: JsonValue): JsonValue {
    let text = JSON.stringify(value);
    for (const [from, to] of this.literals) text = text.split(from).join(to);
    text = text.replace(ID, (id, prefix: string) => this.#standIn(id, prefix));
    text = text.replace(UUID, '00000000-0000-0000-0000-000000000000');
    return fixedTimes(JSON.parse(text) as JsonValue, '');
  }

  /** The same id reads the same everywhere; ids are numbered in the order the examples meet them. */
  #standIn(id: string, prefix: string): string {
    let standIn = this.#ids.get(id);
    if (standIn === undefined) {
      const n = (this.#counters.get(prefix) ?? 0) + 1;
      this.#counters.set(prefix, n);
      standIn = `${prefix}-example${String(n).padStart(5, '0')}`;
      this.#ids.set(id, standIn);
    }
    return standIn;
  }
}

/**
 * Times by field name (`CreateTime`, `createTime`, `PubTime`...), since a size in bytes
 * can look like a unix time; a duration in seconds (`TotalDuration`) depends on the machine.
 */
function fixedTimes(value: JsonValue, key: string): JsonValue {
  if (Array.isArray(value)) return value.map((v) => fixedTimes(v, key));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fixedTimes(v, k)]));
  if (key === 'TotalDuration' && typeof value === 'string' && /^\d+$/.test(value)) return EXAMPLE_DURATION;
  if (!/time$/i.test(key)) return value;
  if (typeof value === 'number' && value > 1e9) return EXAMPLE_UNIX_TIME;
  if (typeof value === 'string' && ISO_TIME.test(value)) return EXAMPLE_ISO_TIME;
  return value;
}
